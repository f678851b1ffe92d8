"""The summary of a Locust run (``loadtest.locust_run``), as markdown (pure: no I/O)."""

import math
from dataclasses import dataclass

from loadtest.lag_histogram import LagSnapshot

# The groups of loadtest/locustfile.py's request names ("read: GET /courses/{id}", ...); search is part of read.
READ, SEARCH, WRITE, RYW = "read", "search", "write", "read-your-writes"
GROUP_TITLES = {
    READ: "read path (catalog, cards, curricula, reviews, search)",
    SEARCH: "of which search",
    WRITE: "write path (command API)",
    RYW: "read-your-writes (min_version after a teacher's change)",
}


@dataclass(frozen=True)
class Row:
    """One request name of Locust's ``*_stats.csv`` (times in ms)."""

    method: str
    name: str
    requests: int
    failures: int
    p50: float
    p95: float
    p99: float
    max: float
    rps: float

    @classmethod
    def of(cls, line: dict[str, str]) -> "Row":
        def number(key: str) -> float:
            value = line.get(key, "")
            return float(value) if value not in ("", "N/A") else math.nan

        return cls(line["Type"], line["Name"], int(line["Request Count"]), int(line["Failure Count"]),
                   number("50%"), number("95%"), number("99%"), number("Max Response Time"),
                   number("Requests/s"))  # fmt: skip


def _ms(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _lag(lag: LagSnapshot) -> str:
    if lag.sources == 0:
        return "- Projection lag: no worker's /metrics answered (is the stack up? pass --metrics)."
    if lag.count == 0:
        return f"- Projection lag: no change was projected during the run ({lag.sources} worker(s) scraped)."
    largest = max(bound for bound in lag.buckets if bound != math.inf)

    def at_most(q: float) -> str:
        bound = lag.quantile(q)
        return f"> {largest:g} s" if bound == math.inf else f"≤ {bound:g} s"

    return (f"- Commit-to-visible projection lag over the run ({lag.count:,} projected changes, {lag.sources} "
            f"worker(s); read off the buckets of `edu_projection_lag_seconds`): p50 {at_most(0.5)}, "
            f"p99 {at_most(0.99)}.")  # fmt: skip


def _cpu(cpu: dict[str, float]) -> list[str]:
    by_role: dict[str, float] = {}
    for name, cores in cpu.items():
        # "read API 1234" -> "read API": a role's processes added up; Locust's are shown one by one.
        role = name.rsplit(" ", 1)[0] if name.rsplit(" ", 1)[-1].isdigit() else name
        by_role[role] = by_role.get(role, 0.0) + cores
    busy = sorted(((cores, role) for role, cores in by_role.items() if cores >= 0.005), reverse=True)
    total = sum(cores for cores, _ in busy)
    return [f"- CPU, cores busy on average over the run ({total:.2f} in all): "
            + ", ".join(f"{role} {cores:.2f}" for cores, role in busy) + "."]  # fmt: skip


def _line(title: str, requests: int, rps: float, failures: int, *times_ms: float) -> str:
    return f"| {title} | {requests:,} | {rps:.1f} | {failures:,} | " + " | ".join(map(_ms, times_ms)) + " |"


def summary(users: int, run_time: str, processes: int, rows: list[Row], groups: dict[str, dict],
            lag: LagSnapshot, cpu: dict[str, float]) -> str:  # fmt: skip
    lines = [f"## Load test: {users:,} users for {run_time}, {processes} Locust process(es)", "",
             "| group | requests | req/s | failures | p50 ms | p95 ms | p99 ms | max ms |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for group, title in GROUP_TITLES.items():
        found = groups.get(group)
        if found and found["requests"]:
            lines.append(_line(title, found["requests"], found["rps"], found["failures"],
                               *(found[key] for key in ("p50", "p95", "p99", "max"))))  # fmt: skip
    total = sum(row.requests for row in rows)
    lines += ["", f"All requests: {total:,}, {sum(row.rps for row in rows):.1f} req/s, "
              f"{sum(row.failures for row in rows):,} failed.", "",
              "| request | requests | req/s | failures | p50 ms | p95 ms | p99 ms | max ms |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for row in sorted(rows, key=lambda r: r.name):
        lines.append(_line(row.name, row.requests, row.rps, row.failures, row.p50, row.p95, row.p99, row.max))
    lines += ["", _lag(lag), *_cpu(cpu)]
    return "\n".join(lines) + "\n"
