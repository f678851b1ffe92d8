"""Where a signed-in browser's tokens live: two HttpOnly, SameSite=Strict cookies that page scripts cannot
read (docs/adr/0013-web-ui.md). The web server puts the access token on each command it passes on and
renews it with the refresh token when it has expired.

Refresh tokens work once, and presenting a used one revokes the whole family (contract §3). A page that
fires several requests at once with an expired access token would present the same refresh token several
times: ``Refresher`` makes them share one refresh (the first does it, the others await it), and keeps the
answer for 5 s for requests that were sent with the old cookie just before the new one arrived. (Within
those 5 s this process would hand the new pair to a replay of the old token: the window is kept short for
that reason.)
"""

import asyncio

import httpx
from cachetools import TTLCache
from fastapi import Request, Response

from web.settings import WebSettings

# The access cookie expires this much before the token does, so a token is renewed before it is refused.
ACCESS_MARGIN_SECONDS = 30
RECENT_REFRESH_SECONDS = 5


def cookie_names(settings: WebSettings) -> tuple[str, str]:
    # The __Host- prefix (Secure, Path=/, no Domain) is only allowed over HTTPS.
    prefix = "__Host-" if settings.secure_cookies else ""
    return f"{prefix}edu_access", f"{prefix}edu_refresh"


class Tokens:
    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self.access_name, self.refresh_name = cookie_names(settings)

    def of(self, request: Request) -> tuple[str | None, str | None]:
        return request.cookies.get(self.access_name), request.cookies.get(self.refresh_name)

    def keep(self, response: Response, pair: dict) -> None:
        access_seconds = max(ACCESS_MARGIN_SECONDS, int(pair["expires_in"]) - ACCESS_MARGIN_SECONDS)
        self._set(response, self.access_name, pair["access_token"], access_seconds)
        self._set(response, self.refresh_name, pair["refresh_token"], self.settings.refresh_cookie_seconds)

    def forget(self, response: Response) -> None:
        for name in (self.access_name, self.refresh_name):
            response.delete_cookie(name, path="/", secure=self.settings.secure_cookies, httponly=True,
                                   samesite="strict")  # fmt: skip

    def _set(self, response: Response, name: str, value: str, max_age: int) -> None:
        response.set_cookie(name, value, max_age=max_age, path="/", secure=self.settings.secure_cookies,
                            httponly=True, samesite="strict")  # fmt: skip


class Refresher:
    """One ``POST /auth/refresh`` per refresh token, however many requests need it at once."""

    def __init__(self, command: httpx.AsyncClient) -> None:
        self.command = command
        self._running: dict[str, asyncio.Future] = {}
        self._recent: TTLCache = TTLCache(maxsize=10_000, ttl=RECENT_REFRESH_SECONDS)

    async def refresh(self, refresh_token: str) -> dict | None:
        """The new token pair, or None when the refresh token is no good (expired, used, revoked)."""
        if refresh_token in self._recent:
            return self._recent[refresh_token]
        running = self._running.get(refresh_token)
        if running is not None:
            return await asyncio.shield(running)
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._running[refresh_token] = future
        pair = None
        try:
            answer = await self.command.post("/auth/refresh", json={"refresh_token": refresh_token})
            if answer.status_code == 200:
                pair = answer.json()
                self._recent[refresh_token] = pair
            return pair
        finally:
            future.set_result(pair)  # waiters of a refresh that raised see None: signed out, not an error
            del self._running[refresh_token]
