"""A dependency down: search down is 503 ``search_unavailable`` on /search only (cards, curricula and the
catalog keep working); Redis down (refusing, or silent) is a quick 503 ``read_model_unavailable``, never a
hanging request; /health/ready names the failed dependency, /health/live stays 200."""

import asyncio
import contextlib
import socket
import time
from collections.abc import Iterator

import pytest

from search.settings import SearchSettings
from tests.errors import assert_error
from tests.read.conftest import read_settings, search_settings, start_read_app, stop_read_app
from tests.read.helpers import ok
from tests.write.learning_helpers import published_course
from workers.devstack import free_port


@pytest.fixture(scope="module")
async def course(platform, api, api_ctx) -> dict:
    _, course, _ = await published_course(api, api_ctx, category="science", title="Outage Proof Course")
    await platform.settle()
    return course


@contextlib.asynccontextmanager
async def read_app(settings, search):
    client, lifespan = await start_read_app(settings, search)
    try:
        yield client
    finally:
        await stop_read_app(client, lifespan)


@contextlib.contextmanager
def silent_server() -> Iterator[int]:
    """A port that takes connections (the kernel completes them) but never answers a byte: a hung Redis."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        yield server.getsockname()[1]


async def test_health_is_ok_when_everything_answers(course, reader):
    assert ok(await reader.get("/health/live")) == {"status": "ok"}
    assert ok(await reader.get("/health/ready")) == {"status": "ok", "checks": {"redis": "ok", "search": "ok"}}


async def assert_search_down_but_browsing_works(client, course: dict) -> None:
    response = await client.get("/search", params={"q": "outage"})
    assert_error(response, 503, "search_unavailable")
    assert int(response.headers["retry-after"]) >= 1
    assert response.headers["cache-control"] == "no-store"
    assert ok(await client.get(f"/courses/{course['id']}"))["title"] == "Outage Proof Course"
    assert ok(await client.get(f"/courses/{course['id']}/curriculum"))["course_id"] == course["id"]
    assert ok(await client.get(f"/courses/{course['id']}/reviews"))["items"] == []
    assert course["id"] in [c["id"] for c in ok(await client.get("/catalog", params={"category": "science"}))["items"]]
    assert ok(await client.get("/categories"))["items"]
    ready = await client.get("/health/ready")
    error = assert_error(ready, 503, "not_ready")
    assert error["details"]["redis"] == "ok"
    assert error["details"]["search"] != "ok"
    assert "search" in error["message"]
    assert ok(await client.get("/health/live")) == {"status": "ok"}


async def test_search_without_an_index_is_503_while_browsing_works(platform, course, tmp_path):
    empty = SearchSettings(search_dir=tmp_path / "no-index-here", meili_url=None)
    async with read_app(read_settings(platform), empty) as client:
        await assert_search_down_but_browsing_works(client, course)


async def test_an_unusable_search_directory_is_503_while_browsing_works(platform, course, tmp_path):
    not_a_directory = tmp_path / "search"
    not_a_directory.write_text("a file where the search directory should be")
    unusable = SearchSettings(search_dir=not_a_directory, meili_url=None)
    async with read_app(read_settings(platform), unusable) as client:
        await assert_search_down_but_browsing_works(client, course)

        # The directory becomes usable (here: the platform's index appears at that path): search recovers
        # without a restart.
        not_a_directory.unlink()
        not_a_directory.symlink_to(search_settings(platform).search_dir, target_is_directory=True)
        found = ok(await client.get("/search", params={"q": "outage"}))
        assert [hit["id"] for hit in found["hits"]] == [course["id"]]
        assert ok(await client.get("/health/ready"))["checks"] == {"redis": "ok", "search": "ok"}


@pytest.mark.parametrize("redis", ["refusing", "silent"])
async def test_redis_down_is_a_quick_503_and_not_ready(platform, course, redis):
    with contextlib.ExitStack() as stack:
        port = free_port() if redis == "refusing" else stack.enter_context(silent_server())
        settings = read_settings(platform, redis_url=f"redis://127.0.0.1:{port}/0")
        client, lifespan = await start_read_app(settings, search_settings(platform))
        try:
            paths = [
                f"/courses/{course['id']}",
                "/catalog",
                "/search?q=outage",  # the hits' cards come from Redis
                f"/courses/{course['id']}/curriculum",
                f"/courses/{course['id']}/reviews",
                "/categories",
            ]
            for path in paths if redis == "refusing" else paths[:3]:  # (a silent Redis costs a timeout each)
                started = time.monotonic()
                response = await client.get(path)
                elapsed = time.monotonic() - started
                assert_error(response, 503, "read_model_unavailable")
                assert elapsed < 2, (path, elapsed)
                assert response.headers["retry-after"]
                assert response.headers["cache-control"] == "no-store"

            started = time.monotonic()
            ready = await client.get("/health/ready")
            assert time.monotonic() - started < 2
            error = assert_error(ready, 503, "not_ready")
            assert error["details"]["redis"] != "ok"
            assert error["details"]["search"] == "ok"
            assert "redis" in error["message"]
            assert ok(await client.get("/health/live")) == {"status": "ok"}
        finally:
            # Shutting down does not hang on the Redis either (it once did: the change feed's listener
            # swallowed its cancellation and reconnected forever).
            started = time.monotonic()
            await asyncio.wait_for(stop_read_app(client, lifespan), 10)
            assert time.monotonic() - started < 5


async def test_a_min_version_read_with_redis_down_is_a_quick_503(platform, course):
    settings = read_settings(platform, redis_url=f"redis://127.0.0.1:{free_port()}/0", min_version_wait_seconds=10)
    async with read_app(settings, search_settings(platform)) as client:
        started = time.monotonic()
        response = await client.get(f"/courses/{course['id']}", params={"min_version": course["version"] + 1})
        assert_error(response, 503, "read_model_unavailable")
        assert time.monotonic() - started < 2


async def test_every_redis_connection_busy_past_the_pool_timeout_is_a_503_not_a_hang(platform, course):
    # Two connections: the change feed holds one, so one read at a time; who waits too long is shed.
    settings = read_settings(platform, read_redis_connections=2, read_redis_pool_timeout_seconds=0.001)
    async with read_app(settings, search_settings(platform)) as client:
        started = time.monotonic()
        burst = await asyncio.gather(*(client.get(f"/courses/{course['id']}") for _ in range(20)))
        assert time.monotonic() - started < 2
        statuses = [r.status_code for r in burst]
        assert 200 in statuses and 503 in statuses, statuses
        for response in burst:
            if response.status_code == 503:
                assert_error(response, 503, "read_model_unavailable")
        assert ok(await client.get(f"/courses/{course['id']}"))["id"] == course["id"]  # and it recovers
