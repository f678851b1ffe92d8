"""The web server (``uvicorn web.app:create_app --factory --port 8000``)."""

from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from web import account, health, pages, proxy
from web.errors import error_response
from web.health import REQUESTS
from web.security import CrossSiteRequest, SecurityHeaders
from web.session import Refresher, Tokens
from web.settings import WebSettings, get_settings

STATIC = Path(__file__).parent / "static"


@dataclass
class Web:
    settings: WebSettings
    read: httpx.AsyncClient
    command: httpx.AsyncClient
    ops: httpx.AsyncClient
    tokens: Tokens
    refresher: Refresher


def create_app(
    settings: WebSettings | None = None,
    read_transport: httpx.AsyncBaseTransport | None = None,
    command_transport: httpx.AsyncBaseTransport | None = None,
    ops_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """The transports are for tests that run the APIs in the same process."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        timeout = httpx.Timeout(settings.upstream_timeout_seconds)
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=50)
        async with (
            httpx.AsyncClient(base_url=settings.read_api_url, transport=read_transport, timeout=timeout,
                              limits=limits) as read,
            httpx.AsyncClient(base_url=settings.command_api_url, transport=command_transport, timeout=timeout,
                              limits=limits) as command,
            httpx.AsyncClient(base_url=settings.ops_api_url, transport=ops_transport, timeout=timeout) as ops,
        ):  # fmt: skip
            app.state.web = Web(settings, read, command, ops, Tokens(settings), Refresher(command))
            yield

    app = FastAPI(title="EduPlatform web", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(health.router)
    app.include_router(account.router)
    app.include_router(proxy.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(httpx.HTTPError)
    async def upstream_failed(request: Request, error: httpx.HTTPError):
        return error_response(502, "upstream_unavailable", "A service behind this page does not answer; try again.",
                              {"Retry-After": "2"})  # fmt: skip

    @app.exception_handler(CrossSiteRequest)
    async def cross_site(request: Request, error: CrossSiteRequest):
        return error_response(403, "cross_site_request", "This request must come from the site's own pages.")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "bad_request")
        return error_response(error.status_code, code, str(error.detail))

    @app.middleware("http")
    async def count(request: Request, call_next):
        response = await call_next(request)
        fallback = "static" if request.url.path.startswith("/static") else "unmatched"
        route = getattr(request.scope.get("route"), "path", fallback)
        REQUESTS.labels(route, str(response.status_code)).inc()
        return response

    app.add_middleware(SecurityHeaders)
    return app
