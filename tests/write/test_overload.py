"""Overload and outages are 503s with Retry-After in the contract's error shape, never a 500."""

import asyncio

from sqlalchemy import text

from tests.actors import sign_up
from tests.errors import assert_error
from tests.write.identity_helpers import app_with, context_of


async def test_a_request_that_cannot_get_a_database_connection_is_told_to_retry(settings, client):
    user = await sign_up(client)
    async with app_with(settings, db_pool_size=1, db_max_overflow=0, db_pool_timeout_seconds=0.2) as busy:
        held = asyncio.Event()
        release = asyncio.Event()

        async def hold_the_only_connection():
            async with context_of(busy).databases.transaction("identity") as session:
                await session.execute(text("SELECT 1"))  # a session takes its connection on first use
                held.set()
                await release.wait()

        holder = asyncio.create_task(hold_the_only_connection())
        await held.wait()
        try:
            response = await busy.get("/auth/me", headers=user.headers)
        finally:
            release.set()
            await holder
        assert_error(response, 503, "service_busy")
        assert response.headers["Retry-After"] == "1"
        assert (await busy.get("/auth/me", headers=user.headers)).status_code == 200


async def test_a_database_that_does_not_answer_is_a_503(settings):
    gone = settings.identity_database_url.rsplit("/", 1)[0].replace("127.0.0.1:", "127.0.0.1:1") + "/nowhere"
    async with app_with(settings, identity_database_url=gone, db_pool_timeout_seconds=2) as broken:
        response = await broken.post("/auth/login", json={"email": "a@example.com", "password": "x" * 12})
    assert_error(response, 503, "database_unavailable")
    assert response.headers["Retry-After"] == "5"
