"""The numbers of ``make bench-read`` and their section of docs/benchmarks.md (pure: no I/O)."""

import math
from dataclasses import dataclass, field

from loadtest.floor_apps import FLOORS
from loadtest.projections_report import cpu_line, verdict
from loadtest.rate_steps import (
    ACHIEVED_SHARE,
    ERROR_SHARE,
    GENERATOR_LATE_MS,
    LOAD_SHARE,
    QUIET_CORES,
    QUIET_WINDOW_S,
    REPEAT,
    StepResult,
    Sweep,
)
from loadtest.read_mix import PATHS as ENDPOINT_PATHS

SECTION = "## Read API (`make bench-read`)"
PATHS = ENDPOINT_PATHS | {name: what for name, (_, what) in FLOORS.items()}
# endpoint -> (throughput at saturation, requests/s; p99 at LOAD_SHARE of it, ms), on this 2-core machine
TARGETS = {"card": (3000.0, 10.0), "search": (500.0, 30.0)}
API = "read API"  # the process tree names bench_read gives cpu_usage
SERVERS = (API, *FLOORS)  # the server under test: the read API or a floor app
GENERATOR = "load generator"
REDIS = "Redis"


@dataclass
class RunFacts:
    courses: int  # seeded
    published: int
    rebuild_s: float
    api_processes: int
    generators: int
    connections: int
    warmup_s: float
    seconds: float
    p99_bound_ms: float
    generator_nice: int = 0
    pools: dict[str, int] = field(default_factory=dict)  # endpoint -> distinct requests drawn from
    preflight: dict[str, str] = field(default_factory=dict)  # endpoint -> what a first look at its answers found


def group_cpu(cpu: dict[str, float]) -> dict[str, float]:
    """Cores by role: the API's processes, the generator processes, Redis, the rest (PostgreSQL, this
    process, other work on the machine)."""
    grouped = {API: 0.0, GENERATOR: 0.0, REDIS: 0.0, "rest": 0.0}
    for name, cores in cpu.items():
        role = API if name.startswith(SERVERS) else next((r for r in (GENERATOR, REDIS) if name.startswith(r)), "rest")
        grouped[role] += cores
    return grouped


def ms(value: float | None) -> str:
    if value is None:
        return "—"
    return "no answer" if math.isinf(value) else f"{value:,.2f}" if value < 100 else f"{value:,.0f}"


def step_row(step: StepResult, p99_bound_ms: float) -> str:
    lat, late = step.latency, step.late
    errors = ", ".join(f"{n:,} {what}" for what, n in step.errors.most_common() if n) or "0"
    cpu = group_cpu(step.cpu)
    why = step.saturated(p99_bound_ms)
    name = f"{step.offered:,.0f}" + (" again" if step.label == REPEAT else "") + (" (saturated)" if why else "")
    name = step.label if step.label and step.label != REPEAT else name
    lateness = "—" if late is None else f"{ms(late.p99)} / {ms(late.max)}" + (" ⚠" if step.generator_behind else "")
    cells = [
        name, f"{step.offered:,.0f}", f"**{step.achieved:,.0f}**" if why else f"{step.achieved:,.0f}",
        *(ms(getattr(lat, q)) if lat else "—" for q in ("p50", "p90", "p99", "max")), errors, lateness,
        f"{cpu[API]:.2f} / {cpu[GENERATOR]:.2f} / {cpu[REDIS]:.2f} / {cpu['rest']:.2f}",
        f"{step.generator_us_per_request:.0f}", " / ".join(map(str, step.spread)) or "—", f"{step.rested_s:.1f}",
    ]  # fmt: skip
    return "| " + " | ".join(cells) + " |"


def sweep_table(sweep: Sweep) -> list[str]:
    lines = [
        "| step (offered/s) | offered/s | achieved/s | p50 ms | p90 ms | p99 ms | max ms | errors "
        "| generator late p99 / max ms | cores: API / generator / Redis / rest | generator µs/request "
        "| connections per API process | rest after, s |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---|---:|---|---:|",
    ]
    lines += [step_row(step, sweep.p99_bound_ms) for step in sweep.steps]
    if sweep.at_load is not None:
        lines.append(step_row(sweep.at_load, sweep.p99_bound_ms))
    return lines


def summary_table(sweeps: list[Sweep]) -> list[str]:
    lines = [
        f"| endpoint | throughput at saturation, req/s | saturated by | {LOAD_SHARE:.0%} of it, req/s | p50 ms "
        "| p99 ms | API cores at saturation |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for sweep in sweeps:
        load = sweep.at_load
        why = sweep.saturated_by or f"not saturated at {sweep.steps[-1].offered:,.0f}/s: at least this"
        best = max(sweep.steps, key=lambda step: step.achieved)
        lat = load.latency if load else None
        lines.append(
            f"| {PATHS[sweep.endpoint]} | **{sweep.saturation:,.0f}** | {why} | "
            f"{load.offered:,.0f} | {ms(lat.p50 if lat else None)} | **{ms(lat.p99 if lat else None)}** | "
            f"{group_cpu(best.cpu)[API]:.2f} |"
            if load
            else f"| {PATHS[sweep.endpoint]} | {sweep.saturation:,.0f} | {why} | — | — | — | — |"
        )
    return lines


def targets(sweeps: list[Sweep]) -> list[str]:
    lines = []
    by_endpoint = {sweep.endpoint: sweep for sweep in sweeps}
    for endpoint, (rate, p99_ms) in TARGETS.items():
        sweep = by_endpoint.get(endpoint)
        if sweep is None:
            continue
        load = sweep.at_load
        p99 = load.latency.p99 if load and load.latency else math.inf
        # An error is no fast answer: at this load there must be none for the latency target to count as met.
        errors = load.error_count if load else 0
        failed = f", with {errors:,} errors" if errors else ""
        lines.append(
            f"- {endpoint.capitalize()} ≥ {rate:,.0f} req/s at saturation: {sweep.saturation:,.0f} — "
            f"{verdict(sweep.saturation >= rate)}; p99 ≤ {p99_ms:g} ms at {LOAD_SHARE:.0%} of it "
            f"({load.offered if load else 0:,.0f} req/s): {ms(p99)} ms{failed} — "
            f"{verdict(load is not None and not errors and p99 <= p99_ms)}."
        )
    return lines


def floor_lines(sweeps: list[Sweep]) -> list[str]:
    """What the least a card server can be did with the same requests (``loadtest.floor_apps``)."""
    lines = []
    for sweep in sweeps:
        if sweep.endpoint not in FLOORS:
            continue
        load = sweep.at_load
        p99 = f"{ms(load.latency.p99)} ms at {LOAD_SHARE:.0%} of it ({load.offered:,.0f} req/s)" if load else "—"
        lines.append(f"- {PATHS[sweep.endpoint]} (`{FLOORS[sweep.endpoint][0]}`): {sweep.saturation:,.0f} req/s at "
                     f"saturation, p99 {p99}.")  # fmt: skip
    if lines:
        lines = ["The floor: the card requests, the same load and uvicorn, to bare ASGI apps that do the least a "
                 "card server can (no framework, validation, ETag, metrics; `--floor`). No change to the read API "
                 "can take its numbers below these on this machine:", "", *lines]  # fmt: skip
    return lines


def cpu_lines(sweeps: list[Sweep]) -> list[str]:
    def busy(cpu: dict[str, float]) -> dict[str, float]:
        return {name: cores for name, cores in cpu.items() if cores >= 0.005}

    lines = []
    for sweep in sweeps:
        best = max(sweep.steps, key=lambda step: step.achieved)
        during = f"at the best step ({best.offered:,.0f}/s offered)"
        lines.append(f"- {sweep.endpoint}: " + cpu_line(busy(best.cpu), during))
        if sweep.at_load is not None:
            lines.append(f"- {sweep.endpoint}: " + cpu_line(busy(sweep.at_load.cpu), f"at {LOAD_SHARE:.0%}"))
    return lines


def section(*, date: str, command: str, host: dict[str, str], facts: RunFacts, sweeps: list[Sweep]) -> str:
    def pool(*endpoints: str) -> str:
        return f"{max((facts.pools.get(e, 0) for e in endpoints), default=0):,}"

    api = f"uvicorn, {facts.api_processes} process" + ("es (`--workers`)" if facts.api_processes > 1 else "")
    lines = [
        SECTION, "", f"Run {date} with {command}.", "", *[f"- {key}: {value}" for key, value in host.items()],
        f"- Platform: private PostgreSQL (idle during the load) and Redis from the machine's binaries; the read API "
        f"({api}, uvloop + httptools, `--no-access-log`) with the embedded search engine; all on this machine, "
        "sharing its cores with the load generator.",
        f"- Data: `seed_platform` of {facts.courses:,} courses, {facts.published:,} published, projected by a full "
        f"rebuild ({facts.rebuild_s:.1f} s) into Redis and the search index; then a PostgreSQL `CHECKPOINT` and the "
        "end of any Redis append-only-file rewrite before the load.",
        f"- Load: open loop (`loadtest/open_loop.py`): request i is due at t0 + i/rate whatever the answers before "
        f"it, and its latency runs from that due time to the whole answer received; {facts.generators} generator "
        f"process(es) share the schedule (at nice {facts.generator_nice}, ahead of the API's threads for the CPU: "
        "they need little of it, but must not wait with due requests), "
        f"{facts.connections} keep-alive HTTP/1.1 connections in all (a due request "
        "waits for a free one). *Generator late*: due time → the generator sending it, its own lag (the event "
        "loop's timers tick in milliseconds, so up to ~1 ms even when idle; ⚠ past "
        f"{GENERATOR_LATE_MS:g} ms at p99: that step measured the generator too).",
        *([f"- Connections over the {facts.api_processes} API processes: uvicorn's workers accept from one shared "
           "socket, and one that happens to be awake can take most of a burst of new connections (and then do "
           "most of the work while the other idles), unlike many clients arriving over time; so before each step "
           "the connections are opened again until every process holds at least 7/8 of its fair share "
           "(`loadtest/socket_owners.py`; the table shows the split)."] if facts.api_processes > 1 else []),
        f"- Steps: per endpoint, rising rates, each {facts.warmup_s:g} s of warm-up then {facts.seconds:g} s "
        f"measured; *achieved* = 2xx answers arriving in the measured window a second. A step is saturated "
        f"when it achieved < {ACHIEVED_SHARE:.0%} of the offered rate, more than {ERROR_SHARE:.0%} errors "
        f"(non-2xx or no answer) or p99 > {facts.p99_bound_ms:g} ms; stepping stops there. Throughput at "
        f"saturation = the highest achieved rate of any step; then a step at {LOAD_SHARE:.0%} of it. A saturated step "
        "is run once more (*again*) before the stepping stops, as a moment of other work on a shared machine can "
        "saturate one. After every step the run waits until the API is idle (under "
        f"{QUIET_CORES:g} cores for {QUIET_WINDOW_S:g} s): it goes on serving what a saturated step left queued "
        "after the generator gave up on it, which the next step would otherwise measure too (*rest after* column).",
        "- Requests (`loadtest/read_mix.py`), each step drawing at random from its endpoint's pool: cards and "
        f"curricula of the published courses ({pool('card', 'curriculum')} ids); {pool('catalog')} catalog pages "
        "of a random category (20% all), level (50% any) and sort, 30% of them from a cursor at a random depth; "
        f"{pool('search')} searches from `loadtest/search_mix.py` over published titles (typo, prefix, filtered, "
        "faceted, sorted, combined classes; 10% page 2, 10% a price or minimum-rating filter besides); every "
        "search computes its facets.",
    ]  # fmt: skip
    if facts.preflight:
        lines.append("- First look at the answers: " + "; ".join(f"{k}: {v}" for k, v in facts.preflight.items()))
    lines += ["", "### Summary", "", *summary_table(sweeps), "", "Targets (on this 2-core machine):", ""]
    lines += targets(sweeps) or ["- (none of the endpoints with a target ran)"]
    if floor := floor_lines(sweeps):
        lines += ["", *floor]
    for sweep in sweeps:
        lines += ["", f"### {PATHS[sweep.endpoint]}", "", *sweep_table(sweep)]
    lines += ["", "CPU by process (cores busy on average over the measured window):", "", *cpu_lines(sweeps)]
    lines += ["", "Where a read's time goes, and what was done about it: [ADR 0010](adr/0010-read-api.md) (the read "
              "API), [ADR 0011](adr/0011-search-cost.md) (a search)."]  # fmt: skip
    return "\n".join(lines) + "\n"
