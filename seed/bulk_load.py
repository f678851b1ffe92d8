"""COPY generated rows into one domain database, fast, leaving exactly the migrated schema behind.

Per database, one transaction:

1. lock the tables to load and check (again, under the lock) that they are empty;
2. save the definitions of their keys, unique constraints, foreign keys and secondary indexes as
   PostgreSQL prints them (``pg_get_constraintdef``, ``pg_get_indexdef``) and drop them -- maintaining a
   b-tree of random UUIDs row by row costs far more than building it once from sorted input;
3. ``COPY ... FROM STDIN (FREEZE)`` each table (psycopg's ``write_row``; rows arrive already frozen, so
   nothing rewrites them later to set hint bits);
4. recreate everything from the saved definitions -- the same names, columns, options and predicates,
   so the schema is the migrated one again -- which also validates every row against it;
5. commit, then ``VACUUM (ANALYZE)`` so the planner knows the new sizes.

A failure anywhere rolls the whole database back to empty with its schema intact. CHECK constraints stay
in place during the load: they are checked row by row anyway and cost little.

A key that a table outside the load refers to (users' primary key, from refresh_families) is kept: those
tables are never touched.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from psycopg import sql

from seed.generator import Table

BATCH = 5_000  # rows between progress updates
MAINTENANCE_WORK_MEM = "512MB"  # index builds sort in memory instead of spilling to disk


class NotEmpty(RuntimeError):
    """A table to load holds rows (someone wrote between the safety check and the load)."""


@dataclass(frozen=True)
class Saved:
    """The DDL that drops and recreates what the load set aside, in a safe order each way."""

    drop: list[sql.Composable]
    create: list[sql.Composable]


@dataclass
class LoadTimes:
    copy: dict[str, float]  # table -> seconds
    rebuild: float = 0.0  # keys, constraints and indexes
    analyze: float = 0.0


OnRows = Callable[[Table, int], None]


def load_database(dsn: str, tables: list[Table], on_rows: OnRows) -> LoadTimes:
    names = [table.name for table in tables]
    times = LoadTimes(copy={})
    with psycopg.connect(dsn) as connection:
        connection.execute(sql.SQL("SET LOCAL maintenance_work_mem = {}").format(sql.Literal(MAINTENANCE_WORK_MEM)))
        connection.execute("SET LOCAL synchronous_commit = off")
        _lock_empty(connection, names)
        saved = _save_keys_and_indexes(connection, names)
        for statement in saved.drop:
            connection.execute(statement)
        frozen = _truncate_for_freeze(connection, names)
        for table in tables:
            started = time.perf_counter()
            _copy(connection, table, table.name in frozen, on_rows)
            times.copy[table.name] = time.perf_counter() - started
        started = time.perf_counter()
        for statement in saved.create:
            connection.execute(statement)
        times.rebuild = time.perf_counter() - started
    started = time.perf_counter()
    with psycopg.connect(dsn, autocommit=True) as connection:
        for name in names:
            connection.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(name)))
    times.analyze = time.perf_counter() - started
    return times


def _lock_empty(connection: psycopg.Connection, names: list[str]) -> None:
    identifiers = sql.SQL(", ").join(map(sql.Identifier, names))
    connection.execute(sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(identifiers))
    for name in names:
        if connection.execute(sql.SQL("SELECT EXISTS (SELECT FROM {})").format(sql.Identifier(name))).fetchone()[0]:
            raise NotEmpty(f"table {name} is not empty")


# Primary keys, unique constraints and foreign keys of the loaded tables -- except a key that a table
# outside the load refers to, which must stay for that table's foreign key.
_CONSTRAINTS = """
SELECT c.conname, c.conrelid::regclass::text, c.contype, pg_get_constraintdef(c.oid)
FROM pg_constraint c
WHERE c.conrelid::regclass::text = ANY(%(tables)s)
  AND c.contype IN ('p', 'u', 'f')
  AND NOT EXISTS (
      SELECT FROM pg_constraint f
      WHERE f.contype = 'f' AND f.conindid = c.conindid AND c.contype IN ('p', 'u')
        AND NOT f.conrelid::regclass::text = ANY(%(tables)s))
ORDER BY c.conrelid::regclass::text, c.conname
"""

# Indexes of the loaded tables that no key or unique constraint owns.
_INDEXES = """
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index i
WHERE i.indrelid::regclass::text = ANY(%(tables)s)
  AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
ORDER BY 1
"""


def _save_keys_and_indexes(connection: psycopg.Connection, names: list[str]) -> Saved:
    constraints = connection.execute(_CONSTRAINTS, {"tables": names}).fetchall()
    indexes = connection.execute(_INDEXES, {"tables": names}).fetchall()
    foreign = [row for row in constraints if row[2] == "f"]
    keys = [row for row in constraints if row[2] != "f"]

    def drop_constraint(row: tuple) -> sql.Composable:
        return sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(sql.Identifier(row[1]), sql.Identifier(row[0]))

    def add_constraint(row: tuple) -> sql.Composable:
        return sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
            sql.Identifier(row[1]), sql.Identifier(row[0]), sql.SQL(row[3])
        )

    return Saved(
        drop=[
            *map(drop_constraint, foreign + keys),
            *(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)) for name, _ in indexes),
        ],
        create=[
            *map(add_constraint, keys),
            *(sql.SQL(definition) for _, definition in indexes),
            *map(add_constraint, foreign),
        ],
    )


def _truncate_for_freeze(connection: psycopg.Connection, names: list[str]) -> set[str]:
    """COPY FREEZE needs the table truncated in the same transaction; a table another (unloaded) table
    refers to cannot be truncated alone, and is loaded without FREEZE. The tables are empty: nothing is lost."""
    referenced = {
        name
        for (name,) in connection.execute(
            "SELECT DISTINCT confrelid::regclass::text FROM pg_constraint WHERE contype = 'f'"
            " AND confrelid::regclass::text = ANY(%(tables)s)",
            {"tables": names},
        )
    }
    frozen = [name for name in names if name not in referenced]
    if frozen:
        connection.execute(sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(map(sql.Identifier, frozen))))
    return set(frozen)


def _copy(connection: psycopg.Connection, table: Table, freeze: bool, on_rows: OnRows) -> None:
    statement = sql.SQL("COPY {} ({}) FROM STDIN{}").format(
        sql.Identifier(table.name),
        sql.SQL(", ").join(map(sql.Identifier, table.columns)),
        sql.SQL(" (FREEZE)" if freeze else ""),
    )
    pending = 0
    with connection.cursor().copy(statement) as copy:
        for row in table.rows():
            copy.write_row(row)
            pending += 1
            if pending == BATCH:
                on_rows(table, pending)
                pending = 0
    on_rows(table, pending)
