"""Read API throughput and latency: a fixed-schedule load per endpoint, stepped up to saturation.

    .venv/bin/python -m loadtest.bench_read [--courses 100000] [--step-seconds 10] [--floor] [--write-docs]

1. Starts a private PostgreSQL and Redis (``loadtest.private_platform``), seeds ``--courses`` courses and
   rebuilds every projection (``bench_projections.seed_and_rebuild``), then waits for the load's write-back
   (a CHECKPOINT, the end of any Redis AOF rewrite).
2. Starts the read API (uvicorn, ``--api-processes`` processes, no access log) and draws each endpoint's
   requests from the read model just built (``loadtest.read_mix``); a first look checks they are answered.
3. Per endpoint (card, curriculum, catalog page, search): open-loop steps at rising rates from
   ``--generators`` generator processes (``loadtest.open_loop``), until one saturates; then a step at 60% of
   the best achieved rate (``loadtest.rate_steps``), with the CPU of every process over each step.
   ``--floor`` (``make bench-read`` passes it): then the same card requests, stepped the same way, to two
   bare ASGI apps under the same uvicorn (``loadtest.floor_apps``), the least a card server can do on this
   machine: the numbers the read API's are to be read against.
4. Stops everything it started, checks with ``ps`` that nothing is left.
5. Prints the section; ``--write-docs`` writes it into docs/benchmarks.md (``loadtest.read_report``).

A benchmark, not a test: it asserts nothing about time; the targets are reported met or not met.

Measured choices (card, 5,000 courses, this 2-core machine with the generator on the same cores):

- ``--api-processes 2`` (the default): one uvicorn process saturated at ~2,100 cards/s with its one core
  busy, two (``--workers 2``) at ~4,000-4,500/s; ``--api-processes 1`` measures the other choice.
- ``--generators 2`` (the default): one generator process kept up as well (sends < 2 ms late at p99 up to
  4,500/s, ~0.22 cores, ~50 µs of CPU a request); two split the schedule so that one being descheduled
  delays only half the sends, for ~0.05 cores more.
"""

import argparse
import contextlib
import os
import random
import sys
import time
from argparse import Namespace
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import httpx

from loadtest import cpu_usage
from loadtest.bench_projections import PACKAGES, installed, seed_and_rebuild
from loadtest.floor_apps import FLOORS
from loadtest.lag_phase import say
from loadtest.open_loop import Generators, request_bytes
from loadtest.private_platform import PrivatePlatform
from loadtest.rate_steps import Load, Sweep, rates_up_to, run_step, sweep
from loadtest.read_mix import ENDPOINTS, ReadModel, catalog_paths, course_paths, search_paths
from loadtest.read_report import API, GENERATOR, SECTION, RunFacts, section
from loadtest.report import finish, machine
from loadtest.socket_owners import connections_per_process, evenly_spread
from seed.scales import FULL

RATES = {
    "card": (250, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 5000, 6000),
    "curriculum": (250, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 5000, 6000),
    "catalog": (100, 200, 300, 500, 700, 1000, 1500, 2000, 3000),
    "search": (100, 200, 300, 400, 500, 700, 1000, 1500),
}
# Distinct catalog pages and searches a step draws from; searches are many more than the engine's facet cache
# holds (512), so that repeats of one query rarely find its facets counted already.
CATALOG_POOL, SEARCH_POOL = 5000, 12_000
PREFLIGHT = 20  # requests per endpoint looked at before the load


@dataclass
class Result:
    text: str
    facts: RunFacts
    sweeps: list[Sweep] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)
    write_docs: bool = False


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--courses", type=int, default=FULL.courses, help="courses to seed (100000: the full scale)")
    parser.add_argument("--endpoints", default=",".join(ENDPOINTS), help="comma-separated, of: " + ", ".join(ENDPOINTS))
    parser.add_argument("--rates", action="append", default=[], metavar="ENDPOINT=R1,R2,...",
                        help="the step rates of an endpoint (requests/s, rising); may repeat")  # fmt: skip
    parser.add_argument("--max-rate", type=float, default=20_000.0,
                        help="when no listed rate saturates, go on by x1.5 up to this")  # fmt: skip
    parser.add_argument("--step-seconds", type=float, default=10.0, help="measured seconds per step")
    parser.add_argument("--warmup-seconds", type=float, default=2.0, help="unmeasured seconds before each step")
    parser.add_argument("--pause-seconds", type=float, default=1.0, help="rest between steps")
    parser.add_argument("--drain-seconds", type=float, default=5.0, help="longest wait for answers after a step")
    parser.add_argument("--p99-bound-ms", type=float, default=1000.0, help="a step with a higher p99 is saturated")
    parser.add_argument("--api-processes", type=int, default=2, help="uvicorn processes of the read API")
    parser.add_argument("--generators", type=int, default=2, help="load generator processes")
    parser.add_argument("--connections", type=int, default=64, help="keep-alive connections, all generators")
    parser.add_argument("--keep-logs", metavar="DIR", type=Path, help="copy the read API's log there at the end")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--floor",
        action="store_true",
        help="then the card requests to the least a card server can be (loadtest/floor_apps.py)",
    )
    parser.add_argument("--write-docs", action="store_true", help="write the section into docs/benchmarks.md")
    args = parser.parse_args(argv)
    args.endpoints = [e.strip() for e in args.endpoints.split(",") if e.strip()]
    if not args.endpoints or set(args.endpoints) - set(ENDPOINTS):
        parser.error(f"--endpoints: some of {', '.join(ENDPOINTS)}")
    rates = dict(RATES)
    for given in args.rates:
        endpoint, _, values = given.partition("=")
        try:
            rates[endpoint] = tuple(sorted(float(v) for v in values.split(",")))
        except ValueError:
            parser.error(f"--rates {given}: ENDPOINT=R1,R2,... with numbers")
        if endpoint not in ENDPOINTS or not rates[endpoint] or min(rates[endpoint]) <= 0:
            parser.error(f"--rates {given}: an endpoint of {', '.join(ENDPOINTS)} and positive rates")
    args.step_rates = {endpoint: rates_up_to(rates[endpoint], args.max_rate) for endpoint in args.endpoints}
    args.step_rates |= {floor: rates_up_to(rates["card"], args.max_rate) for floor in FLOORS}
    if args.courses < 10 or args.step_seconds <= 0 or args.warmup_seconds < 0:
        parser.error("--courses must be at least 10, --step-seconds positive, --warmup-seconds not negative")
    if min(args.api_processes, args.generators, args.connections) < 1 or args.connections < args.generators:
        parser.error("--api-processes, --generators at least 1; --connections at least one per generator")
    return args


def command_line(argv: list[str]) -> str:
    """The command as markdown: make's target too when make ran it."""
    command = "`" + " ".join([".venv/bin/python -m loadtest.bench_read", *argv]) + "`"
    return f"`make bench-read` ({command})" if os.environ.get("MAKELEVEL") else command


def wait_for_workers(pid: int, processes: int, timeout_s: float = 30.0) -> list[int]:
    """uvicorn answers /health/ready once one worker is up; the load starts when all of them are."""
    deadline = time.monotonic() + timeout_s
    while True:
        workers = [
            p for p in cpu_usage.children(pid) if "multiprocessing.resource_tracker" not in cpu_usage.command_line(p)
        ]
        if len(workers) >= processes or time.monotonic() > deadline:
            time.sleep(1.0)  # each worker runs its lifespan (Redis pool, search index) once it exists
            return workers
        time.sleep(0.1)


def preflight(url: str, pools: dict[str, list[str]], rng: random.Random) -> dict[str, str]:
    """A look at a few answers of each endpoint before the load: all must be 200 (a 404 would mean the mix
    asks for what is not there, and the numbers would be of error pages)."""
    found = {}
    with httpx.Client(base_url=url, timeout=10) as client:
        for endpoint, paths in pools.items():
            answers = [client.get(path) for path in rng.sample(paths, min(PREFLIGHT, len(paths)))]
            statuses = Counter(answer.status_code for answer in answers)
            if set(statuses) != {200}:
                bad = next(a for a in answers if a.status_code != 200)
                raise RuntimeError(f"{endpoint}: {dict(statuses)}, e.g. {bad.request.url}: {bad.text[:300]}")
            kib = sum(len(a.content) for a in answers) / len(answers) / 1024
            text = f"{len(answers)}/{len(answers)} answered 200, {kib:.1f} KiB each on average"
            if endpoint == "search":
                hits = sum(bool(a.json()["hits"]) for a in answers)
                text += f", {hits} with hits"
            found[endpoint] = text
    return found


def pools_of(model: ReadModel, endpoints: list[str], seed: int) -> dict[str, list[str]]:
    pools = {}
    for endpoint in endpoints:
        if endpoint in ("card", "curriculum"):
            pools[endpoint] = course_paths(model, endpoint)
        elif endpoint == "catalog":
            pools[endpoint] = catalog_paths(model, CATALOG_POOL, seed)
        else:
            pools[endpoint] = search_paths(model.titles(random.Random(f"{seed}/titles")), SEARCH_POOL, seed)
    return pools


def measure(platform: PrivatePlatform, args) -> tuple[list[Sweep], dict[str, int], dict[str, str], int]:
    with contextlib.closing(platform.redis()) as redis:
        model = ReadModel.load(redis, platform.settings.redis_key_prefix)
        pools = pools_of(model, args.endpoints, args.seed)
        floor_pool = course_paths(model, "card") if args.floor else []
    say(f"starting the read API ({args.api_processes} process(es))")
    url = platform.start_read_api(args.api_processes)
    looked = preflight(url, pools, random.Random(args.seed))
    for endpoint, text in looked.items():
        say(f"first look, {endpoint}: {text}")
    with Generators(args.generators) as generators:
        sweeps = sweep_server(platform, args, generators, "read-api", url, pools)
        if args.floor:
            # The same requests as the cards, to the least a card server can be (loadtest.floor_apps).
            env = {"EDU_FLOOR_BODY_BYTES": str(average_bytes(url, floor_pool, random.Random(args.seed)))}
            for name, (factory, _) in FLOORS.items():
                say(f"starting {name} ({factory}, {args.api_processes} process(es))")
                floor_url = platform.start_asgi(name, factory, args.api_processes, floor_pool[0], env)
                sweeps += sweep_server(platform, args, generators, name, floor_url, {name: floor_pool})
        nice = generators.nice
    return sweeps, {endpoint: len(paths) for endpoint, paths in pools.items()}, looked, nice


def sweep_server(platform: PrivatePlatform, args, generators: Generators, service: str, url: str,
                 pools: dict[str, list[str]]) -> list[Sweep]:  # fmt: skip
    """Each pool's endpoint stepped up to saturation against ``service`` (a process tree of ``platform``)."""
    api_root = platform.process_roots()[service]
    workers = wait_for_workers(api_root, args.api_processes) if args.api_processes > 1 else []
    host, port = url.removeprefix("http://").split(":")
    encoded = {endpoint: [request_bytes(host, int(port), path) for path in paths] for endpoint, paths in pools.items()}
    # Named for read_report's grouping: the server under test, its workers, the generators, Redis; the rest
    # (PostgreSQL, a server idle meanwhile, this process) as "rest".
    servers = {"read-api", *FLOORS}
    roots = {(f"idle {name}" if name in servers else name): pid
             for name, pid in platform.process_roots().items() if name != service}  # fmt: skip
    label = API if service == "read-api" else service
    roots[label] = api_root
    roots |= {f"{label} worker {n}": pid for n, pid in enumerate(workers, 1)}
    roots |= {f"{GENERATOR} {n}": pid for n, pid in enumerate(generators.pids, 1)}
    roots["benchmark (this process)"] = os.getpid()
    load = Load(host, int(port), generators, roots, args.warmup_seconds, args.step_seconds, args.connections,
                args.drain_seconds, args.pause_seconds)  # fmt: skip
    load.server = {label: api_root}
    if len(workers) > 1:  # uvicorn's workers share one socket: see loadtest.socket_owners
        load.balanced = partial(evenly_spread, workers, int(port))
        load.spread = partial(connections_per_process, workers, int(port))
    sweeps = []
    for endpoint in pools:
        rates = args.step_rates[endpoint]
        say(f"{endpoint}: steps at {', '.join(f'{r:g}' for r in rates)}/s until saturated")

        def step(rate: float, label: str, endpoint: str = endpoint):
            rng = random.Random(f"{args.seed}/{endpoint}/{rate}/{label}")
            return run_step(load, endpoint, rate, encoded[endpoint], rng, label)

        sweeps.append(sweep(endpoint, rates, step, args.p99_bound_ms, say))
    return sweeps


def average_bytes(url: str, paths: list[str], rng: random.Random) -> int:
    """The mean size of the answers to a sample of ``paths``."""
    with httpx.Client(base_url=url, timeout=10) as client:
        sizes = [len(client.get(path).content) for path in rng.sample(paths, min(PREFLIGHT, len(paths)))]
    return round(sum(sizes) / len(sizes))


def run(argv: list[str] | None = None) -> Result:
    """Everything but printing the section and writing it down."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse(argv)
    host = machine([package for package in (*PACKAGES, "uvloop", "httptools") if installed(package)])
    platform = PrivatePlatform(args.keep_logs, name="read")
    with platform:
        host["Servers"] = ", ".join(f"{name} {version}" for name, version in platform.server_versions().items())
        rebuilt = seed_and_rebuild(platform, Namespace(courses=args.courses, seed=args.seed, profile=None))
        say(f"PostgreSQL CHECKPOINT and Redis AOF rewrite done in {platform.quiesce():.1f} s")
        sweeps, pools, looked, nice = measure(platform, args)
        say("stopping everything")
    facts = RunFacts(courses=args.courses, published=rebuilt.published, rebuild_s=rebuilt.wall_s,
                     api_processes=args.api_processes, generators=args.generators, connections=args.connections,
                     warmup_s=args.warmup_seconds, seconds=args.step_seconds, p99_bound_ms=args.p99_bound_ms,
                     generator_nice=nice, pools=pools, preflight=looked)  # fmt: skip
    text = section(date=f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC", command=command_line(argv), host=host,
                   facts=facts, sweeps=sweeps)  # fmt: skip
    return Result(text, facts, sweeps, platform.leftovers, args.write_docs)


def main(argv: list[str] | None = None) -> int:
    result = run(argv)
    return finish(result.text, SECTION, result.leftovers, result.write_docs, say)


if __name__ == "__main__":
    raise SystemExit(main())
