from collections.abc import AsyncIterator, Callable, Iterator

import httpx
import pytest
from redis import Redis

from tests.servers import database_url, drop_databases, test_servers, unique_run_id
from write.app import create_app
from write.migrations import upgrade_all
from write.settings import DOMAINS, WriteSettings


@pytest.fixture(scope="session")
def servers():
    with test_servers() as running:
        yield running


@pytest.fixture(scope="session")
def settings(servers) -> Iterator[WriteSettings]:
    """Settings of this run: its own databases and Redis key prefix, created here and removed at the end."""
    run = unique_run_id()
    names = {domain: f"edu_test_{run}_{domain}" for domain in DOMAINS}
    settings = WriteSettings(
        env="test",
        redis_url=servers.redis_url,
        redis_key_prefix=f"edu-test-{run}:",
        login_attempts_per_ip=100_000,
        login_attempts_per_account=100_000,
        register_attempts_per_ip=100_000,
        **{f"{domain}_database_url": database_url(servers.postgres_url, name) for domain, name in names.items()},
    )
    upgrade_all(settings)
    yield settings
    drop_databases(servers.postgres_url, list(names.values()))
    redis = Redis.from_url(servers.redis_url)
    for key in redis.scan_iter(match=f"{settings.redis_key_prefix}*"):
        redis.delete(key)
    redis.close()


async def start_client(settings: WriteSettings) -> tuple[httpx.AsyncClient, object]:
    app = create_app(settings)
    lifespan = app.router.lifespan_context(app)
    await lifespan.__aenter__()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://command-api")
    return client, lifespan


@pytest.fixture(scope="session")
async def app_client(settings) -> AsyncIterator[httpx.AsyncClient]:
    client, lifespan = await start_client(settings)
    yield client
    await client.aclose()
    await lifespan.__aexit__(None, None, None)


@pytest.fixture
def client(app_client) -> httpx.AsyncClient:
    return app_client


@pytest.fixture(scope="session")
def ctx(app_client):
    """The command API's own run-time context (databases, Redis, hasher), for arranging and inspecting."""
    return app_client._transport.app.state.context


@pytest.fixture(scope="session")
def fresh_databases(servers) -> Iterator[Callable[[], WriteSettings]]:
    """Makes settings for a new set of six (not yet created) databases; drops every set at the end."""
    names: list[str] = []
    prefixes: list[str] = []

    def make() -> WriteSettings:
        run = unique_run_id()
        urls = {}
        for domain in DOMAINS:
            names.append(f"edu_seed_{run}_{domain}")
            urls[f"{domain}_database_url"] = database_url(servers.postgres_url, names[-1])
        prefixes.append(f"edu-seed-{run}:")
        return WriteSettings(env="test", redis_url=servers.redis_url, redis_key_prefix=prefixes[-1], **urls)

    yield make
    drop_databases(servers.postgres_url, names)
    redis = Redis.from_url(servers.redis_url)
    for prefix in prefixes:
        for key in redis.scan_iter(match=f"{prefix}*"):
            redis.delete(key)
    redis.close()
