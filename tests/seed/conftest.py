"""Seeds go into sets of six databases of their own (``fresh_databases``, never the session's shared ones,
which other tests fill)."""

import psycopg
import pytest

from seed.runner import seed_platform
from seed.safety import libpq_dsn
from seed.scales import tiny
from write.settings import WriteSettings

TINY = tiny("test", courses=60)
SEED = 7


def query(settings: WriteSettings, domain: str, statement: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(libpq_dsn(settings.database_url(domain))) as connection:
        cursor = connection.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


@pytest.fixture(scope="session")
def seeded(fresh_databases) -> WriteSettings:
    """One small seed (scale TINY, seed SEED) that the read-only tests share."""
    settings = fresh_databases()
    seed_platform(settings, TINY, seed=SEED)
    return settings
