"""Projections: full rebuild time, and commit-to-visible lag under a steady stream of authoring commands.

    .venv/bin/python -m loadtest.bench_projections [--courses 100000] [--rate 50] [--seconds 60] [--write-docs]

1. Starts a private PostgreSQL and Redis in a temporary directory on free ports (``loadtest.private_platform``).
2. Seeds ``--courses`` courses (``seed_platform``: the full scale at 100,000, a proportional one otherwise),
   then times ``rebuild()`` of every projection, and checks that the active cards, curricula and search
   documents number the published courses.
3. Lets the load's write-back finish (a CHECKPOINT), starts the command API (uvicorn, one process), ``edu
   relay`` and ``--workers`` ``edu worker`` on that platform, logs in the teachers of ``--write-courses``
   published courses, warms up for ``--warmup`` seconds, then sends ``--rate`` commands a second for
   ``--seconds`` on a fixed schedule and measures when each one's course version shows on its card in Redis
   (``loadtest.lag_phase``, ``loadtest.commit_lag``), with the projector's own lag samples, RQ's records of
   the jobs and the CPU each process used.
4. Stops everything it started, checks with ``ps`` that nothing is left, removes the directory.
5. Prints the section; ``--write-docs`` writes it into docs/benchmarks.md (``loadtest.report``).

A benchmark, not a test: it asserts nothing about time; the targets are reported met or not met.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from loadtest import cpu_usage
from loadtest.lag_phase import measure_lag, say
from loadtest.private_platform import PrivatePlatform
from loadtest.projections_report import SECTION, LagFacts, RebuildFacts, section
from loadtest.report import finish, machine
from projectors.layout import CARDS, CURRICULA
from projectors.rebuild import rebuild
from projectors.runtime import Runtime
from projectors.settings import ProjectorSettings
from search.settings import SearchSettings
from seed.progress import Lines
from seed.runner import seed_platform
from seed.scales import FULL, Scale

# The versions behind the numbers, of those installed (the projectors' optional speed-ups among them).
PACKAGES = ("redis", "hiredis", "rq", "tantivy", "psycopg", "orjson", "markdown-it-pyrs", "markdown-it-py", "fastapi",
            "uvicorn")  # fmt: skip


def services(workers: int) -> str:
    return ("private PostgreSQL and Redis from the machine's binaries, durable like the dev stack (fsync on, Redis "
            "append-only file); embedded search engine; command API (uvicorn, 1 process), 1 `edu relay`, "
            f"{workers} `edu worker`; all on this machine, with the benchmark's client")  # fmt: skip


def scale_for(courses: int) -> Scale:
    """The full scale at its size; otherwise the full scale's proportions (at least 3 teachers, 20 students)."""
    if courses == FULL.courses:
        return FULL
    share = courses / FULL.courses
    return Scale(f"bench-{courses}", students=max(20, round(FULL.students * share)),
                 teachers=max(3, round(FULL.teachers * share)), courses=courses,
                 enrollments=max(courses, round(FULL.enrollments * share)),
                 reviews=max(courses // 2, round(FULL.reviews * share)))  # fmt: skip


class LineProgress:
    """The rebuild's progress as a line every few seconds."""

    def __init__(self, every_s: float = 5.0) -> None:
        self.every_s = every_s
        self.phase, self.total, self.done, self.began, self.last = "", None, 0, 0.0, 0.0

    def start(self, phase: str, total: int | None) -> None:
        self.phase, self.total, self.done = phase, total, 0
        self.began = self.last = time.perf_counter()
        say(f"rebuild: {phase}" + (f" ({total:,})" if total is not None else ""))

    def advance(self, done: int) -> None:
        self.done += done
        now = time.perf_counter()
        if now - self.last >= self.every_s:
            self.last = now
            of = f"/{self.total:,}" if self.total else ""
            say(f"rebuild: {self.phase} {self.done:,}{of}, {self.done / (now - self.began):,.0f}/s")


# --- phases ----------------------------------------------------------------------------------------------


def seed_and_rebuild(platform: PrivatePlatform, args) -> RebuildFacts:
    scale = scale_for(args.courses)
    say(f"seeding {scale.courses:,} courses (scale {scale.name}, seed {args.seed})")
    seeded = seed_platform(platform.settings, scale, seed=args.seed, reporter=Lines(say))
    say(f"seeded in {seeded.total_seconds:.1f} s; rebuilding every projection")
    search = SearchSettings(meili_url=None, search_dir=platform.search_dir)
    rt = Runtime(platform.settings, ProjectorSettings(), search)
    try:
        published = rt.source.published_count()
        profiler = cProfile.Profile() if args.profile else None
        roots = platform.process_roots() | {"rebuild (this process and any workers of its own)": os.getpid()}
        cpu_before = cpu_usage.snapshot(roots)
        started = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        report = rebuild(rt, progress=LineProgress())
        wall = time.perf_counter() - started
        cpu = cpu_usage.cores_used(cpu_before, cpu_usage.snapshot(roots), wall)
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
            say(f"profile written to {args.profile}")
        active = rt.store.active()
        facts = RebuildFacts(
            seeded_courses=scale.courses, seed_rows=seeded.rows, seed_s=seeded.total_seconds, published=published,
            courses=report.courses, cards=rt.store.count(CARDS, active[CARDS]),
            curricula=rt.store.count(CURRICULA, active[CURRICULA]), documents=rt.engine.count(), wall_s=wall,
            phases=dict(report.seconds), cpu=cpu,
        )  # fmt: skip
    finally:
        rt.close()  # the worker becomes the search index's one writer
    say(f"rebuild: {facts.wall_s:.1f} s, {facts.courses:,} courses; cards {facts.cards:,}, curricula "
        f"{facts.curricula:,}, search documents {facts.documents:,}, published {facts.published:,} — "
        + ("equal" if facts.consistent else "DIFFERENT"))  # fmt: skip
    return facts


# --- the run ---------------------------------------------------------------------------------------------


@dataclass
class Result:
    text: str
    rebuild: RebuildFacts | None
    lag: LagFacts | None
    leftovers: list[str] = field(default_factory=list)
    write_docs: bool = False


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--courses", type=int, default=FULL.courses, help="courses to seed (100000: the full scale)")
    parser.add_argument("--rate", type=float, default=50.0, help="commands per second, on a fixed schedule")
    parser.add_argument("--seconds", type=float, default=60.0, help="measured seconds of commands (0: no lag phase)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of commands before measuring")
    parser.add_argument("--write-courses", type=int, default=40, help="published courses the commands go to")
    parser.add_argument("--workers", type=int, default=2, help="`edu worker` processes (the dev stack runs two)")
    parser.add_argument("--keep-logs", metavar="DIR", type=Path, help="copy the services' logs there at the end")
    parser.add_argument("--settle-timeout", type=float, default=120.0, help="longest wait for the last commands")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="run the rebuild under cProfile (this process only, not worker processes it may start); stats there",
    )
    parser.add_argument("--write-docs", action="store_true", help="write the section into docs/benchmarks.md")
    args = parser.parse_args(argv)
    if args.profile and args.write_docs:
        parser.error("--profile slows the rebuild down: its numbers are not for docs/benchmarks.md")
    if args.courses < 10 or args.rate <= 0 or args.seconds < 0 or args.workers < 1:
        parser.error("--courses must be at least 10, --rate positive, --seconds not negative, --workers at least 1")
    return args


def installed(package: str) -> bool:
    try:
        metadata.version(package)
    except metadata.PackageNotFoundError:
        return False
    return True


def command_line(argv: list[str]) -> str:
    """The command as markdown: make's target too when make ran it."""
    command = "`" + " ".join([".venv/bin/python -m loadtest.bench_projections", *argv]) + "`"
    return f"`make bench-projections` ({command})" if os.environ.get("MAKELEVEL") else command


def run(argv: list[str] | None = None) -> Result:
    """Everything but printing the section and writing it down."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse(argv)
    host = machine([package for package in PACKAGES if installed(package)])
    rebuild_facts = lag = None
    platform = PrivatePlatform(args.keep_logs)
    with platform:
        host["Servers"] = ", ".join(f"{name} {version}" for name, version in platform.server_versions().items())
        rebuild_facts = seed_and_rebuild(platform, args)
        if args.seconds > 0:
            lag = measure_lag(platform, args)
        say("stopping everything")
    text = section(date=f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC", command=command_line(argv), host=host,
                   services=services(args.workers), rebuild=rebuild_facts, lag=lag)  # fmt: skip
    return Result(text, rebuild_facts, lag, platform.leftovers, args.write_docs)


def main(argv: list[str] | None = None) -> int:
    result = run(argv)
    return finish(result.text, SECTION, result.leftovers, result.write_docs, say)


if __name__ == "__main__":
    raise SystemExit(main())
