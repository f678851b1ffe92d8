"""The web server's own part: tokens only in HttpOnly cookies, renewed without ever presenting a refresh
token twice, state-changing requests only from its own pages, the security headers on every answer, and
the contract's error shape when an API behind it is down. The command API runs in this process on the
test databases; the read API is left unreachable on purpose."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import start_client
from web.app import create_app
from web.pages import PAGES
from web.settings import WebSettings

WEB = "http://web.test"
OURS = {"x-requested-with": "edu-web", "origin": WEB}
PASSWORD = "a long enough password"


@pytest.fixture
async def web(settings) -> AsyncIterator[httpx.AsyncClient]:
    command, command_lifespan = await start_client(settings)
    command_app = command._transport.app  # the command API app start_client built, lifespan running
    app = create_app(WebSettings(read_api_url="http://127.0.0.1:9", command_api_url="http://command-api"),
                     command_transport=httpx.ASGITransport(app=command_app))  # fmt: skip
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=WEB) as client,
    ):
        yield client
    await command.aclose()
    await command_lifespan.__aexit__(None, None, None)


async def signed_up(web: httpx.AsyncClient) -> tuple[dict, httpx.Response]:
    body = {"email": f"web-{uuid.uuid4().hex[:10]}@example.com", "password": PASSWORD, "name": "Wen", "role": "student"}
    answer = await web.post("/session/register", json=body, headers=OURS)
    assert answer.status_code == 200, answer.text
    return body, answer


async def test_tokens_live_only_in_httponly_strict_cookies(web):
    body, answer = await signed_up(web)
    assert answer.json()["user"]["email"] == body["email"]
    assert "token" not in answer.text  # the page never sees a token
    cookies = answer.headers.get_list("set-cookie")
    assert {c.split("=", 1)[0] for c in cookies} == {"edu_access", "edu_refresh"}
    for cookie in cookies:
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie, cookie
    assert (await web.get("/session")).json()["user"]["email"] == body["email"]
    me = await web.get("/api/command/auth/me")
    assert me.status_code == 200 and me.json()["email"] == body["email"]


async def test_an_expired_access_token_is_renewed_once_for_many_requests_at_once(web):
    await signed_up(web)
    refresh = web.cookies["edu_refresh"]
    web.cookies.delete("edu_access")  # as the browser does when the cookie's max-age runs out
    answers = await asyncio.gather(*(web.get("/api/command/auth/me") for _ in range(5)))
    assert [a.status_code for a in answers] == [200] * 5
    renewed = {a.cookies.get("edu_refresh") for a in answers}
    assert len(renewed) == 1 and refresh not in renewed  # one rotation, shared by all five
    # Had the same refresh token been presented twice, the family would be revoked: the new one still works.
    web.cookies.clear()
    web.cookies.set("edu_refresh", renewed.pop(), domain="web.test")
    assert (await web.get("/session")).json()["user"] is not None


async def test_writes_need_our_own_pages_and_change_nothing_otherwise(web):
    body = {"email": f"web-{uuid.uuid4().hex[:10]}@example.com", "password": PASSWORD, "name": "X", "role": "student"}
    for headers in ({}, {"x-requested-with": "edu-web", "origin": "https://evil.example"}):
        refused = await web.post("/session/register", json=body, headers=headers)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "cross_site_request"
    # It was not created: logging in with it fails.
    login = await web.post("/session/login", json={"email": body["email"], "password": PASSWORD}, headers=OURS)
    assert login.status_code == 401
    await signed_up(web)
    refused = await web.post("/api/command/enrollments", json={"course_id": str(uuid.uuid4())})
    assert refused.status_code == 403


async def test_logout_revokes_the_refresh_token_on_the_server(web):
    await signed_up(web)
    refresh = web.cookies["edu_refresh"]
    assert (await web.post("/session/logout", headers=OURS)).status_code == 204
    assert "edu_refresh" not in web.cookies
    web.cookies.set("edu_refresh", refresh, domain="web.test")
    assert (await web.get("/session")).json()["user"] is None


async def test_every_page_has_the_policy_and_no_inline_script(web):
    for path in PAGES:
        page = await web.get(path.replace("{course_id}", str(uuid.uuid4())).replace("{lesson_id}", str(uuid.uuid4())))
        assert page.status_code == 200, path
        policy = page.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "default-src 'none'" in policy
        assert page.headers["x-content-type-options"] == "nosniff"
        html = page.text
        assert html.count("<script") == 1 and 'type="module" src="/static/js/' in html  # no inline script


async def test_an_api_that_is_down_is_a_502_in_the_contract_shape(web):
    answer = await web.get("/api/read/search", params={"q": "python"})
    assert answer.status_code == 502 and answer.json()["error"]["code"] == "upstream_unavailable"
    ready = await web.get("/health/ready")
    assert ready.status_code == 503 and ready.json()["error"]["code"] == "not_ready"
