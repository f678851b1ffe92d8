"""Seeds go into sets of six databases of their own (never the session's shared ones, which other tests
fill), created on the session's server and dropped at the end."""

from collections.abc import Callable, Iterator

import psycopg
import pytest

from seed.runner import seed_platform
from seed.safety import libpq_dsn
from seed.scales import tiny
from tests.servers import database_url, drop_databases, unique_run_id
from write.settings import DOMAINS, WriteSettings

TINY = tiny("test", courses=60)
SEED = 7


def query(settings: WriteSettings, domain: str, statement: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(libpq_dsn(settings.database_url(domain))) as connection:
        cursor = connection.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def environment(settings: WriteSettings) -> dict[str, str]:
    """EDU_* variables that point the `edu` command at these databases."""
    return {f"EDU_{domain.upper()}_DATABASE_URL": settings.database_url(domain) for domain in DOMAINS} | {
        "EDU_REDIS_URL": settings.redis_url,
        "EDU_REDIS_KEY_PREFIX": settings.redis_key_prefix,
    }


@pytest.fixture(scope="session")
def fresh_databases(servers) -> Iterator[Callable[[], WriteSettings]]:
    """Makes settings for a new set of six (not yet created) databases; drops every set at the end."""
    names: list[str] = []

    def make() -> WriteSettings:
        run = unique_run_id()
        urls = {}
        for domain in DOMAINS:
            names.append(f"edu_seed_{run}_{domain}")
            urls[f"{domain}_database_url"] = database_url(servers.postgres_url, names[-1])
        return WriteSettings(env="test", redis_url=servers.redis_url, redis_key_prefix=f"edu-seed-{run}:", **urls)

    yield make
    drop_databases(servers.postgres_url, names)


@pytest.fixture(scope="session")
def seeded(fresh_databases) -> WriteSettings:
    """One small seed (scale TINY, seed SEED) that the read-only tests share."""
    settings = fresh_databases()
    seed_platform(settings, TINY, seed=SEED)
    return settings
