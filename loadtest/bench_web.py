"""Search as you type, in a real browser: the time from a keystroke to the frame that shows its results.

    .venv/bin/python -m loadtest.bench_web [--courses 100000] [--sessions 80] [--write-docs]

1. Starts a private PostgreSQL and Redis, seeds ``--courses`` courses and rebuilds every projection
   (``bench_projections.seed_and_rebuild``), then waits for the load's write-back.
2. Starts the services as compose/Procfile runs them (the read API as two processes) and the web server,
   and opens its search page in Debian's Chromium (headless, driven by Playwright).
3. Types searches the way people type them (``loadtest.keystrokes``: one to three words of a published
   course's title, a quarter with a typo), one key at a time **on a fixed schedule**: key ``i`` of a session is
   sent at ``start + i * interval`` whatever the page is doing, and how late each send was is reported. Each
   typing speed is one run: ``--intervals-ms 150,60`` (150 ms: every key waits out the page's 120 ms
   debounce and searches; 60 ms: keys coalesce).
4. The page measures (``web/static/js/search.js``): each keystroke's input event time to the animation
   frame after results at least as new as it were drawn -- a keystroke whose own search was overtaken by a
   later key counts until the later one's results show, so none is left out. Split into waiting (the
   debounce), fetching (web server, read API, engine) and drawing.

A benchmark, not a test: it prints numbers and, with ``--write-docs``, writes them into docs/benchmarks.md.
"""

import argparse
import random
import sys
import time
from argparse import Namespace
from dataclasses import dataclass, field
from datetime import UTC, datetime

import psycopg
from playwright.sync_api import Page, sync_playwright

from loadtest.bench_projections import PACKAGES, installed, seed_and_rebuild
from loadtest.chromium import CHROMIUM, launch_chromium
from loadtest.keystrokes import keystrokes
from loadtest.lag_phase import say
from loadtest.private_platform import PrivatePlatform
from loadtest.report import finish, machine
from projectors.status import percentile
from seed.safety import libpq_dsn
from seed.scales import FULL

SECTION = "## Web: keystroke to rendered results (`make bench-web`)"
TITLES = 20_000  # published titles the typed searches are drawn from
SETTLE_S = 10.0  # a session's last results must show within this long after its last key


@dataclass
class Run:
    interval_ms: int
    keys: int = 0
    timings: list[dict] = field(default_factory=list)  # as the page measured them, one per keystroke
    late_ms: list[float] = field(default_factory=list)  # how late each key was sent against the schedule
    queries: list[str] = field(default_factory=list)

    def after_last_keys(self) -> list[float]:
        """Each search's last keystroke to its results: how long people wait once they stop typing."""
        ends, at = [], 0
        for query in self.queries:
            at += len(query)
            ends.append(self.timings[at - 1]["ms"])
        return ends


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--courses", type=int, default=FULL.courses, help="courses to seed (100000: the full scale)")
    parser.add_argument("--sessions", type=int, default=80, help="typed searches per typing speed")
    parser.add_argument("--intervals-ms", default="150,60", help="milliseconds between keys, one run each")
    parser.add_argument("--pause-ms", type=int, default=800, help="between one typed search and the next")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--write-docs", action="store_true", help="write the section into docs/benchmarks.md")
    return parser.parse_args(argv)


def published_titles(platform: PrivatePlatform, rng: random.Random) -> list[str]:
    with psycopg.connect(libpq_dsn(platform.settings.database_url("catalog"))) as connection:
        rows = connection.execute("SELECT title FROM courses WHERE status = 'published' ORDER BY id").fetchall()
    titles = [row[0] for row in rows]
    return rng.sample(titles, min(TITLES, len(titles)))


def typed_texts(titles: list[str], sessions: int, rng: random.Random) -> list[str]:
    """What each session types: the whole text of ``keystrokes`` (the last query it would send)."""
    texts: list[str] = []
    while len(texts) < sessions:
        queries = keystrokes(rng.choice(titles), rng)
        if queries:
            texts.append(queries[-1])
    return texts


def type_session(page: Page, text: str, interval_s: float, run: Run) -> None:
    """Types ``text`` into the search box, key ``i`` at ``start + i * interval``; records how late each was."""
    page.evaluate("document.getElementById('search-input').value = ''")  # a fresh box, without a search
    start = time.perf_counter()
    for number, key in enumerate(text):
        due = start + number * interval_s
        time.sleep(max(0.0, due - time.perf_counter()))
        run.late_ms.append((time.perf_counter() - due) * 1000)
        page.keyboard.type(key)
    run.keys += len(text)
    run.queries.append(text)


def measure(page: Page, texts: list[str], interval_ms: int, pause_s: float) -> Run:
    run = Run(interval_ms)
    page.evaluate("window.__eduSearchTimings.length = 0")
    for text in texts:
        type_session(page, text, interval_ms / 1000, run)
        page.wait_for_function(
            "keys => window.__eduSearchTimings.length >= keys", arg=run.keys, timeout=SETTLE_S * 1000
        )
        time.sleep(pause_s)
    run.timings = page.evaluate("window.__eduSearchTimings.slice()")
    return run


WARM_UP = 5  # searches typed first, not measured: the page's script compiled, connections open


def browse(url: str, args: argparse.Namespace, texts: list[str]) -> tuple[list[Run], str]:
    """``texts``: the warm-up's, then the measured ones (the same for every typing speed)."""
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            page.goto(url)
            page.wait_for_selector("#results .hit")
            warm, texts = texts[:WARM_UP], texts[WARM_UP:]
            measure(page, warm, 150, 0.2)
            runs = []
            for interval in (int(value) for value in args.intervals_ms.split(",")):
                say(f"typing {len(texts)} searches at one key every {interval} ms")
                runs.append(measure(page, texts, interval, args.pause_ms / 1000))
            return runs, browser.version
        finally:
            browser.close()


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def run_row(run: Run) -> str:
    total = [t["ms"] for t in run.timings]
    parts = {name: [t[name] for t in run.timings] for name in ("waited", "fetched", "drawn")}
    searches = len({t["search"] for t in run.timings})
    last = run.after_last_keys()
    return (f"| {run.interval_ms} ms | {run.keys:,} | {searches:,} | **{ms(percentile(total, 0.5))}** | "
            f"{ms(percentile(total, 0.9))} | **{ms(percentile(total, 0.99))}** | {ms(max(total))} | "
            f"{ms(percentile(last, 0.5))} / {ms(percentile(last, 0.99))} | "
            f"{ms(percentile(parts['waited'], 0.5))} / {ms(percentile(parts['fetched'], 0.5))} / "
            f"{ms(percentile(parts['drawn'], 0.5))} | {ms(percentile(parts['fetched'], 0.99))} | "
            f"{percentile(run.late_ms, 0.99):.1f} |")  # fmt: skip


def section(*, date: str, command: str, host: dict[str, str], published: int, rebuild_s: float,
            runs: list[Run], args: argparse.Namespace, chromium: str) -> str:  # fmt: skip
    sample = "; ".join(f"`{q}`" for q in runs[0].queries[:8])
    lines = [
        SECTION,
        "",
        f"Run {date} with `{command}`.",
        "",
        *(f"- {key}: {value}" for key, value in host.items()),
        f"- Browser: Debian's Chromium {chromium} ({CHROMIUM}), headless, driven by Playwright; one page, one user.",
        f"- Data: {args.courses:,} courses seeded (seed {args.seed}), {published:,} published, projections "
        f"rebuilt in {rebuild_s:.1f} s; the services as compose/Procfile runs them (read API: 2 processes) on "
        "private PostgreSQL and Redis, embedded search engine.",
        f"- Typing: {args.sessions} searches per speed, one to three words of a published title, a quarter with "
        f"a typo (`loadtest/keystrokes.py`), one key at a time on a fixed schedule, {args.pause_ms} ms between "
        f"searches; e.g. {sample}.",
        "",
        "Keystroke to rendered results, milliseconds (from the key's input event to the animation frame after "
        "results at least as new as it were drawn):",
        "",
        "| between keys | keystrokes | searches drawn | p50 | p90 | p99 | max | last key of a search p50 / p99 | "
        "p50 waited / fetched / drawn | fetched p99 | keys sent late, p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *(run_row(run) for run in runs),
        "",
        "- *waited*: from the keystroke to the search being sent (the debounce, or the next key's); *fetched*: "
        "the request through the web server's proxy to the read API and back, parsed; *drawn*: building the "
        "results, facets and pager, to the next frame.",
        "- At 150 ms between keys every key outlasts the 120 ms debounce, so each one is searched for. At 60 ms "
        "keys coalesce: a search goes out when the typing pauses for 120 ms or, while it goes on, at least every "
        "300 ms, and a key's time counts until results including it show.",
    ]
    return "\n".join(lines) + "\n"


@dataclass
class Result:
    text: str
    leftovers: list[str]
    write_docs: bool


def run(argv: list[str] | None = None) -> Result:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse(argv)
    host = machine([package for package in (*PACKAGES, "playwright") if installed(package)])
    rng = random.Random(args.seed)
    platform = PrivatePlatform(name="web")
    with platform:
        host["Servers"] = ", ".join(f"{name} {version}" for name, version in platform.server_versions().items())
        rebuilt = seed_and_rebuild(platform, Namespace(courses=args.courses, seed=args.seed, profile=None))
        say(f"PostgreSQL CHECKPOINT and Redis AOF rewrite done in {platform.quiesce():.1f} s")
        platform.start_services(workers=1)
        url = platform.start_web(read_processes=2)
        texts = typed_texts(published_titles(platform, rng), WARM_UP + args.sessions, rng)
        runs, chromium = browse(url, args, texts)
        say("stopping everything")
    command = " ".join([".venv/bin/python -m loadtest.bench_web", *argv])
    text = section(date=f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC", command=command, host=host,
                   published=rebuilt.published, rebuild_s=rebuilt.wall_s, runs=runs, args=args,
                   chromium=chromium)  # fmt: skip
    return Result(text, platform.leftovers, args.write_docs)


def main(argv: list[str] | None = None) -> int:
    result = run(argv)
    return finish(result.text, SECTION, result.leftovers, result.write_docs, say)


if __name__ == "__main__":
    raise SystemExit(main())
