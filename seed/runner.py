"""``edu seed``: check or reset the databases, plan the data, load every domain, report what it took."""

import time
from dataclasses import dataclass, field
from itertools import groupby

import psycopg

from seed import safety
from seed.bulk_load import LoadTimes, load_database
from seed.generator import Environment, tables
from seed.passwords import password_hashes
from seed.plan import make_plan
from seed.progress import Reporter, Silent
from seed.scales import DEMO, Scale
from write.catalog.categories import CATEGORIES
from write.migrations import upgrade_all
from write.settings import WriteSettings


@dataclass
class SeedReport:
    scale: Scale
    seed: int
    rows: dict[str, int] = field(default_factory=dict)  # "domain.table" -> rows
    loads: dict[str, LoadTimes] = field(default_factory=dict)  # domain -> times
    plan_seconds: float = 0.0
    total_seconds: float = 0.0


def seed_platform(
    settings: WriteSettings, scale: Scale, *, seed: int = 1, reset: bool = False, reporter: Reporter | None = None
) -> SeedReport:
    """Loads ``scale``'s data into the six configured databases (created and migrated first if needed).

    Raises ``safety.DatabasesNotEmpty`` when any platform table holds rows and ``reset`` is False.
    """
    reporter = reporter or Silent()
    started = time.perf_counter()
    safety.refuse_production(settings)
    upgrade_all(settings)
    if reset:
        safety.reset(settings)
    else:
        safety.require_empty(settings)
    report = SeedReport(scale, seed)
    plan = make_plan(scale, seed)
    env = Environment(settings.currency, _category_ids(settings), password_hashes(settings, seed))
    report.plan_seconds = time.perf_counter() - started
    all_tables = tables(plan, env)
    reporter.start(all_tables)
    try:
        for domain, group in groupby(all_tables, key=lambda table: table.domain):
            group = list(group)
            dsn = safety.libpq_dsn(settings.database_url(domain))
            report.loads[domain] = load_database(dsn, group, reporter.rows)
            report.rows |= {f"{domain}.{table.name}": table.count for table in group}
    finally:
        reporter.finish()
    report.total_seconds = time.perf_counter() - started
    return report


def seed_demo_if_empty(settings: WriteSettings, reporter: Reporter | None = None) -> bool:
    """``make demo``/``make up``: the demo data, unless the databases already hold data. True if loaded."""
    if safety.non_empty_tables(settings):
        return False
    seed_platform(settings, DEMO, reporter=reporter)
    return True


def _category_ids(settings: WriteSettings) -> dict[str, int]:
    with psycopg.connect(safety.libpq_dsn(settings.database_url("catalog"))) as connection:
        ids = dict(connection.execute("SELECT slug, id FROM categories").fetchall())
    missing = [subject.slug for subject in CATEGORIES if subject.slug not in ids]
    if missing:
        raise RuntimeError(f"the catalog database lacks categories {missing}: is it migrated to head?")
    return ids
