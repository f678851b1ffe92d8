"""make loadtest: the keystroke generator, the lag read off the workers' histograms, the summary, and one
short headless Locust run end to end against a private platform (40 seeded courses; command API, relay, a
worker and the read API as the dev stack runs it: two processes on one port, their metrics summed) in which
every request must succeed. No timing is asserted: it is a benchmark."""

import math
import random
import re
from argparse import Namespace

import httpx

from loadtest import locust_run
from loadtest.bench_projections import seed_and_rebuild
from loadtest.keystrokes import keystrokes, mistype, words_of
from loadtest.lag_histogram import LagSnapshot
from loadtest.locust_report import Row, summary
from loadtest.private_platform import PrivatePlatform


def test_keystrokes_grow_to_the_typed_words_of_the_title():
    title = "Practical Photography for Weddings: lighting 101"
    assert words_of(title) == ["practical", "photography", "for", "weddings", "lighting"]
    for seed in range(200):
        typed = keystrokes(title, random.Random(seed))
        assert typed, seed
        final = typed[-1]
        assert all(final.startswith(query) for query in typed)  # each burst extends the text before it
        assert len(set(typed)) == len(typed) and not any(q.endswith(" ") for q in typed)
        changed = [w for w in final.split() if w not in words_of(title)]
        assert len(changed) <= 1  # at most one mistyped word
        assert 1 <= len(final.split()) <= 3
    assert keystrokes("?? 42 !!", random.Random(1)) == []


def test_a_typo_keeps_the_first_letter_and_changes_the_word():
    rng = random.Random(7)
    for word in ("python", "lighting", "gardening", "abcd"):
        for _ in range(100):
            typo = mistype(word, rng)
            assert typo != word and typo[0] == word[0] and abs(len(typo) - len(word)) <= 1


METRICS = """# HELP edu_projection_lag_seconds x
# TYPE edu_projection_lag_seconds histogram
edu_projection_lag_seconds_bucket{{le="0.05",projection="cards"}} {a}
edu_projection_lag_seconds_bucket{{le="0.5",projection="cards"}} {b}
edu_projection_lag_seconds_bucket{{le="+Inf",projection="cards"}} {c}
edu_projection_lag_seconds_count{{projection="cards"}} {c}
edu_projection_lag_seconds_sum{{projection="cards"}} 1.0
edu_projection_lag_seconds_bucket{{le="0.05",projection="search"}} 1
edu_projection_lag_seconds_bucket{{le="0.5",projection="search"}} 1
edu_projection_lag_seconds_bucket{{le="+Inf",projection="search"}} 1
"""


def test_the_lag_over_a_run_is_the_difference_of_two_scrapes():
    before = LagSnapshot.merge([LagSnapshot.parse(METRICS.format(a=10, b=10, c=10))])
    after = LagSnapshot.merge([LagSnapshot.parse(METRICS.format(a=100, b=109, c=110)), LagSnapshot()])
    during = after.since(before)
    assert during.count == 100 and during.sources == 1  # the second worker did not answer
    assert during.quantile(0.5) == 0.05 and during.quantile(0.95) == 0.5 and during.quantile(0.999) == math.inf
    assert LagSnapshot().quantile(0.5) is None


def row(name: str, requests: int, failures: int = 0, p99: float = 9.0) -> Row:
    return Row("GET", name, requests, failures, 3.0, 6.0, p99, 20.0, requests / 60)


def test_the_summary_separates_the_groups_and_reports_lag_and_cpu():
    rows = [row("read: GET /courses/{id}", 600), row("write: POST /courses", 60, failures=2, p99=120.0)]
    group = {"requests": 600, "failures": 0, "rps": 10.0, "p50": 3.0, "p95": 6.0, "p99": 9.0, "max": 20.0}
    groups = {"read": group, "write": group | {"requests": 60, "failures": 2, "rps": 1.0, "p99": 120.0}}
    lag = LagSnapshot.parse(METRICS.format(a=5, b=9, c=10))
    cpu = {"read API 12": 0.4, "read API 13": 0.3, "locust worker (pid 77)": 0.2, "Redis 9": 0.1}
    text = summary(200, "5m", 2, rows, groups, lag, cpu)
    assert (
        "| read path (catalog, cards, curricula, reviews, search) | 600 | 10.0 | 0 | 3.0 | 6.0 | 9.0 | 20.0 |" in text
    )
    assert "| write path (command API) | 60 | 1.0 | 2 | 3.0 | 6.0 | 120 | 20.0 |" in text
    assert "read-your-writes (min_version" not in text  # a group with no requests is left out
    assert "| write: POST /courses | 60 | 1.0 | 2 |" in text and "All requests: 660, 11.0 req/s, 2 failed." in text
    assert "(11 projected changes, 1 worker(s)" in text and "p50 ≤ 0.05 s, p99 > 0.5 s" in text  # 1 past 0.5 s
    assert "read API 0.70, locust worker (pid 77) 0.20, Redis 0.10." in text  # processes of a role added up


def test_a_short_headless_run_succeeds_end_to_end(tmp_path, monkeypatch):
    with PrivatePlatform() as platform:
        seed_and_rebuild(platform, Namespace(courses=40, seed=1, profile=None))
        platform.start_services()
        metrics_dir = tmp_path / "read-api-metrics"
        metrics_dir.mkdir()
        read_url = platform.start_read_api(2, {"PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)})
        worker = next(s for s in platform.services if s.name == "worker")
        for name, value in platform.environment().items():
            monkeypatch.setenv(name, value)  # the identity database the accounts come from
        results = tmp_path / "results"
        argv = ["--users", "10", "--spawn-rate", "10", "--run-time", "15s", "--processes", "1", "--read-url",
                read_url, "--command-url", platform.api_url, "--results", str(results),
                "--metrics", worker.ready_url.replace("/health/ready", "/metrics")]  # fmt: skip
        code = locust_run.run(argv)
        text = (results / "summary.md").read_text()
        before = categories_served(read_url)
        for _ in range(CATEGORY_READS):
            httpx.get(f"{read_url}/categories").raise_for_status()  # a new connection each: either process
        after = categories_served(read_url)
    assert code == 0, text
    assert "read path" in text and "write path" in text and "read-your-writes" in text, text
    assert "| write: POST /auth/login |" in text and "| read: GET /search (keystroke) |" in text
    assert " 0 failed." in text and "projected changes" in text
    assert (results / "locust.html").exists() and (results / "locust_stats.csv").exists()
    assert re.search(r"CPU, cores busy [^\n]*[:,] locust (master )?\d\.\d\d", text), text  # the generator's own CPU
    # Whichever process answers a scrape, /metrics counts the requests of both.
    assert after - before == CATEGORY_READS
    assert len({path.name.rsplit("_", 1)[-1] for path in metrics_dir.glob("histogram_*.db")}) == 2


CATEGORY_READS = 30


def categories_served(read_url: str) -> int:
    text = httpx.get(f"{read_url}/metrics").raise_for_status().text
    found = re.search(r'^edu_read_requests_total\{method="GET",route="/categories",status="200"\} (\S+)$', text, re.M)
    return round(float(found.group(1))) if found else 0
