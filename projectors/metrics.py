"""The projections' Prometheus metrics, exposed on ``/metrics`` of ``edu worker`` (and ``edu relay``).

Workers are RQ ``SimpleWorker``s (no fork per job), so each process keeps ordinary in-process metrics
and serves them itself: no multiprocess directory whose files grow with every forked child. Run several
workers and Prometheus scrapes each (their ports differ). Depths of queues and backlogs are read from Redis
and PostgreSQL when scraped (``BacklogCollector``), so every process reports the same, current numbers.
"""

import logging
from collections.abc import Callable, Iterator

from prometheus_client import Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

EVENTS = Counter("edu_projection_events_total", "Outbox events handled by the projection workers.", ["event_type"])
FAILURES = Counter(
    "edu_projection_failures_total",
    "Failed projection attempts (stage: event job, course, refresh round).",
    ["stage"],
)
PARKED = Counter("edu_projection_parked_total", "Courses parked after their last retry failed.")
LEADING = Gauge(
    "edu_refresher_leading", "1 while this process's refresher holds the lane's lease (does the work).", ["lane"]
)
COURSES = Counter("edu_projection_courses_total", "Courses re-projected by refresh rounds.")
LAG = Histogram(
    "edu_projection_lag_seconds",
    "From a change being committed to it being readable in the projection.",
    ["projection"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.175, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0),
)
ROUND = Histogram(
    "edu_projection_round_seconds",
    "Duration of one refresh round (claim, read the source, write every projection, settle).",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


class BacklogCollector(Collector):
    """Gauges read at scrape time: ``depths()`` returns ``{(metric, label name, label value): value}``."""

    def __init__(self, depths: Callable[[], dict[tuple[str, str, str], float]]) -> None:
        self._depths = depths

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            depths = self._depths()
        except Exception as error:  # a scrape must not fail because Redis or PostgreSQL is down
            log.warning("cannot read backlog depths: %s", error)
            depths = {}
        families: dict[str, GaugeMetricFamily] = {}
        for (metric, label, value_label), value in sorted(depths.items()):
            family = families.get(metric)
            if family is None:
                family = families[metric] = GaugeMetricFamily(metric, GAUGE_HELP.get(metric, metric), labels=[label])
            family.add_metric([value_label], value)
        yield from families.values()


GAUGE_HELP = {
    "edu_queue_depth": "Jobs waiting in an RQ queue, or failed and parked there.",
    "edu_outbox_backlog": "Committed events not yet handed to RQ, per write-side domain.",
    "edu_projection_backlog": "Courses waiting to be projected (dirty, delayed for retry, parked).",
}
