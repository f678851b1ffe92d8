"""The PostgreSQL baselines of ``make bench-search``: the same documents in one table, searched with
``ILIKE '%word%'`` (baseline A: sequential scans) and again after ``pg_trgm`` GIN indexes (baseline B).

Text matching, both baselines: every word of the query must occur (ILIKE, as a substring, so the last,
half-typed word matches as a prefix) in the title, the summary or the teacher's name. B differs only for
the typo classes: there a full word matches by trigram word similarity (``word <% column``, pg_trgm's
default threshold 0.6) instead of ILIKE, which no typo ever matches. SQL has no relevance score: relevance
order is popularity (``enrollment_count DESC``). Totals are exact; facet counts are disjunctive like the
engine's (a facet's counts ignore its own filter).
"""

import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from loadtest.search_mix import COMBINED, TYPO_CLASSES, BenchQuery
from search import CourseDocument, Sort
from workers.devstack import PG_SUPERUSER, PostgresServer, free_port

TABLE = "courses_search"
COLUMNS = (
    "id", "title", "summary", "teacher_name", "category_slug", "level", "price", "language", "rating_avg",
    "review_count", "enrollment_count", "published_at",
)  # fmt: skip
CREATE = f"""CREATE TABLE {TABLE} (
    id uuid NOT NULL, title text NOT NULL, summary text NOT NULL, teacher_name text NOT NULL,
    category_slug text NOT NULL, level text NOT NULL, price numeric(10, 2) NOT NULL, language text NOT NULL,
    rating_avg real NOT NULL, review_count int NOT NULL, enrollment_count int NOT NULL, published_at bigint NOT NULL
)"""
SEARCHED = ("title", "summary", "teacher_name")
ORDER = {
    Sort.RELEVANCE: "enrollment_count DESC, id",  # no relevance in SQL: popularity stands in
    Sort.RATING: "rating_avg DESC, review_count DESC, id",
    Sort.NEWEST: "published_at DESC, id",
}
SETTINGS = ("shared_buffers", "work_mem", "max_parallel_workers_per_gather", "jit", "pg_trgm.word_similarity_threshold")


@contextmanager
def throwaway_server() -> Iterator[str]:
    """A private PostgreSQL (no fsync) in a temporary directory on a free port; yields its conninfo."""
    directory = Path(tempfile.mkdtemp(prefix="edu-bench-search-"))
    directory.chmod(0o755)  # when we are root, the server runs as postgres and must reach its directory
    server = PostgresServer(directory / "postgres", free_port(), durable=False)
    try:
        server.start()
        yield f"host=127.0.0.1 port={server.port} user={PG_SUPERUSER} dbname=postgres"
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


def connect(conninfo: str) -> psycopg.Connection:
    # No server-side prepared statements: every query is planned for its own words (a generic plan could
    # not pick the trigram index for a rare word and a sequential scan for a common one).
    return psycopg.connect(conninfo, autocommit=True, prepare_threshold=None)


def load(connection: psycopg.Connection, documents: Iterable[CourseDocument]) -> float:
    """Creates the table, COPYs the documents in, adds the primary key, VACUUM ANALYZE; returns seconds."""
    started = time.perf_counter()
    connection.execute(CREATE)
    with connection.cursor().copy(f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        for d in documents:
            copy.write_row((
                d.id, d.title, d.summary, d.teacher_name, d.category_slug, d.level, d.price, d.language,
                d.rating_avg, d.review_count, d.enrollment_count, d.published_at,
            ))  # fmt: skip
    connection.execute(f"ALTER TABLE {TABLE} ADD PRIMARY KEY (id)")
    connection.execute(f"VACUUM (ANALYZE) {TABLE}")
    return time.perf_counter() - started


def add_trigram_indexes(connection: psycopg.Connection) -> float:
    """pg_trgm and one GIN trigram index per searched column, then ANALYZE; returns seconds."""
    started = time.perf_counter()
    connection.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in SEARCHED:
        connection.execute(f"CREATE INDEX {TABLE}_{column}_trgm ON {TABLE} USING gin ({column} gin_trgm_ops)")
    connection.execute(f"ANALYZE {TABLE}")
    return time.perf_counter() - started


def statement(bench: BenchQuery, trigram: bool) -> tuple[str, dict]:
    """The SQL and parameters of one query; ``trigram``: baseline B's form of it."""
    text, params = _text_condition(bench, trigram)
    query = bench.query
    category = ["category_slug = ANY(%(categories)s)"] if query.categories else []
    level = ["level = ANY(%(levels)s)"] if query.levels else []
    params |= {"categories": list(query.categories), "levels": list(query.levels), "limit": query.per_page}
    order = ORDER[query.sort]
    if not bench.faceted:
        return (
            f"SELECT id, count(*) OVER () AS total FROM {TABLE}\n"
            f"{_where(text, *category, *level).lstrip()}\nORDER BY {order} LIMIT %(limit)s"
        ), params
    both, by_category, by_level = _where(*category, *level), _where(*category), _where(*level)
    sql = f"""WITH matched AS MATERIALIZED (
  SELECT id, category_slug, level, price, rating_avg, review_count, enrollment_count, published_at
  FROM {TABLE}{_where(text)})
(SELECT 'hit' AS part, id::text AS key, NULL::numeric AS n FROM matched{both} ORDER BY {order} LIMIT %(limit)s)
UNION ALL SELECT 'total', NULL, count(*) FROM matched{both}
UNION ALL SELECT 'category', category_slug, count(*) FROM matched{by_level} GROUP BY category_slug
UNION ALL SELECT 'level', level, count(*) FROM matched{by_category} GROUP BY level
UNION ALL SELECT 'price', CASE WHEN price = 0 THEN 'free' ELSE 'paid' END, count(*) FROM matched{both} GROUP BY 2
UNION ALL SELECT 'price_min', NULL, min(price) FROM matched{both}
UNION ALL SELECT 'price_max', NULL, max(price) FROM matched{both}"""
    return sql, params


def _where(*conditions: str) -> str:
    """The conditions as " WHERE a AND b"; nothing when there are none."""
    return " WHERE " + " AND ".join(conditions) if conditions else ""


def _text_condition(bench: BenchQuery, trigram: bool) -> tuple[str, dict]:
    words = bench.words
    parts, params = [], {}
    for number, word in enumerate(words):
        name = f"w{number}"
        half_typed = number == len(words) - 1 and bench.kind == COMBINED
        if trigram and bench.kind in TYPO_CLASSES and not half_typed:
            parts.append("(" + " OR ".join(f"%({name})s <%% {column}" for column in SEARCHED) + ")")
            params[name] = word
        else:
            parts.append("(" + " OR ".join(f"{column} ILIKE %({name})s" for column in SEARCHED) + ")")
            params[name] = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return " AND ".join(parts), params


def run(connection: psycopg.Connection, bench: BenchQuery, trigram: bool) -> int:
    """Runs one query to the end; returns the total of matching documents."""
    sql, params = statement(bench, trigram)
    rows = connection.execute(sql, params).fetchall()
    if not bench.faceted:
        return rows[0][1] if rows else 0
    return next(int(n) for part, _, n in rows if part == "total")


def example_sql(connection: psycopg.Connection, bench: BenchQuery, trigram: bool) -> str:
    """The SQL of ``bench`` with its parameters filled in, as the server receives it."""
    sql, params = statement(bench, trigram)
    return psycopg.ClientCursor(connection).mogrify(sql, params)


def scans(connection: psycopg.Connection, bench: BenchQuery, trigram: bool) -> str:
    """How the planner reads the table for ``bench`` (EXPLAIN): its scan nodes, e.g. "Parallel Seq Scan"
    or "Bitmap Index Scan on title_trgm x2" (index names without the table's)."""
    plan = connection.execute("EXPLAIN (FORMAT JSON) " + example_sql(connection, bench, trigram)).fetchone()[0]
    found: Counter[str] = Counter()
    nodes = [plan[0]["Plan"]]
    while nodes:
        node = nodes.pop(0)
        nodes += node.get("Plans", [])
        kind = node["Node Type"]
        if kind.endswith("Scan") and kind not in ("CTE Scan", "Subquery Scan"):
            parallel = "Parallel " if node.get("Parallel Aware") else ""
            index = f" on {node['Index Name'].removeprefix(TABLE + '_')}" if "Index Name" in node else ""
            found[parallel + kind + index] += 1
    return ", ".join(name + (f" x{count}" if count > 1 else "") for name, count in found.items())


def server_facts(connection: psycopg.Connection) -> dict[str, str]:
    facts = {"version": connection.execute("SHOW server_version").fetchone()[0]}
    row = connection.execute("SELECT extversion FROM pg_extension WHERE extname = 'pg_trgm'").fetchone()
    facts["pg_trgm"] = row[0] if row else "not installed"
    for setting in SETTINGS:
        try:
            facts[setting] = connection.execute(f"SHOW {setting}").fetchone()[0]
        except psycopg.errors.UndefinedObject:  # pg_trgm's setting exists once the extension is loaded
            facts[setting] = "n/a"
    return facts
