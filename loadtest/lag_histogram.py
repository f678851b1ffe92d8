"""Commit-to-visible projection lag over a stretch of time, from the workers' Prometheus histograms
(``edu_projection_lag_seconds``, ``projectors.metrics``): scraped before and after, the difference is what
happened in between, and a quantile is read off the cumulative buckets."""

import math
from dataclasses import dataclass, field

import httpx
from prometheus_client.parser import text_string_to_metric_families

METRIC = "edu_projection_lag_seconds"


@dataclass
class LagSnapshot:
    """Cumulative counts per bucket upper bound (seconds; inf last), summed over projections and workers."""

    buckets: dict[float, float] = field(default_factory=dict)
    sources: int = 0  # the /metrics pages that answered

    @classmethod
    def parse(cls, text: str) -> "LagSnapshot":
        found = cls(sources=1)
        for family in text_string_to_metric_families(text):
            if family.name != METRIC:
                continue
            for sample in family.samples:
                if sample.name == f"{METRIC}_bucket":
                    bound = float(sample.labels["le"])
                    found.buckets[bound] = found.buckets.get(bound, 0.0) + sample.value
        return found

    @classmethod
    def merge(cls, snapshots: list["LagSnapshot"]) -> "LagSnapshot":
        merged = cls()
        for snapshot in snapshots:
            merged.sources += snapshot.sources
            for bound, count in snapshot.buckets.items():
                merged.buckets[bound] = merged.buckets.get(bound, 0.0) + count
        return merged

    def since(self, before: "LagSnapshot") -> "LagSnapshot":
        return LagSnapshot({b: c - before.buckets.get(b, 0.0) for b, c in self.buckets.items()}, self.sources)

    @property
    def count(self) -> int:
        return round(self.buckets.get(math.inf, 0.0))

    def quantile(self, q: float) -> float | None:
        """The upper bound of the bucket holding quantile ``q`` (the lag is at most this), None when empty."""
        if self.count == 0:
            return None
        for bound in sorted(self.buckets):
            if self.buckets[bound] >= q * self.count:
                return bound
        return math.inf


def scrape(url: str) -> LagSnapshot:
    """One worker's /metrics; a worker that does not answer counts as no source (the report says how many did)."""
    try:
        answer = httpx.get(url, timeout=5)
        answer.raise_for_status()
    except httpx.HTTPError:
        return LagSnapshot()
    return LagSnapshot.parse(answer.text)
