"""Throwaway PostgreSQL and Redis for a test run, or the servers named by EDU_TEST_* variables.

Either way the run creates its own uniquely named databases and Redis key prefix and removes only those.
"""

import os
import shutil
import stat
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy import make_url

from workers.devstack import PostgresServer, RedisServer, free_port


@dataclass
class TestServers:
    postgres_url: str  # server URL; databases are added per run
    redis_url: str


@contextmanager
def test_servers() -> Iterator[TestServers]:
    pg_url = os.environ.get("EDU_TEST_DATABASE_URL")
    redis_url = os.environ.get("EDU_TEST_REDIS_URL")
    tmp = Path(tempfile.mkdtemp(prefix="edu-test-"))
    tmp.chmod(tmp.stat().st_mode | stat.S_IRWXU | stat.S_IXGRP | stat.S_IXOTH)  # postgres must traverse it
    started = []
    try:
        if not pg_url:
            pg = PostgresServer(tmp / "postgres", free_port(), durable=False)
            pg.start()
            started.append(pg)
            pg_url = pg.url("postgres")
        if not redis_url:
            redis = RedisServer(tmp / "redis", free_port(), durable=False)
            redis.start()
            started.append(redis)
            redis_url = redis.url()
        yield TestServers(postgres_url=pg_url, redis_url=redis_url)
    finally:
        for server in reversed(started):
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def database_url(server_url: str, database: str) -> str:
    url = make_url(server_url).set(drivername="postgresql+psycopg", database=database)
    return url.render_as_string(hide_password=False)


def drop_databases(server_url: str, names: list[str]) -> None:
    admin = make_url(server_url).set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as connection:
        for name in names:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def unique_run_id() -> str:
    return uuid.uuid4().hex[:10]
