"""Course search: the embedded engine (tantivy) against PostgreSQL ILIKE and pg_trgm, on one corpus.

    .venv/bin/python -m loadtest.bench_search [--docs 100000] [--seed 1] [--duration-per-class 8] [--no-write]

Generates ``--docs`` search documents of seeded courses (``seed.search_documents``: the seed generator's
titles, teachers, categories, descriptions and lesson titles), indexes them into the embedded engine in a
temporary directory (docs/s, batches of 5,000, each upsert returning once committed), loads them into a
throwaway PostgreSQL with COPY, and times a fixed query mix (``loadtest.search_mix``) per class and engine:
the engine, then ILIKE on the bare table (baseline A), then the same after pg_trgm GIN indexes (baseline B;
``loadtest.search_postgres`` holds the SQL).

Latency is open-loop: requests are scheduled at a constant rate and each one's latency runs from its
scheduled start to its completion, so a slow call delays the ones after it and that delay is counted (no
coordinated omission). Each class first warms up for ``--warmup`` seconds, closed loop; the mean service
time seen there caps the rate at half the engine's capacity (``--rate`` per second otherwise), so an engine
that cannot keep up is measured at a rate it can sustain -- the table says which rate each row ran at.
Prints the table and writes it to docs/benchmarks.md ("Search: embedded engine vs PostgreSQL ILIKE and
pg_trgm"), with the machine, versions, ratios and the issue's targets, met or not.
"""

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from loadtest import search_postgres as pg
from loadtest.report import REPORT, ROOT, machine, write_section
from loadtest.search_mix import CLASSES, COMBINED, TYPO_CLASSES, BenchQuery, query_mix
from search import CourseDocument, SearchEngine
from seed.search_documents import course_documents

SECTION = "## Search: embedded engine vs PostgreSQL ILIKE and pg_trgm"
ENGINES = {"embedded": "embedded (tantivy)", "ilike": "PostgreSQL ILIKE", "trigram": "PostgreSQL pg_trgm"}
UTILISATION = 0.5  # the rate is capped at this share of what the warm-up says an engine can serve
BATCH = 5_000
SPIN_S = 0.000_2  # the last moments before a scheduled start are spun, not slept (sleep overshoots)
TARGETS = {"p99_ms": 10.0, "ilike_ratio": 20.0, "docs_per_s": 20_000.0}


@dataclass
class Series:
    engine: str  # a key of ENGINES
    kind: str  # a class of search_mix.CLASSES
    rate: float  # scheduled requests per second
    latency_s: list[float] = field(default_factory=list)  # completion - scheduled start
    service_s: list[float] = field(default_factory=list)  # completion - actual start
    totals: list[int] = field(default_factory=list)  # matching documents per request

    def p(self, fraction: float, samples: Sequence[float] | None = None) -> float:
        """The ``fraction`` percentile in ms (nearest rank) of the latencies, or of ``samples``."""
        ordered = sorted(self.latency_s if samples is None else samples)
        return 1000 * ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    @property
    def found(self) -> float:
        return sum(total > 0 for total in self.totals) / len(self.totals)


# --- timing ----------------------------------------------------------------------------------------------


def measure(engine: str, kind: str, call: Callable[[BenchQuery], int], queries: list[BenchQuery], args) -> Series:
    """Warm-up (closed loop, the queries from the last backwards), then ``args.duration_per_class`` seconds
    of requests, at least ``args.min_requests``, on a fixed schedule (the queries from the first: every
    engine answers the same ones)."""
    clock = time.perf_counter
    warm, deadline = [], clock() + args.warmup
    while len(warm) < 3 or clock() < deadline:
        began = clock()
        call(queries[-1 - len(warm) % len(queries)])
        warm.append(clock() - began)
    series = Series(engine, kind, min(args.rate, UTILISATION / statistics.fmean(warm)))
    start = clock() + 0.001
    for step in range(max(args.min_requests, round(series.rate * args.duration_per_class))):
        scheduled = start + step / series.rate
        if scheduled - clock() > SPIN_S:
            time.sleep(scheduled - clock() - SPIN_S)
        while clock() < scheduled:
            pass
        began = clock()
        total = call(queries[step % len(queries)])
        done = clock()
        series.latency_s.append(done - scheduled)
        series.service_s.append(done - began)
        series.totals.append(total)
    return series


def run_classes(engine: str, call: Callable[[BenchQuery], int], mix: dict[str, list[BenchQuery]], args) -> list:
    results = []
    for kind in CLASSES:
        series = measure(engine, kind, call, mix[kind], args)
        print(f"  {ENGINES[engine]:<20} {kind:<26} {row_text(series)}", flush=True)
        results.append(series)
    return results


def row_text(s: Series) -> str:
    return f"p50 {s.p(0.5):8.2f} ms  p99 {s.p(0.99):8.2f} ms  at {s.rate:5.1f}/s  found {s.found:4.0%}"


# --- the engines -----------------------------------------------------------------------------------------


def bench_embedded(documents: list[CourseDocument], mix, args, facts: dict) -> list[Series]:
    from search.embedded import TantivyEngine  # only this engine needs the native library

    with tempfile.TemporaryDirectory(prefix="edu-bench-search-") as directory:
        engine: SearchEngine = TantivyEngine(Path(directory))
        try:
            started = time.perf_counter()
            version = engine.create_version()
            for first in range(0, len(documents), BATCH):
                engine.upsert(documents[first : first + BATCH], version)
            engine.activate(version)
            facts["index_s"] = time.perf_counter() - started
            count = engine.count()
            if count != len(documents):
                raise RuntimeError(f"the engine holds {count} documents, {len(documents)} were upserted")
            print(f"embedded: indexed {len(documents):,} documents in {facts['index_s']:.1f} s", flush=True)
            return run_classes("embedded", lambda bench: engine.search(bench.query).total, mix, args)
        finally:
            engine.close()


def bench_postgres(documents: list[CourseDocument], mix, args, facts: dict) -> list[Series]:
    results = []
    with pg.throwaway_server() as conninfo, pg.connect(conninfo) as connection:
        facts["copy_s"] = pg.load(connection, documents)
        print(f"postgres: loaded {len(documents):,} rows in {facts['copy_s']:.1f} s", flush=True)
        facts["scans"] = {}
        if "ilike" in args.engines:
            results += run_classes("ilike", lambda bench: pg.run(connection, bench, False), mix, args)
            facts["scans"] |= {(kind, False): pg.scans(connection, mix[kind][0], False) for kind in CLASSES}
        if "trigram" in args.engines:
            facts["trigram_s"] = pg.add_trigram_indexes(connection)
            print(f"postgres: pg_trgm GIN indexes built in {facts['trigram_s']:.1f} s", flush=True)
            results += run_classes("trigram", lambda bench: pg.run(connection, bench, True), mix, args)
            facts["scans"] |= {(kind, True): pg.scans(connection, mix[kind][0], True) for kind in CLASSES}
        facts["postgres"] = pg.server_facts(connection)
        facts["sql"] = {
            (kind, trigram): pg.example_sql(connection, mix[kind][0], trigram)
            for kind in CLASSES
            for trigram in (False, True)
        }
    return results


# --- reporting -------------------------------------------------------------------------------------------


def table(results: list[Series]) -> list[str]:
    lines = [
        "| class | engine | rate/s | requests | found | median total | p50 ms | p99 ms | p99 service ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in CLASSES:
        for s in (s for s in results if s.kind == kind):
            lines.append(
                f"| {kind} | {ENGINES[s.engine]} | {s.rate:.1f} | {len(s.latency_s):,} | {s.found:.0%} "
                f"| {statistics.median(s.totals):,.0f} | {s.p(0.5):,.2f} | {s.p(0.99):,.2f} "
                f"| {s.p(0.99, s.service_s):,.2f} |"
            )
    return lines


def ratios(results: list[Series]) -> dict[str, dict[str, float]]:
    """Per class: each baseline's p99 over the embedded engine's."""
    by = {(s.engine, s.kind): s for s in results}
    found = {}
    for kind in CLASSES:
        baselines = [e for e in ("ilike", "trigram") if (e, kind) in by]
        if ("embedded", kind) in by and baselines:
            found[kind] = {e: by[e, kind].p(0.99) / by["embedded", kind].p(0.99) for e in baselines}
    return found


def ratio_table(found: dict[str, dict[str, float]]) -> list[str]:
    lines = ["| class | ILIKE p99 / engine p99 | pg_trgm p99 / engine p99 |", "|---|---:|---:|"]
    for kind, r in found.items():
        cells = [f"{r[e]:,.1f}x" if e in r else "—" for e in ("ilike", "trigram")]
        lines.append(f"| {kind} | {' | '.join(cells)} |")
    return lines


def targets(results: list[Series], found: dict, documents: int, facts: dict) -> list[str]:
    by = {(s.engine, s.kind): s for s in results}
    lines = []

    def verdict(ok: bool) -> str:
        return "**met**" if ok else "**not met**"

    if ("embedded", COMBINED) in by:
        p99 = by["embedded", COMBINED].p(0.99)
        lines.append(f"- Embedded p99 ≤ {TARGETS['p99_ms']:.0f} ms on {COMBINED}: {p99:.2f} ms — {verdict(p99 <= 10)}.")
    if "ilike" in found.get(COMBINED, {}):
        ratio = found[COMBINED]["ilike"]
        lowest = min(r["ilike"] for r in found.values())
        lines.append(
            f"- p99 ≥ {TARGETS['ilike_ratio']:.0f}x lower than ILIKE on {COMBINED}: {ratio:,.1f}x — "
            f"{verdict(ratio >= TARGETS['ilike_ratio'])} (lowest over all classes: {lowest:,.1f}x)."
        )
    if "index_s" in facts:
        rate = documents / facts["index_s"]
        lines.append(
            f"- Indexing ≥ {TARGETS['docs_per_s']:,.0f} docs/s: {rate:,.0f} docs/s — "
            f"{verdict(rate >= TARGETS['docs_per_s'])}."
        )
    return lines


def report(args, command: str, host: dict, documents: list[CourseDocument], results, facts: dict) -> str:
    found = ratios(results)
    n = len(documents)
    languages = Counter(d.language for d in documents)
    lines = [
        SECTION,
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `{command}`.",
        "",
        *[f"- {key}: {value}" for key, value in host.items()],
    ]
    if "postgres" in facts:
        server = facts["postgres"]
        settings = ", ".join(f"{key} {value}" for key, value in server.items() if key not in ("version", "pg_trgm"))
        lines.append(
            f"- PostgreSQL {server['version']} (throwaway server, fsync off, defaults otherwise: {settings}); "
            f"pg_trgm {server['pg_trgm']}; one connection, no server-side prepared statements"
        )
    lines += [
        f"- Corpus: {n:,} published courses of a seed plan (seed {args.seed}, `seed/search_documents.py`), "
        f"generated in {facts['generate_s']:.1f} s; {languages['en'] / n:.0%} English, the rest in "
        f"{len(languages) - 1} other languages; {statistics.fmean(len(d.lesson_titles) for d in documents):.1f} "
        f"lesson titles a course; {sum(d.price == 0 for d in documents) / n:.0%} free.",
        f"- Queries: {args.queries_per_class} per class, drawn from the corpus (`loadtest/search_mix.py`, seed "
        f"{args.seed}): a random document's title words, typed with one edit (typo), cut to 3-4 letters as the "
        "last word (prefix), with the document's category and level as filters, with facet counts "
        "(category, level, price, disjunctive), or sorted by rating or newest; 20 hits a page, highlights on "
        "for the engine (the SQL highlights nothing). The engine also searches category names, descriptions and "
        "lesson titles, where the SQL searches title, summary and teacher name: hence its larger totals.",
        f"- Method: per class and engine, {args.warmup:g} s of closed-loop warm-up, then "
        f"{args.duration_per_class:g} s of requests (at least {args.min_requests}) on a fixed schedule (open loop, "
        "one client thread): latency "
        "= completion - scheduled start, so queueing behind a slow request counts. The rate is "
        f"{args.rate:g}/s, capped at {UTILISATION:.0%} of the capacity the warm-up measured (1 / mean service "
        "time) for an engine that could not keep up at it; *p99 service* is completion - actual start; p99 is the "
        "nearest rank (of 100 requests, their slowest). "
        "*found*: share of requests with at least one hit; the engine runs in-process, PostgreSQL over "
        "localhost TCP.",
    ]
    if "index_s" in facts:
        lines.append(
            f"- Indexing, embedded: **{n / facts['index_s']:,.0f} docs/s** ({n:,} in {facts['index_s']:.1f} s: "
            f"new index version, upserts of {BATCH:,} each returning once committed, activation)."
        )
    if "copy_s" in facts:
        line = (
            f"- PostgreSQL: COPY + primary key + VACUUM ANALYZE {facts['copy_s']:.1f} s "
            f"({n / facts['copy_s']:,.0f} rows/s)"
        )
        if "trigram_s" in facts:
            line += f"; pg_trgm GIN indexes on title, summary, teacher_name + ANALYZE {facts['trigram_s']:.1f} s"
        lines.append(line + ".")
    lines += ["", *table(results), ""]
    if found:
        lines += [*ratio_table(found), ""]
    lines += ["Targets (issue 5, at 100,000 courses on this 2-core machine):", "", *targets(results, found, n, facts)]
    if facts.get("scans"):
        lines += ["", *scan_table(facts["scans"])]
    if "sql" in facts:
        lines += ["", *sql_section(facts["sql"])]
    return "\n".join(lines) + "\n"


def scan_table(scans: dict[tuple[str, bool], str]) -> list[str]:
    lines = [
        "How PostgreSQL read the table for each class's first query (EXPLAIN; other words may plan otherwise):",
        "",
        "| class | ILIKE | pg_trgm |",
        "|---|---|---|",
    ]
    for kind in CLASSES:
        lines.append(f"| {kind} | {scans.get((kind, False), '—')} | {scans.get((kind, True), '—')} |")
    return lines


def sql_section(examples: dict[tuple[str, bool], str]) -> list[str]:
    """The SQL of each class's first query; pg_trgm's only where it differs from ILIKE's."""
    lines = [
        "SQL per class (each class's first query, parameters filled in; pg_trgm runs the same SQL on the "
        f"indexed table except in {' and '.join(TYPO_CLASSES)}, where full words match by word similarity):",
    ]
    for kind in CLASSES:
        for trigram in (False, True):
            if trigram and kind not in TYPO_CLASSES:
                continue
            name = "pg_trgm" if trigram else "ILIKE" + (" and pg_trgm" if kind not in TYPO_CLASSES else "")
            lines += ["", f"{kind}, {name}:", "", "```sql", examples[kind, trigram], "```"]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000, help="search documents (published courses)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration-per-class", type=float, default=8.0, help="scheduled seconds per class")
    parser.add_argument("--warmup", type=float, default=1.5, help="closed-loop warm-up seconds per class")
    parser.add_argument("--rate", type=float, default=50.0, help="scheduled requests per second per class")
    parser.add_argument(
        "--min-requests", type=int, default=100, help="scheduled requests per class at least (slow engines run longer)"
    )
    parser.add_argument("--queries-per-class", type=int, default=200)
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated: " + ", ".join(ENGINES))
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)
    args.engines = [engine for engine in args.engines.split(",") if engine]
    if unknown := set(args.engines) - set(ENGINES):
        parser.error(f"unknown engines {sorted(unknown)}")
    command = " ".join([".venv/bin/python -m loadtest.bench_search", *(argv if argv is not None else sys.argv[1:])])

    host = machine(("tantivy", "psycopg"))
    facts: dict = {}
    started = time.perf_counter()
    documents = list(course_documents(args.docs, args.seed))
    facts["generate_s"] = time.perf_counter() - started
    mix = query_mix(documents, args.queries_per_class, args.seed)
    print(f"{len(documents):,} documents generated in {facts['generate_s']:.1f} s", flush=True)

    results = []
    if "embedded" in args.engines:
        results += bench_embedded(documents, mix, args, facts)
    if {"ilike", "trigram"} & set(args.engines):
        results += bench_postgres(documents, mix, args, facts)

    text = report(args, command, host, documents, results, facts)
    print("\n".join(table(results)))
    if ratios(results):
        print("\n".join(ratio_table(ratios(results))))
    print("\n".join(targets(results, ratios(results), len(documents), facts)))
    print(f"total {time.perf_counter() - started:.0f} s")
    if not args.no_write:
        write_section(SECTION, text)
        print(f"written: {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
