"""Headers every answer of the web server carries, and the guard on requests that change something.

The Content-Security-Policy allows only the site's own scripts, styles and API (no inline script or
style, no eval): an injected ``<script>`` or ``onclick=`` would not run even if one got into a page.
Frames only from the two video hosts a lesson may embed (``web/static/js/video.js``).
"""

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

VIDEO_FRAME_SOURCES = "https://www.youtube-nocookie.com https://player.vimeo.com"
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https: data:",  # lesson markdown may show images from any https host
        "connect-src 'self'",
        "font-src 'self'",
        f"frame-src {VIDEO_FRAME_SOURCES}",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]

# Requests that change something must say they come from our own scripts: a custom header cannot be sent
# cross-site without a CORS preflight, which this server never grants (on top of SameSite=Strict cookies).
REQUESTED_WITH = "edu-web"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SecurityHeaders:
    """Pure ASGI middleware: adds the headers above to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class CrossSiteRequest(Exception):
    """Answered 403 ``cross_site_request`` (web.app)."""


def own_pages_only(request: Request) -> None:
    """A dependency of every route that passes a change on: state-changing requests must come from our
    own pages (the header above, and our own ``Origin`` when the browser sends one)."""
    if request.method in SAFE_METHODS:
        return
    own_origin = f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}"
    origin = request.headers.get("origin")
    if request.headers.get("x-requested-with") != REQUESTED_WITH or (origin is not None and origin != own_origin):
        raise CrossSiteRequest
