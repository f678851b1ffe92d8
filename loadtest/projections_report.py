"""The numbers of ``make bench-projections`` and their section of docs/benchmarks.md (pure: no I/O)."""

import math
import os
from collections import Counter
from dataclasses import dataclass, field

from loadtest.commit_lag import BUSY_COURSES, BUSY_POLL_S, POLL_S, Run
from loadtest.cpu_usage import OTHERS
from projectors.status import percentile

SECTION = "## Projections (`make bench-projections`)"
TARGETS = {"lag_p99_ms": 250.0, "rebuild_s": 60.0}
NEVER = math.inf  # the lag of a command that never became visible: it ranks above every measured one


@dataclass(frozen=True)
class Stat:
    """Milliseconds, nearest rank (every value quoted was measured)."""

    count: int
    p50: float
    p90: float
    p99: float
    max: float

    @classmethod
    def of_ms(cls, values: list[float]) -> "Stat | None":
        if not values:
            return None
        return cls(len(values), *(percentile(values, q) for q in (0.5, 0.9, 0.99)), float(max(values)))

    @classmethod
    def of_seconds(cls, values: list[float]) -> "Stat | None":
        return cls.of_ms([1000 * v for v in values])


@dataclass
class RebuildFacts:
    seeded_courses: int
    seed_rows: dict[str, int]  # "domain.table" -> rows
    seed_s: float
    published: int
    courses: int  # the rebuild's own count of courses it projected
    cards: int
    curricula: int
    documents: int  # search documents in the active index
    wall_s: float
    phases: dict[str, float]  # the rebuild's own per-phase seconds
    cpu: dict[str, float] = field(default_factory=dict)  # process tree -> cores busy on average (cpu_usage)

    @property
    def consistent(self) -> bool:
        return self.cards == self.curricula == self.documents == self.published


@dataclass
class LagFacts:
    run: Run
    courses: int
    teachers: int
    workers: int
    settle_s: float
    internal: dict[str, list[int]] = field(default_factory=dict)  # projection -> the projector's lag samples, ms
    stages: dict[str, list[float]] = field(default_factory=dict)  # pipeline_stages.stage_samples
    cpu: dict[str, float] = field(default_factory=dict)  # process tree -> cores busy on average (cpu_usage)
    warmup: str = ""  # what the warm-up sent and how it ended
    quiesce_s: float = 0.0  # waiting for the load's write-back before the services started

    @property
    def answered(self) -> list:
        return [s for s in self.run.samples if s.ok]

    @property
    def errors(self) -> list:
        return [s for s in self.run.samples if not s.ok]

    @property
    def invisible(self) -> list:
        return [s for s in self.answered if s.visible is None]

    def commit_to_visible(self) -> Stat | None:
        return Stat.of_seconds([NEVER if s.visible is None else s.visible - s.answered for s in self.answered])

    def schedule_to_visible(self) -> Stat | None:
        return Stat.of_seconds([NEVER if s.visible is None else s.visible - s.scheduled for s in self.answered])

    def api(self) -> Stat | None:
        return Stat.of_seconds([s.answered - s.scheduled for s in self.answered])

    def send_lateness_ms(self) -> float:
        return max((1000 * (s.sent - s.scheduled) for s in self.run.samples if s.sent is not None), default=0.0)


def number(value: float) -> str:
    return "never" if math.isinf(value) else f"{value:,.1f}"


def stat_row(name: str, stat: Stat | None) -> str:
    if stat is None:
        return f"| {name} | 0 | — | — | — | — |"
    values = " | ".join(number(v) for v in (stat.p50, stat.p90, stat.p99, stat.max))
    return f"| {name} | {stat.count:,} | {values} |"


def lag_table(lag: LagFacts) -> list[str]:
    lines = [
        "| measure | count | p50 ms | p90 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
        stat_row("**commit → visible** (answer received → card at that version)", lag.commit_to_visible()),
        stat_row("schedule → visible (scheduled send → card at that version)", lag.schedule_to_visible()),
        stat_row("command API (scheduled send → answer)", lag.api()),
    ]
    for name, samples in lag.internal.items():
        lines.append(stat_row(f"projector's own view, {name} (event → written, per course and round)",
                              Stat.of_ms([float(v) for v in samples])))  # fmt: skip
    return lines


def stage_table(lag: LagFacts) -> list[str]:
    lines = [
        "Where the time goes, from RQ's records of the measured run's jobs (`loadtest/pipeline_stages.py`):",
        "",
        "| stage | count | p50 | p90 | p99 | max |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, samples in lag.stages.items():
        unit = "" if name.startswith("courses") else " (ms)"
        lines.append(stat_row(name + unit, Stat.of_ms(samples)))
    return lines


DISTURBED_CORES = 0.25  # other work on the machine past this many cores is called out next to the numbers


def cpu_line(cpu: dict[str, float], during: str) -> str:
    busy = sum(cpu.values())
    parts = ", ".join(f"{name} {cores:.2f}" for name, cores in sorted(cpu.items(), key=lambda item: -item[1]))
    line = f"CPU {during}, cores busy on average ({busy:.2f} in all): {parts}."
    others = cpu.get(OTHERS, 0.0)
    if others > DISTURBED_CORES:
        cores = len(os.sched_getaffinity(0))
        line += (f" **Disturbed:** other work on this shared machine kept {others:.2f} of its {cores} cores busy "
                 "meanwhile, competing with the platform: expect better numbers on an idle machine.")  # fmt: skip
    return line


def rebuild_table(rebuild: RebuildFacts) -> list[str]:
    lines = ["| phase | s |", "|---|---:|"]
    lines += [f"| {name} | {seconds:,.1f} |" for name, seconds in rebuild.phases.items()]
    lines.append(f"| **wall, `rebuild()` call** | **{rebuild.wall_s:,.1f}** |")
    return lines


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def targets(rebuild: RebuildFacts | None, lag: LagFacts | None) -> list[str]:
    lines = []
    if lag is not None:
        stat = lag.commit_to_visible()
        if stat is None:
            lines.append(f"- Lag p99 ≤ {TARGETS['lag_p99_ms']:.0f} ms: no command became visible — **not met**.")
        else:
            # Commands the API refused carry no version and have no lag: a low p99 over the rest is no pass.
            ok = stat.p99 <= TARGETS["lag_p99_ms"] and not lag.invisible and not lag.errors
            value = f"never ({len(lag.invisible):,} not visible)" if math.isinf(stat.p99) else f"{stat.p99:,.1f} ms"
            if lag.errors:
                value += f", over the {len(lag.answered):,} of {len(lag.run.samples):,} commands the API accepted"
            lines.append(
                f"- Commit-to-visible lag p99 ≤ {TARGETS['lag_p99_ms']:.0f} ms at {lag.run.rate:g} commands/s: "
                f"{value} — {verdict(ok)}."
            )
    if rebuild is not None:
        ok = rebuild.wall_s <= TARGETS["rebuild_s"] and rebuild.consistent
        lines.append(
            f"- Full rebuild of {rebuild.seeded_courses:,} courses ≤ {TARGETS['rebuild_s']:.0f} s: "
            f"{rebuild.wall_s:,.1f} s — {verdict(ok)}."
        )
    return lines


def rebuild_lines(r: RebuildFacts) -> list[str]:
    modules, lessons = r.seed_rows.get("catalog.modules", 0), r.seed_rows.get("catalog.lessons", 0)
    check = "equal" if r.consistent else "**differ**"
    return [
        f"- Data: `seed_platform` of {r.seeded_courses:,} courses ({modules:,} modules, {lessons:,} lessons; "
        f"{r.published:,} published), seeded in {r.seed_s:.1f} s.",
        f"- **Full rebuild: {r.wall_s:.1f} s** for every projection (cards, curricula, listings, reviews, "
        f"categories and the embedded search index) of the {r.courses:,} published courses: "
        f"{r.courses / r.wall_s:,.0f} courses/s, each a search document, a card, a curriculum, a review list and "
        "20 listing entries (only published courses are projected).",
        f"- Check afterwards: cards {r.cards:,}, curricula {r.curricula:,}, search documents {r.documents:,}, "
        f"published courses {r.published:,} — {check}.",
        "",
        *rebuild_table(r),
    ] + (["", cpu_line(r.cpu, "during the rebuild")] if r.cpu else [])


def lag_lines(lag: LagFacts) -> list[str]:
    run = lag.run
    kinds = Counter(s.kind for s in run.samples)
    mix = ", ".join(f"{kinds[k]:,} {k}" for k in ("rename", "reprice", "add_module", "add_lesson") if kinds[k])
    errors = Counter((s.error or "")[:90] for s in lag.errors)
    error_text = "; ".join(f"{n:,}x `{text}`" for text, n in errors.most_common(3)) or "none"
    lines = [
        f"- Load: {len(run.samples):,} commands scheduled at {run.rate:g}/s for {run.seconds:g} s (open loop: "
        "command i is sent at t0 + i/rate whatever the answers before it; one asyncio client with keep-alive "
        "HTTP/1.1 connections, `loadtest/lean_http.py`), to "
        f"{lag.courses} published courses of {lag.teachers} teacher(s): {mix} (`PATCH /courses/{{id}}` title or "
        f"price, `POST /courses/{{id}}/modules`, `POST /modules/{{id}}/lessons`); {lag.workers} `edu worker`.",
        f"- Start: after the rebuild, a PostgreSQL `CHECKPOINT` and the end of any Redis append-only-file rewrite "
        f"({lag.quiesce_s:.1f} s), so that the load's write-back is not measured; then the services.",
        *([f"- Warm-up (not measured): {lag.warmup}; then the queues drained."] if lag.warmup else []),
        f"- Answers: {run.answers:,} ({run.achieved_rate:.1f}/s), {len(lag.answered):,} of them with the course's new "
        f"version; errors: {error_text}; "
        f"latest send {lag.send_lateness_ms():.1f} ms behind schedule.",
        f"- Visible: a thread polls Redis every {POLL_S * 1000:g} ms ({BUSY_POLL_S * 1000:g} ms while more than "
        f"{BUSY_COURSES} courses are watched; a read-only Lua script returns the version in "
        "the active cards hash of each course with a command in flight or not yet visible) and notes when each "
        "card first shows each version; a command is visible when its course's card shows the version its "
        "answer carried (or a later one). "
        f"Not visible {lag.settle_s:.1f} s after the last answer: {len(lag.invisible):,} (counted as *never* in the "
        "percentiles).",
        "",
        *lag_table(lag),
    ]
    if lag.stages:
        lines += ["", *stage_table(lag)]
    if lag.cpu:
        lines += ["", cpu_line(lag.cpu, "from the first send to the last visible command")]
    return lines


def section(*, date: str, command: str, host: dict[str, str], services: str,
            rebuild: RebuildFacts | None, lag: LagFacts | None) -> str:  # fmt: skip
    lines = [SECTION, "", f"Run {date} with {command}.", "", *[f"- {key}: {value}" for key, value in host.items()]]
    lines += [f"- Platform: {services}", ""]
    if rebuild is not None:
        lines += ["### Full rebuild", "", *rebuild_lines(rebuild), ""]
    if lag is not None:
        lines += ["### Commit-to-visible lag", "", *lag_lines(lag), ""]
    lines += ["Targets (on this machine):", "", *targets(rebuild, lag)]
    return "\n".join(lines) + "\n"
