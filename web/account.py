"""Signing in and out through the web server: it talks to ``/auth/*`` of the command API and keeps the
tokens in HttpOnly cookies (``web.session``), answering the page only who the user is."""

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from web.errors import error_response
from web.proxy import client_ip
from web.security import own_pages_only

router = APIRouter(prefix="/session", include_in_schema=False, dependencies=[Depends(own_pages_only)])


async def _json_body(request: Request) -> dict | None:
    try:
        body = await request.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


PASSED_HEADERS = ("content-type", "retry-after")


def _passed_on(upstream) -> Response:
    """The command API's refusal as it gave it (422 details, 401, 429 with Retry-After)."""
    headers = {name: upstream.headers[name] for name in PASSED_HEADERS if name in upstream.headers}
    return Response(upstream.content, status_code=upstream.status_code, headers=headers)


@router.get("")
async def who(request: Request) -> Response:
    """``{"user": {...}}`` when signed in (renewing the access token if needed), else ``{"user": null}``."""
    web = request.app.state.web
    access, refresh = web.tokens.of(request)
    renewed = None
    if access is None and refresh is not None:
        renewed = await web.refresher.refresh(refresh)
        access = renewed["access_token"] if renewed else None
    if access is None:
        response = JSONResponse({"user": None})
        if refresh is not None:
            web.tokens.forget(response)
        return response
    me = await web.command.get("/auth/me", headers={"authorization": f"Bearer {access}"})
    if me.status_code != 200:
        response = JSONResponse({"user": None})
        web.tokens.forget(response)
        return response
    response = JSONResponse({"user": me.json()})
    if renewed:
        web.tokens.keep(response, renewed)
    return response


async def _sign_in(request: Request, email: str, password: str) -> Response:
    web = request.app.state.web
    forwarded = {"x-forwarded-for": client_ip(request)}
    login = await web.command.post("/auth/login", json={"email": email, "password": password}, headers=forwarded)
    if login.status_code != 200:
        return _passed_on(login)
    pair = login.json()
    me = await web.command.get("/auth/me", headers={"authorization": f"Bearer {pair['access_token']}"})
    response = JSONResponse({"user": me.json()})
    web.tokens.keep(response, pair)
    return response


@router.post("/login")
async def login(request: Request) -> Response:
    body = await _json_body(request)
    if body is None or not isinstance(body.get("email"), str) or not isinstance(body.get("password"), str):
        return error_response(422, "invalid_input", "Give an email and a password.")
    return await _sign_in(request, body["email"], body["password"])


@router.post("/register")
async def register(request: Request) -> Response:
    """Creates the account (``POST /auth/register``), then signs in with it."""
    body = await _json_body(request)
    if body is None:
        return error_response(422, "invalid_input", "The body must be a JSON object.")
    web = request.app.state.web
    created = await web.command.post("/auth/register", json=body, headers={"x-forwarded-for": client_ip(request)})
    if created.status_code != 201:
        return _passed_on(created)
    return await _sign_in(request, body["email"], body["password"])


@router.post("/logout")
async def logout(request: Request) -> Response:
    web = request.app.state.web
    access, refresh = web.tokens.of(request)
    if refresh is not None and access is None:  # logging out needs a live access token: renew it first
        renewed = await web.refresher.refresh(refresh)
        access, refresh = (renewed["access_token"], renewed["refresh_token"]) if renewed else (None, None)
    if refresh is not None and access is not None:
        # Revokes the refresh token's family on the server, not only the cookies here.
        await web.command.post("/auth/logout", json={"refresh_token": refresh},
                               headers={"authorization": f"Bearer {access}"})  # fmt: skip
    response = Response(status_code=204)
    web.tokens.forget(response)
    return response
