"""Stepping the rate of one endpoint up to saturation, and what each step measured (``loadtest.open_loop``).

A step runs ``warmup_s`` then ``seconds`` of requests on one fixed schedule; only requests due in the
measured window count. Its *achieved* rate is the successful answers that arrived inside the window per
second (under overload the server's throughput, whatever the offered rate). A step is *saturated* when it
achieved less than ``ACHIEVED_SHARE`` of the offered rate, its p99 passed ``p99_bound_ms`` or more than
``ERROR_SHARE`` of its requests failed (non-2xx or no answer): past that point offering more only grows the
queue. The stepping stops at the first saturated step (run twice to be sure: see ``sweep``); the
endpoint's throughput at saturation is the highest achieved rate of any step, and a last step at
``LOAD_SHARE`` of it gives the latency under load.
"""

import math
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from loadtest import cpu_usage
from loadtest.open_loop import NO_ANSWER, Generators, Outcome
from projectors.status import percentile

ACHIEVED_SHARE = 0.95
ERROR_SHARE = 0.01
LOAD_SHARE = 0.6
REPEAT = "repeated"  # the label of a saturated step's second run
GENERATOR_LATE_MS = 2.0  # a step whose sends were later than this at p99 measured the generator too
QUIET_CORES, QUIET_WINDOW_S, QUIET_TIMEOUT_S = 0.1, 0.5, 60.0  # the server is idle again (see ``rest``)


@dataclass(frozen=True)
class Stat:
    """Milliseconds, nearest rank (every value quoted was measured; a request with no answer is inf)."""

    p50: float
    p90: float
    p99: float
    max: float

    @classmethod
    def of(cls, values_ms: list[float]) -> "Stat | None":
        if not values_ms:
            return None
        ordered = sorted(values_ms)
        return cls(*(percentile(ordered, q) for q in (0.5, 0.9, 0.99)), ordered[-1])


@dataclass
class StepResult:
    endpoint: str
    offered: float  # requests a second on the schedule
    seconds: float  # the measured window
    requests: int  # due in the window
    ok: int  # of those, answered 2xx
    achieved: float  # 2xx answers arriving in the window, a second
    latency: Stat | None  # due -> answered, ms
    late: Stat | None  # due -> dispatched by the generator, ms: the generator's own lag
    errors: Counter = field(default_factory=Counter)  # "503", "no answer", ... -> count
    waited: int = 0  # requests that found every connection busy and waited for one
    connections: int = 0
    cpu: dict[str, float] = field(default_factory=dict)  # process (tree) -> cores busy over the window
    generator_cpu_s: float = 0.0  # the generator processes' own CPU over the whole step
    generator_requests: int = 0  # everything they sent in the step (warm-up too)
    label: str = ""  # "60%" for the latency step, REPEAT for a saturated step's second run
    spread: list[int] = field(default_factory=list)  # connections each server process held (several: uvicorn --workers)
    rested_s: float = 0.0  # the wait after it, until the server was idle again

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def error_share(self) -> float:
        return self.error_count / self.requests if self.requests else 0.0

    def saturated(self, p99_bound_ms: float) -> str | None:
        """Why this step is past saturation, or None."""
        if self.achieved < ACHIEVED_SHARE * self.offered:
            return f"achieved {self.achieved / self.offered:.0%} of the offered rate"
        if self.error_share > ERROR_SHARE:
            return f"{self.error_share:.1%} errors"
        if self.latency is not None and self.latency.p99 > p99_bound_ms:
            return f"p99 over {p99_bound_ms:g} ms"
        return None

    @property
    def generator_behind(self) -> bool:
        return self.late is not None and self.late.p99 > GENERATOR_LATE_MS

    @property
    def generator_us_per_request(self) -> float:
        return 1e6 * self.generator_cpu_s / self.generator_requests if self.generator_requests else 0.0


def measure(endpoint: str, offered: float, outcomes: Sequence[Outcome], warmup_s: float, seconds: float,
            cpu: dict[str, float] | None = None) -> StepResult:  # fmt: skip
    """The step's numbers from the generator processes' outcomes."""
    t0 = outcomes[0].t0
    begin, end = t0 + warmup_s, t0 + warmup_s + seconds
    latency, late, errors = [], [], Counter()
    requests = ok = arrived = waited = 0
    for outcome in outcomes:
        for due, lag, sent, done, status in zip(outcome.due, outcome.late, outcome.sent, outcome.done,
                                                outcome.status, strict=True):  # fmt: skip
            if 200 <= status < 300 and begin <= done < end:
                arrived += 1
            if not begin <= due < end:
                continue
            requests += 1
            late.append(1000 * lag)
            if sent - (due + lag) > 1e-4:
                waited += 1
            if status == NO_ANSWER:
                errors["no answer"] += 1
                latency.append(math.inf)
                continue
            latency.append(1000 * (done - due))
            if 200 <= status < 300:
                ok += 1
            else:
                errors[str(status)] += 1
    return StepResult(
        endpoint, offered, seconds, requests, ok, arrived / seconds, Stat.of(latency), Stat.of(late), errors,
        waited, sum(o.connections for o in outcomes), cpu or {}, sum(o.cpu_s for o in outcomes),
        sum(len(o) for o in outcomes),
    )  # fmt: skip


@dataclass
class Load:
    """How the steps of a run are sent."""

    host: str
    port: int
    generators: Generators
    roots: dict[str, int]  # process trees whose CPU is measured (cpu_usage)
    warmup_s: float
    seconds: float
    connections: int
    drain_s: float
    pause_s: float  # between steps, at least
    # The server's process tree: after a step the run waits until it is idle, as it goes on serving what a
    # saturated step left queued after the generator gave up on it (the next step would measure that too).
    server: dict[str, int] = field(default_factory=dict)
    # Whether the connections are spread well over the server's processes (re-opened until they are)
    balanced: Callable[[int], bool] | None = None
    spread: Callable[[], list[int]] | None = None  # connections each server process holds


def run_step(load: Load, endpoint: str, rate: float, pool: Sequence[bytes], rng: random.Random,
             label: str = "") -> StepResult:  # fmt: skip
    """One step at ``rate``: requests drawn at random from ``pool`` (pre-encoded)."""
    count = max(1, round(rate * (load.warmup_s + load.seconds)))
    requests = rng.choices(pool, k=count)
    t0 = load.generators.start(load.host, load.port, rate, requests, load.connections, load.drain_s, load.balanced)
    _sleep_until(t0 + load.warmup_s)
    before = cpu_usage.snapshot(load.roots)
    spread = load.spread() if load.spread else []
    _sleep_until(t0 + load.warmup_s + load.seconds)
    cpu = cpu_usage.cores_used(before, cpu_usage.snapshot(load.roots), load.seconds)
    result = measure(endpoint, rate, load.generators.collect(), load.warmup_s, load.seconds, cpu)
    result.label, result.spread = label, spread
    result.rested_s = rest(load)
    return result


def rest(load: Load) -> float:
    """Waits ``pause_s``, then until the server kept less than ``QUIET_CORES`` busy over ``QUIET_WINDOW_S``
    (at most ``QUIET_TIMEOUT_S``); returns the seconds it waited."""
    started = time.perf_counter()
    time.sleep(load.pause_s)
    while load.server and time.perf_counter() - started < QUIET_TIMEOUT_S:
        before = cpu_usage.snapshot(load.server)
        time.sleep(QUIET_WINDOW_S)
        busy = cpu_usage.cores_used(before, cpu_usage.snapshot(load.server), QUIET_WINDOW_S)
        if sum(cores for name, cores in busy.items() if name in load.server) < QUIET_CORES:
            break
    return time.perf_counter() - started


def _sleep_until(moment: float) -> None:
    delay = moment - time.perf_counter()
    if delay > 0:
        time.sleep(delay)


@dataclass
class Sweep:
    endpoint: str
    steps: list[StepResult]
    at_load: StepResult | None  # the step at LOAD_SHARE of the throughput
    p99_bound_ms: float

    @property
    def saturation(self) -> float:
        """The highest achieved rate of any step."""
        return max((step.achieved for step in self.steps), default=0.0)

    @property
    def saturated_by(self) -> str | None:
        """Why the last step counted as saturated; None when no step was (the real figure is higher)."""
        return self.steps[-1].saturated(self.p99_bound_ms) if self.steps else None


def rates_up_to(rates: Sequence[float], max_rate: float, growth: float = 1.5) -> list[float]:
    """``rates`` (rising), then on by ``growth`` until ``max_rate``: where to go when none saturated."""
    found = [r for r in rates if r <= max_rate]
    rate = found[-1] if found else 0.0
    while rate and rate * growth <= max_rate:
        rate = round(rate * growth, -1) if rate * growth >= 100 else rate * growth
        found.append(rate)
    return found


def sweep(endpoint: str, rates: Sequence[float], step: Callable[[float, str], StepResult], p99_bound_ms: float,
          say: Callable[[str], None], confirm: bool = True) -> Sweep:  # fmt: skip
    """Steps through ``rates`` until a step saturates, then runs the step at ``LOAD_SHARE`` of the best.

    With ``confirm``, a saturated step is run once more before the stepping stops: on a shared machine a
    moment of other work can saturate one step well below the real limit (both rows are reported)."""
    result = Sweep(endpoint, [], None, p99_bound_ms)
    for rate in rates:
        done = step(rate, "")
        result.steps.append(done)
        say(step_line(done, p99_bound_ms))
        if done.saturated(p99_bound_ms) and confirm:
            done = step(rate, REPEAT)
            result.steps.append(done)
            say(step_line(done, p99_bound_ms))
        if done.saturated(p99_bound_ms):
            break
    if result.saturation > 0:
        rate = round(LOAD_SHARE * result.saturation, 1)
        result.at_load = step(rate, f"{LOAD_SHARE:.0%}")
        say(step_line(result.at_load, p99_bound_ms))
    return result


def step_line(step: StepResult, p99_bound_ms: float) -> str:
    lat = step.latency
    latency = "no answers" if lat is None else f"p50 {lat.p50:.2f} p99 {lat.p99:.2f} max {lat.max:.1f} ms"
    late = "" if step.late is None else f"; generator late p99 {step.late.p99:.2f} ms"
    late += f", {step.waited:,} waited for a free connection" if step.waited else ""
    why = step.saturated(p99_bound_ms)
    return (f"{step.endpoint} {step.label or 'step'} {step.offered:,.0f}/s: achieved {step.achieved:,.0f}/s, "
            f"{latency}, errors {step.error_count}{late}, generator {step.generator_us_per_request:.0f} µs/request"
            + (f" — saturated ({why})" if why else "") + f"; rested {step.rested_s:.1f} s after")  # fmt: skip
