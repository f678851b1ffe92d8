"""Alembic, one history per domain: ``write/<domain>/migrations``, each applied to its own database."""

from pathlib import Path

import psycopg
from alembic import command, context
from alembic.config import Config
from psycopg import sql
from sqlalchemy import MetaData, create_engine, make_url, pool

from write.settings import DOMAINS, WriteSettings

_WRITE_DIR = Path(__file__).parent


def alembic_config(domain: str, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_WRITE_DIR / domain / "migrations"))
    config.attributes["database_url"] = database_url
    return config


def run_migrations(target_metadata: MetaData) -> None:
    """The body of every domain's env.py: online migrations against the URL handed in by the caller."""
    url = context.config.attributes["database_url"]
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def ensure_database(database_url: str) -> bool:
    """Creates the database named in the URL if it does not exist yet; returns True when it created it."""
    url = make_url(database_url)
    admin_dsn = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (url.database,)).fetchone()
        if exists:
            return False
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(url.database)))
        return True


def upgrade_all(settings: WriteSettings, revision: str = "head") -> None:
    for domain in DOMAINS:
        url = settings.database_url(domain)
        ensure_database(url)
        command.upgrade(alembic_config(domain, url), revision)


def downgrade_all(settings: WriteSettings, revision: str = "base") -> None:
    for domain in DOMAINS:
        command.downgrade(alembic_config(domain, settings.database_url(domain)), revision)
