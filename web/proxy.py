"""The APIs behind the web server's own origin: ``/api/read/...`` to the read API, ``/api/command/...``
to the command API and ``/api/ops/...`` to the operations API, these two with the signed-in user's access
token (``web.session``). One origin means the pages'
Content-Security-Policy can say ``connect-src 'self'`` and the tokens never reach a script."""

import httpx
from fastapi import APIRouter, Depends, Request, Response

from web.errors import error_response
from web.security import own_pages_only

router = APIRouter(include_in_schema=False)

# Passed on in each direction; hop-by-hop headers and cookies never are.
READ_REQUEST_HEADERS = ("accept", "if-none-match")
COMMAND_REQUEST_HEADERS = ("accept", "content-type", "idempotency-key")
RESPONSE_HEADERS = ("content-type", "etag", "cache-control", "retry-after", "location", "www-authenticate")
COMMAND_METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"]


def _answer(upstream: httpx.Response) -> Response:
    headers = {name: upstream.headers[name] for name in RESPONSE_HEADERS if name in upstream.headers}
    return Response(upstream.content, status_code=upstream.status_code, headers=headers)


def _unavailable(which: str, error: httpx.HTTPError) -> Response:
    status = 504 if isinstance(error, httpx.TimeoutException) else 502
    return error_response(status, "upstream_unavailable", f"The {which} does not answer; try again shortly.",
                          {"Retry-After": "2"})  # fmt: skip


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/api/read/{path:path}")
async def read(path: str, request: Request) -> Response:
    web = request.app.state.web
    headers = {name: request.headers[name] for name in READ_REQUEST_HEADERS if name in request.headers}
    try:
        upstream = await web.read.get(f"/{path}", params=request.query_params, headers=headers)
    except httpx.HTTPError as error:
        return _unavailable("read API", error)
    return _answer(upstream)


@router.api_route("/api/command/{path:path}", methods=COMMAND_METHODS, dependencies=[Depends(own_pages_only)])
async def command(path: str, request: Request) -> Response:
    return await _as_the_user(request.app.state.web.command, "command API", path, request)


@router.api_route("/api/ops/{path:path}", methods=COMMAND_METHODS, dependencies=[Depends(own_pages_only)])
async def operations(path: str, request: Request) -> Response:
    """The operations API (the projections console's; it lets admins only)."""
    return await _as_the_user(request.app.state.web.ops, "operations API", path, request)


async def _as_the_user(upstream_api: httpx.AsyncClient, which: str, path: str, request: Request) -> Response:
    """The request passed on with the signed-in user's access token, renewed when it has run out."""
    web = request.app.state.web
    access, refresh = web.tokens.of(request)
    body = await request.body()
    headers = {name: request.headers[name] for name in COMMAND_REQUEST_HEADERS if name in request.headers}
    headers["x-forwarded-for"] = client_ip(request)  # ours, replacing whatever the client sent
    renewed, tried = None, False
    if access is None and refresh is not None:
        renewed, tried = await web.refresher.refresh(refresh), True
        access = renewed["access_token"] if renewed else None

    async def send(token: str | None) -> httpx.Response:
        sent = dict(headers, authorization=f"Bearer {token}") if token else headers
        return await upstream_api.request(request.method, f"/{path}", params=request.query_params,
                                          content=body, headers=sent)  # fmt: skip

    try:
        upstream = await send(access)
        # An access token refused as expired or revoked before its cookie ran out: renew once and resend.
        # A 401 means the command did not run, so sending it again cannot do it twice.
        if upstream.status_code == 401 and refresh is not None and not tried:
            renewed = await web.refresher.refresh(refresh)
            if renewed:
                upstream = await send(renewed["access_token"])
    except httpx.HTTPError as error:
        return _unavailable(which, error)
    response = _answer(upstream)
    if renewed:
        web.tokens.keep(response, renewed)
    elif refresh is not None and upstream.status_code == 401:
        web.tokens.forget(response)  # the refresh token is no good either: signed out
    return response
