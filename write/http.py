"""HTTP plumbing of the command API: a request-size limit and the health and metrics routes."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from write.errors import error_response
from write.settings import DOMAINS


class BodySizeLimit:
    """Refuses bodies over ``max_bytes`` with 413, whether or not the client sent Content-Length."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            return await self._too_large(scope, receive, send)
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise _BodyTooLarge(413, f"The body may be at most {self.max_bytes} bytes.")
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLarge:
            await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(413, "payload_too_large", f"The body may be at most {self.max_bytes} bytes.")
        await response(scope, receive, send)


class _BodyTooLarge(StarletteHTTPException):
    """Raised from ``receive`` once a body without (or with a false) Content-Length grows too large. An
    HTTPException, because FastAPI turns any other error while reading a body into a 400; this one reaches
    the error handlers and is answered 413 ``payload_too_large``."""


health_router = APIRouter(tags=["health"])


@health_router.get("/health/live")
async def live() -> dict:
    """The process is up."""
    return {"status": "ok"}


@health_router.get("/health/ready")
async def ready(request: Request) -> JSONResponse:
    """Every domain database and Redis answer."""
    ctx = request.app.state.context
    checks: dict[str, str] = {}
    for domain in DOMAINS:
        checks[f"postgres:{domain}"] = await _check(ctx.databases.ping(domain))
    checks["redis"] = await _check(ctx.redis.ping())
    ok = all(result == "ok" for result in checks.values())
    return JSONResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status_code=200 if ok else 503)


async def _check(awaitable) -> str:
    try:
        await awaitable
        return "ok"
    except Exception as error:  # a readiness probe reports any failure, it never raises
        return f"failed: {type(error).__name__}"


@health_router.get("/metrics", include_in_schema=False)
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
