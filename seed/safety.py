"""What the seed may touch: the tables of the platform's own models, in the six configured databases.

``edu seed`` refuses to load into databases that hold any platform data, unless ``--reset`` empties them
first. The reset TRUNCATEs exactly the tables of ``write/<domain>/models.py`` (outboxes included) in the
database configured for that domain -- never another table, never another database, and never a
``DROP``. It uses no ``CASCADE``: a foreign table that referred to ours would make the TRUNCATE fail
rather than be emptied with them.

``categories`` is the exception: it is reference data written by catalog's first migration (courses
refer to it), not data anyone entered, so it is neither counted as data nor reset.
"""

import importlib
from contextlib import ExitStack

import psycopg
from psycopg import sql
from sqlalchemy import make_url

from write.settings import DOMAINS, WriteSettings

REFERENCE_TABLES = frozenset({"categories"})


class DatabasesNotEmpty(RuntimeError):
    def __init__(self, tables: list[str]) -> None:
        super().__init__("platform tables already hold data: " + ", ".join(tables))
        self.tables = tables


class SeedRefused(RuntimeError):
    pass


def libpq_dsn(database_url: str) -> str:
    """The SQLAlchemy URL of a setting as a libpq connection string for psycopg."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def platform_tables(domain: str) -> list[str]:
    metadata = importlib.import_module(f"write.{domain}.models").Base.metadata
    return [table.name for table in metadata.sorted_tables if table.name not in REFERENCE_TABLES]


def refuse_production(settings: WriteSettings) -> None:
    # Seeded data brings accounts with published passwords (the demo logins, the shared one).
    if settings.env == "production":
        raise SeedRefused("refusing to seed with EDU_ENV=production: seeded accounts have published passwords")


def non_empty_tables(settings: WriteSettings) -> list[str]:
    """``domain.table`` of every platform table that holds at least one row."""
    found = []
    for domain in DOMAINS:
        with psycopg.connect(libpq_dsn(settings.database_url(domain))) as connection:
            for table in platform_tables(domain):
                query = sql.SQL("SELECT EXISTS (SELECT FROM {})").format(sql.Identifier(table))
                if connection.execute(query).fetchone()[0]:
                    found.append(f"{domain}.{table}")
    return found


def require_empty(settings: WriteSettings) -> None:
    tables = non_empty_tables(settings)
    if tables:
        raise DatabasesNotEmpty(tables)


def reset(settings: WriteSettings) -> None:
    """Empties every platform table of the six configured databases (ids restart at 1).

    All six TRUNCATEs run before any commits, so a refusal in one database (a foreign table referring to
    ours) leaves all six as they were."""
    with ExitStack() as stack:
        connections = []
        for domain in DOMAINS:
            connection = stack.enter_context(psycopg.connect(libpq_dsn(settings.database_url(domain))))
            tables = sql.SQL(", ").join(map(sql.Identifier, platform_tables(domain)))
            connection.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY").format(tables))
            connections.append(connection)
        for connection in connections:
            connection.commit()
