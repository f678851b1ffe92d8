"""``edu projections status``: what every projection serves, how far behind it is, what waits and what failed."""

import math
from dataclasses import dataclass, field

import psycopg

from projectors.backlog import LANES
from projectors.depths import Depths, outbox_backlog, redis_depths
from projectors.layout import CATEGORIES, PROJECTIONS, REDIS_PROJECTIONS, SEARCH
from projectors.runtime import Runtime
from write.settings import DOMAINS


@dataclass
class ProjectionStatus:
    name: str
    active: str | None
    building: str | None
    documents: int
    lag_p50_ms: float | None
    lag_p99_ms: float | None
    lag_samples: int


@dataclass
class StatusReport:
    projections: list[ProjectionStatus]
    queues: dict[str, dict[str, int]]  # queue -> {waiting, scheduled, failed}
    outbox_backlog: dict[str, int | None]  # domain -> undelivered events (None: database unreachable)
    dirty: dict[str, int]  # lane -> courses changed, not projected yet
    delayed: dict[str, int]  # lane -> courses waiting for a retry
    parked: dict[str, dict] = field(default_factory=dict)  # course id -> {error, attempts, parked_at_ms}, any lane
    published_courses: int | None = None

    @property
    def read_model_missing(self) -> bool:
        """No active Redis projection although the source publishes courses: Redis lost the read model (a
        restart without persistence) or no rebuild ever ran. (The search index lives elsewhere -- the
        embedded engine's directory, Meilisearch -- and outlives a Redis that lost everything.)"""
        return bool(self.published_courses) and any(
            p.active is None for p in self.projections if p.name in REDIS_PROJECTIONS
        )


def percentile(values: list[int], q: float) -> float | None:
    """Nearest-rank percentile (no interpolation: every quoted value is one that was measured)."""
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[max(0, math.ceil(q * len(ordered)) - 1)])


def queue_depths(found: Depths) -> dict[str, dict[str, int]]:
    """Per RQ queue: waiting, scheduled (retries) and failed jobs, from the same counts /metrics shows."""
    queues: dict[str, dict[str, int]] = {}
    for (metric, _, label), value in found.items():
        if metric == "edu_queue_depth":
            name, _, kind = label.partition(":")
            queues.setdefault(name, {"waiting": 0, "scheduled": 0, "failed": 0})[kind or "waiting"] = int(value)
    return queues


def status(rt: Runtime) -> StatusReport:
    active, building = rt.store.active(), rt.store.building()
    window = rt.projector_settings.lag_window_seconds
    projections = []
    for name in PROJECTIONS:
        if name == SEARCH:
            version = rt.engine.active_version()
            current = version.name if version else None
            documents = rt.engine.count() if version else 0
        else:
            current = str(active[name]) if name in active else None
            documents = rt.store.count(name, active[name]) if name in active else 0
            if name == CATEGORIES and current is not None:
                documents = len(rt.store.categories(active[name]))
        lags = rt.backlog.recent_lags(name, window)
        projections.append(
            ProjectionStatus(
                name, current, building.get(name), documents, percentile(lags, 0.5), percentile(lags, 0.99), len(lags)
            )
        )
    try:
        published = rt.source.published_count()
    except psycopg.Error:
        published = None
    found = redis_depths(rt.settings, rt.redis)
    backlog = outbox_backlog(rt.settings)
    return StatusReport(
        projections=projections,
        queues=queue_depths(found),
        outbox_backlog={
            d: int(backlog[key]) if (key := ("edu_outbox_backlog", "domain", d)) in backlog else None for d in DOMAINS
        },
        dirty={lane: rt.lane(lane).backlog.dirty_count() for lane in LANES},
        delayed={lane: int(rt.redis.zcard(rt.lane(lane).backlog.keys.delayed)) for lane in LANES},
        parked={str(k): v for lane in LANES for k, v in rt.lane(lane).backlog.parked().items()},
        published_courses=published,
    )
