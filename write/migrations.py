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


def create_outbox_v1() -> None:
    """The first version of every domain's outbox (table, undelivered index, NOTIFY trigger), for the
    domains' first migrations. Frozen: a later change to the outbox gets its own migration step."""
    from alembic import op
    from sqlalchemy import BigInteger, Column, DateTime, Identity, Integer, String, Uuid, text
    from sqlalchemy.dialects.postgresql import JSONB

    op.create_table(
        "outbox",
        Column("id", BigInteger(), Identity(always=True), primary_key=True),
        Column("event_id", Uuid(), nullable=False, unique=True),
        Column("event_type", String(length=100), nullable=False),
        Column("aggregate_type", String(length=50), nullable=False),
        Column("aggregate_id", Uuid(), nullable=False),
        Column("aggregate_version", Integer(), nullable=True),
        Column("payload", JSONB(), nullable=False),
        Column("occurred_at", DateTime(timezone=True), server_default=text("now()"), nullable=False),
        Column("delivered_at", DateTime(timezone=True), nullable=True),
        Column("attempts", Integer(), server_default=text("0"), nullable=False),
    )
    op.create_index("ix_outbox_undelivered", "outbox", ["id"], postgresql_where=text("delivered_at IS NULL"))
    op.execute(_NOTIFY_TRIGGER_V1)


def drop_outbox_v1() -> None:
    from alembic import op

    op.execute("DROP TRIGGER IF EXISTS outbox_notify ON outbox; DROP FUNCTION IF EXISTS outbox_notify();")
    op.drop_table("outbox")


# A statement-level trigger wakes relays (LISTEN edu_outbox) when events commit; NOTIFY is delivered at
# commit, so a listener never sees uncommitted rows.
_NOTIFY_TRIGGER_V1 = """
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('edu_outbox', current_database());
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
"""
