"""The same --seed gives the same data, byte for byte; another seed gives other data."""

from psycopg import sql

from seed.generator import Environment, tables
from seed.plan import make_plan
from seed.runner import seed_platform
from seed.safety import platform_tables
from tests.seed.conftest import SEED, TINY, query
from write.catalog.categories import CATEGORIES
from write.settings import DOMAINS


def checksums(settings) -> dict[str, tuple]:
    """Per platform table: row count and an md5 of every row's text, in a fixed order."""
    found = {}
    for domain in DOMAINS:
        for table in platform_tables(domain):
            statement = sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {} t"
            )
            found[f"{domain}.{table}"] = query(settings, domain, statement.format(sql.Identifier(table)).as_string())[0]
    return found


def test_the_same_seed_gives_identical_tables_and_another_seed_different_ones(seeded, fresh_databases):
    again = fresh_databases()
    seed_platform(again, TINY, seed=SEED)
    assert checksums(again) == checksums(seeded)

    seed_platform(again, TINY, seed=SEED + 1, reset=True)
    other = checksums(again)
    differing = [table for table, (count, digest) in other.items() if count and digest != checksums(seeded)[table][1]]
    assert {"identity.users", "catalog.courses", "catalog.lessons", "enrollment.enrollments"} <= set(differing)


def test_the_generator_alone_is_deterministic():
    def rows(seed: int) -> list:
        env = Environment("USD", {c.slug: n for n, c in enumerate(CATEGORIES, 1)}, {None: "x"} | _demo_hashes())
        return [list(table.rows()) for table in tables(make_plan(TINY, seed), env)]

    assert rows(3) == rows(3)
    assert rows(3) != rows(4)


def _demo_hashes() -> dict:
    from seed.demo_logins import DEMO_LOGINS

    return {login.email: login.email for login in DEMO_LOGINS}
