"""Looking at the read model the way its readers do (the active versions in Redis, the active search index),
and at the write side behind it, for the projection tests."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
from psycopg.rows import dict_row

from projectors.layout import CARDS, CATEGORIES, CURRICULA, LISTINGS, REDIS_PROJECTIONS, REVIEWS, member_course_id
from projectors.runtime import Runtime
from search import SearchQuery
from write.outbox import DeliveredEvent
from write.settings import DOMAINS, WriteSettings

EDU = str(Path(sys.executable).parent / "edu")


def _document(rt: Runtime, projection: str, course_id) -> object | None:
    raw = rt.redis.hget(rt.keys.data(projection, rt.store.active()[projection]), str(course_id))
    return None if raw is None else json.loads(raw)


def card(rt: Runtime, course_id) -> dict | None:
    return _document(rt, CARDS, course_id)


def curriculum(rt: Runtime, course_id) -> dict | None:
    return _document(rt, CURRICULA, course_id)


def reviews(rt: Runtime, course_id) -> list | None:
    return _document(rt, REVIEWS, course_id)


def categories(rt: Runtime) -> dict[str, dict]:
    """slug -> {name, course_count}, as the categories projection serves them."""
    raw = rt.redis.get(rt.keys.data(CATEGORIES, rt.store.active()[CATEGORIES]))
    return {c["slug"]: {"name": c["name"], "course_count": c["course_count"]} for c in json.loads(raw or "[]")}


def listing(rt: Runtime, sort: str, category: str | None = None, level: str | None = None) -> list[str]:
    """The course ids of one listing, in its order (ZRANGE BYLEX, as the read API pages it)."""
    key = rt.keys.listing(rt.store.active()[LISTINGS], category, level, sort)
    return [member_course_id(m) for m in rt.redis.zrange(key, "-", "+", bylex=True)]


def listings_holding(rt: Runtime, course_id) -> set[str]:
    """Every listing (by key suffix ``category|level|sort``) with an entry of the course."""
    version = rt.store.active()[LISTINGS]
    prefix = rt.keys.listing_prefix(version)
    keys = rt.store.listing_keys(version)
    pipe = rt.redis.pipeline(transaction=False)
    for key in keys:
        pipe.zrange(key, 0, -1)
    wanted = str(course_id)
    return {
        key[len(prefix) :]
        for key, members in zip(keys, pipe.execute(), strict=True)
        if any(member_course_id(m) == wanted for m in members)
    }


def indexed(rt: Runtime) -> set[str]:
    """The course ids in the active search index."""
    return {str(i) for i in rt.engine.fingerprints()}


def found(rt: Runtime, text: str = "", **filters) -> list[str]:
    """The course ids a search finds (first 100)."""
    result = rt.engine.search(SearchQuery(text=text, per_page=100, highlight=False, **filters))
    return [str(hit.id) for hit in result.hits]


# -- the whole read model, byte for byte ------------------------------------------------------------------


def _value(redis, key: str) -> object:
    kind = redis.type(key).decode()
    if kind == "hash":
        return dict(sorted(redis.hgetall(key).items()))
    if kind == "zset":
        return redis.zrange(key, 0, -1, withscores=True)
    if kind == "set":
        return sorted(redis.smembers(key))
    if kind == "string":
        return redis.get(key)
    return (kind, redis.dump(key))


def snapshot(rt: Runtime) -> dict[str, object]:
    """Every key under the run's ``rm:`` with its value (hashes as dicts, sorted sets as member lists,
    strings as bytes), plus the active search index's fingerprints.

    Version numbers are named by role (``rm:cards:active``), so a rebuilt read model compares with the one it
    replaced. Left out: the version counter and the stamps (change counters: how often a course was
    marked, which duplicate deliveries legitimately raise -- they order writes, nobody reads them), and
    ``touched`` sets of a rebuild in progress."""
    active = rt.store.active()
    prefix = f"{rt.keys.prefix}rm:"
    dumped: dict[str, object] = {}
    for raw in rt.redis.scan_iter(match=prefix + "*", count=1000):
        key = raw.decode()
        rest = key[len(prefix) :]
        if rest == "version-counter" or rest.endswith((":stamps", ":touched")):
            continue
        if rest == "active":
            dumped["active"] = sorted(active)
            continue
        projection, _, tail = rest.partition(":")
        version, _, tail = tail.partition(":")
        if projection in REDIS_PROJECTIONS and version.isdigit():
            role = "active" if active.get(projection) == int(version) else f"inactive-{version}"
            name = f"{projection}:{role}" + (f":{tail}" if tail else "")
        else:
            name = rest
        dumped[name] = _value(rt.redis, key)
    dumped["search fingerprints"] = dict(sorted((str(k), v) for k, v in rt.engine.fingerprints().items()))
    return dict(sorted(dumped.items()))


def delete_read_model(rt: Runtime) -> int:
    """Deletes every key of the run's read model (``rm:``), never anything else of the shared Redis."""
    keys = list(rt.redis.scan_iter(match=f"{rt.keys.prefix}rm:*", count=1000))
    if keys:
        rt.redis.delete(*keys)
    return len(keys)


def delete_run_keys(rt: Runtime) -> int:
    """Deletes every key with the run's prefix: all Redis knew of this deployment (a Redis restarted empty)."""
    keys = list(rt.redis.scan_iter(match=f"{rt.keys.prefix}*", count=1000))
    if keys:
        rt.redis.delete(*keys)
    return len(keys)


# -- the write side -------------------------------------------------------------------------------------


def execute(settings: WriteSettings, domain: str, sql: str, params: tuple | dict = ()) -> list[tuple]:
    with psycopg.connect(settings.libpq_url(domain), autocommit=True) as connection:
        cursor = connection.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


_OUTBOX = """
SELECT event_id, event_type, aggregate_type, aggregate_id, aggregate_version, payload, occurred_at
FROM outbox ORDER BY id
"""


def outbox_events(settings: WriteSettings) -> list[DeliveredEvent]:
    """Every event every domain ever recorded (delivered or not), each domain's in outbox order."""
    events = []
    for domain in DOMAINS:
        with psycopg.connect(settings.libpq_url(domain), row_factory=dict_row) as connection:
            events += [DeliveredEvent.from_row(row) for row in connection.execute(_OUTBOX)]
    return events


def undelivered(settings: WriteSettings) -> int:
    return sum(execute(settings, d, "SELECT count(*) FROM outbox WHERE delivered_at IS NULL")[0][0] for d in DOMAINS)


def published_counts(settings: WriteSettings) -> dict[str, int]:
    """slug -> published courses filed under it, counted on the write side."""
    rows = execute(
        settings,
        "catalog",
        "SELECT cat.slug, count(c.id) FILTER (WHERE c.status = 'published')"
        " FROM categories cat LEFT JOIN courses c ON c.category_id = cat.id GROUP BY cat.slug",
    )
    return dict(rows)


# -- the `edu` command -----------------------------------------------------------------------------------


def edu_env(env: dict[str, str], **extra: str) -> dict[str, str]:
    """This process's environment without any EDU_* of its own, then the platform's, then ``extra``."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("EDU_")}
    return base | env | {"COLUMNS": "200"} | extra


def run_edu(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([EDU, *args], env=edu_env(env), capture_output=True, text=True, timeout=timeout)
