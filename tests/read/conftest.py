"""The read API on a platform of its own: the projection tests' ``platform`` (fresh databases, a Redis key
prefix, a search directory, the relay and a real RQ worker run on demand by ``settle``) and the command API
on it (``api``), with the read API in this process reading the projections that platform writes.

Every module gets its own platform (module scope), so a module's tests share one read model and each works
in categories or with words of its own.
"""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from read.app import create_app
from read.settings import ReadSettings
from search.settings import SearchSettings
from tests.projectors.conftest import Platform, api, api_ctx, platform  # noqa: F401 -- fixtures for tests/read

READ_BASE_URL = "http://read-api"


def read_settings(on: Platform, **overrides) -> ReadSettings:
    """Settings of a read API on the platform's Redis and key prefix; ``min_version`` waits 1 s unless told."""
    values = {
        "redis_url": on.settings.redis_url,
        "redis_key_prefix": on.settings.redis_key_prefix,
        "min_version_wait_seconds": 1.0,
    }
    return ReadSettings(**(values | overrides))


def search_settings(on: Platform) -> SearchSettings:
    """The embedded engine on the platform's search directory (the one its projectors write)."""
    return SearchSettings(search_dir=Path(on.env["EDU_SEARCH_DIR"]), meili_url=None)


async def start_read_app(settings: ReadSettings, search: SearchSettings) -> tuple[httpx.AsyncClient, object]:
    """The read API with its lifespan run (its Redis pool, change feed and search engine are built there)."""
    app = create_app(settings, search)
    lifespan = app.router.lifespan_context(app)
    await lifespan.__aenter__()
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=READ_BASE_URL), lifespan


async def stop_read_app(client: httpx.AsyncClient, lifespan) -> None:
    await client.aclose()
    await lifespan.__aexit__(None, None, None)


@pytest.fixture(scope="module")
async def reader(platform) -> AsyncIterator[httpx.AsyncClient]:  # noqa: F811 -- the imported fixture
    """The read API on the platform's projections and search index."""
    client, lifespan = await start_read_app(read_settings(platform), search_settings(platform))
    yield client
    await stop_read_app(client, lifespan)
