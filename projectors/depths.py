"""The depths every projection process reports on ``/metrics``, read from Redis and PostgreSQL when scraped
(``projectors.metrics.BacklogCollector``):

- ``edu_queue_depth{queue}``: jobs waiting in the RQ queue (``edu-events``: event and refresh jobs), plus
  ``<queue>:failed`` (RQ's failed registry: jobs whose last retry failed, parked there) and
  ``<queue>:scheduled`` (jobs waiting for their retry interval);
- ``edu_outbox_backlog{domain}``: committed events the relay has not handed to RQ yet, per write domain
  (a partial index, ``ix_outbox_undelivered``, keeps the count cheap);
- ``edu_projection_backlog{state}``: courses ``dirty`` (changed, not projected yet), ``delayed`` (waiting
  for a retry) and ``parked`` (failed too often; ``edu projections requeue``) in the read model's lane, and
  ``search:dirty`` / ``search:delayed`` / ``search:parked`` in the search index's.

Each source is read on its own: a database that does not answer leaves out its domain's gauge, not every
gauge. Reads are short (connect and statement timeouts of ``TIMEOUT_SECONDS``) so that a scrape stays fast
whatever is down; nothing here writes.
"""

import logging
import threading

import psycopg
from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.core import GaugeMetricFamily
from redis import Redis

from projectors.backlog import LANES, READ_MODEL, BacklogKeys
from projectors.metrics import GAUGE_HELP, BacklogCollector
from projectors.queues import all_queues
from write.settings import DOMAINS, WriteSettings

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 2
UNDELIVERED = "SELECT count(*) FROM outbox WHERE delivered_at IS NULL"

Depths = dict[tuple[str, str, str], float]


def connect(settings: WriteSettings, domain: str, timeout: float = TIMEOUT_SECONDS) -> psycopg.Connection:
    """A short-lived connection to one domain database that gives up quickly (connect and statements)."""
    return psycopg.connect(
        settings.libpq_url(domain),
        connect_timeout=max(1, round(timeout)),
        options=f"-c statement_timeout={int(timeout * 1000)}",
        autocommit=True,
    )


def scrape_redis(settings: WriteSettings) -> Redis:
    """A Redis connection for scrapes and probes: short timeouts, raw bytes (as RQ's)."""
    return Redis.from_url(
        settings.redis_url,
        decode_responses=False,
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
    )


def redis_depths(settings: WriteSettings, redis: Redis) -> Depths:
    """Queue and projection-backlog depths, in one round trip."""
    queues = all_queues(settings, redis)
    lanes = {lane: BacklogKeys(settings.redis_key_prefix, lane) for lane in LANES}
    pipe = redis.pipeline(transaction=False)
    labels: list[tuple[str, str, str]] = []
    for queue in queues:
        pipe.llen(queue.key)
        pipe.zcard(queue.failed_job_registry.key)
        pipe.zcard(queue.scheduled_job_registry.key)
        labels += [
            ("edu_queue_depth", "queue", queue.name),
            ("edu_queue_depth", "queue", f"{queue.name}:failed"),
            ("edu_queue_depth", "queue", f"{queue.name}:scheduled"),
        ]
    for lane, keys in lanes.items():
        pipe.zcard(keys.dirty)
        pipe.zcard(keys.delayed)
        pipe.hlen(keys.parked)
        # The read model's lane is unprefixed ("dirty"); the search lane's states read "search:dirty".
        lane_prefix = "" if lane == READ_MODEL else f"{lane}:"
        labels += [("edu_projection_backlog", "state", lane_prefix + state) for state in ("dirty", "delayed", "parked")]
    return {label: float(value) for label, value in zip(labels, pipe.execute(), strict=True)}


def outbox_backlog(settings: WriteSettings, domains: tuple[str, ...] = DOMAINS) -> Depths:
    """Undelivered outbox rows per domain; a domain whose database does not answer is left out (and logged)."""
    found: Depths = {}
    for domain in domains:
        try:
            with connect(settings, domain) as connection:
                [(count,)] = connection.execute(UNDELIVERED).fetchall()
        except psycopg.Error as error:
            log.warning("cannot count the %s outbox: %s", domain, type(error).__name__)
            continue
        found[("edu_outbox_backlog", "domain", domain)] = float(count)
    return found


def depths(settings: WriteSettings, redis: Redis | None = None) -> Depths:
    """Every gauge of ``BacklogCollector``: ``{(metric, label name, label value): value}``."""
    found: Depths = {}
    own = redis is None
    redis = redis or scrape_redis(settings)
    try:
        found |= redis_depths(settings, redis)
    except Exception as error:  # a scrape reports what it can; Redis being down shows as missing gauges
        log.warning("cannot read queue and backlog depths from Redis: %s", type(error).__name__)
    finally:
        if own:
            redis.close()
    return found | outbox_backlog(settings)


class DepthsCollector(BacklogCollector):
    """``BacklogCollector`` that names its metrics up front, so registering it reads nothing."""

    def describe(self) -> list[GaugeMetricFamily]:
        return [GaugeMetricFamily(name, help_text) for name, help_text in GAUGE_HELP.items()]


_registered = False
_lock = threading.Lock()


def collector(settings: WriteSettings) -> DepthsCollector:
    redis = scrape_redis(settings)  # one connection pool for every scrape of this process
    return DepthsCollector(lambda: depths(settings, redis))


def register_collector(settings: WriteSettings, registry: CollectorRegistry = REGISTRY) -> bool:
    """Adds the depth gauges to the process's registry, once per process; True if this call added them."""
    global _registered
    with _lock:
        if _registered and registry is REGISTRY:
            return False
        registry.register(collector(settings))
        if registry is REGISTRY:
            _registered = True
        return True
