"""``make loadtest``: the Locust traffic mix (``loadtest/locustfile.py``) headless against the running stack.

    .venv/bin/python -m loadtest.locust_run [--users 100] [--spawn-rate 20] [--run-time 5m] [--processes 2]

1. Checks that the command API and the read API answer ``/health/ready`` and finds seeded, verified
   teacher accounts in the identity database (so no login fails from a test-data mismatch).
2. Scrapes the workers' ``edu_projection_lag_seconds`` histograms, runs Locust (FastHttpUser, ``--processes``
   worker processes) with its CSV and HTML report written into ``--results``, and scrapes them again:
   commit-to-visible lag over the run is the difference.
3. Measures the CPU of every process of the platform and of Locust's own over the run (is the generator the
   bottleneck? each Locust process's share says), and prints the summary: per request name p50/p95/p99,
   requests/s and failures, the read path, the write path and read-your-writes apart, then the lag.
4. Exits 1 when any request failed (or Locust itself did).

All load comes from one address: the command API's per-address login limit (``EDU_LOGIN_ATTEMPTS_PER_IP``,
50 per 5 minutes) must allow a login per teacher user (10% of ``--users``): start the stack with it raised
for a test of more than 400 users (docs/operations.md).
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg

from loadtest import cpu_usage
from loadtest.lag_histogram import LagSnapshot, scrape
from loadtest.locust_report import Row, summary
from loadtest.stack_processes import platform_processes
from seed.demo_logins import GENERATED_USER_PASSWORD, TEACHER
from write.settings import WriteSettings

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
DEFAULT_METRICS = ("http://127.0.0.1:9101/metrics", "http://127.0.0.1:9103/metrics")
TEACHER_ACCOUNTS = 500


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=float, default=20.0, help="users started a second")
    parser.add_argument("--run-time", default="5m", help="Locust's --run-time: 300s, 5m, 1h30m")
    parser.add_argument("--processes", type=int, default=2, help="Locust worker processes (-1: one per core)")
    parser.add_argument("--read-url", default="http://127.0.0.1:8002")
    parser.add_argument("--command-url", default="http://127.0.0.1:8001")
    parser.add_argument(
        "--ui", action="store_true", help="Locust's web UI on 127.0.0.1:8089 instead (make loadtest-ui)"
    )
    parser.add_argument("--metrics", action="append", help="a worker's /metrics (repeat; default :9101, :9103)")
    parser.add_argument(
        "--results", type=Path, help="folder for Locust's CSV and HTML (default loadtest/results/<time>)"
    )
    args = parser.parse_args(argv)
    if args.users < 1 or args.spawn_rate <= 0:
        parser.error("--users at least 1, --spawn-rate positive")
    args.metrics = args.metrics or list(DEFAULT_METRICS)
    args.results = args.results or ROOT / "loadtest" / "results" / f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{args.users}u"
    return args


def check_ready(*urls: str) -> None:
    for url in urls:
        try:
            answer = httpx.get(f"{url}/health/ready", timeout=5)
        except httpx.HTTPError as error:
            raise SystemExit(f"{url} does not answer ({error}): start the stack first (make up)") from None
        if answer.status_code != 200:
            raise SystemExit(f"{url}/health/ready: {answer.status_code} {answer.text[:200]}")


def teacher_accounts(settings: WriteSettings, limit: int = TEACHER_ACCOUNTS) -> list[str]:
    """Verified teachers of the seeded data (generated ones: they share ``GENERATED_USER_PASSWORD``)."""
    with psycopg.connect(settings.libpq_url("identity")) as connection:
        rows = connection.execute(
            "SELECT email FROM users WHERE role = 'teacher' AND is_verified AND email <> %s ORDER BY email LIMIT %s",
            (TEACHER.email, limit),
        ).fetchall()
    if not rows:
        raise SystemExit("no seeded verified teachers: seed the stack first (edu seed --scale full)")
    return [email for (email,) in rows]


def locust_command(args: argparse.Namespace, prefix: Path) -> list[str]:
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--host", args.read_url,
               "--processes", str(args.processes)]  # fmt: skip
    if args.ui:
        return [*command, "--web-host", "127.0.0.1", "--users", str(args.users), "--spawn-rate", str(args.spawn_rate)]
    return [
        *command, "--headless", "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
        "--run-time", args.run_time, "--csv", str(prefix), "--html", f"{prefix}.html", "--only-summary",
        "--stop-timeout", "10", "--exit-code-on-error", "1",
    ]  # fmt: skip


def rows_of(stats_csv: Path) -> list[Row]:
    with open(stats_csv, newline="") as file:
        return [Row.of(line) for line in csv.DictReader(file) if line["Name"] != "Aggregated"]


def run(argv: list[str] | None = None) -> int:
    args = parse(argv)
    check_ready(args.command_url, args.read_url)
    settings = WriteSettings()
    args.results.mkdir(parents=True, exist_ok=True)
    accounts = args.results / "accounts.json"
    accounts.write_text(json.dumps({"teachers": teacher_accounts(settings), "password": GENERATED_USER_PASSWORD}))
    prefix, groups_file = args.results / "locust", args.results / "groups.json"
    env = os.environ | {
        "EDU_LOADTEST_READ_URL": args.read_url, "EDU_LOADTEST_COMMAND_URL": args.command_url,
        "EDU_LOADTEST_ACCOUNTS": str(accounts), "EDU_LOADTEST_GROUPS": str(groups_file),
    }  # fmt: skip
    if args.ui:
        print("Locust's web UI: http://127.0.0.1:8089 (Ctrl-C stops it)")
        return subprocess.call(locust_command(args, prefix), cwd=ROOT, env=env)
    lag_before = LagSnapshot.merge([scrape(url) for url in args.metrics])
    with open(args.results / "locust.log", "wb") as log:
        locust = subprocess.Popen(locust_command(args, prefix), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        cpu = cpu_over(locust)
        code = locust.wait()
    lag = LagSnapshot.merge([scrape(url) for url in args.metrics]).since(lag_before)
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        tail = (args.results / "locust.log").read_text(errors="replace")[-3000:]
        print(f"Locust exited {code} without its statistics:\n{tail}")
        return 1
    rows = rows_of(stats)
    groups = json.loads(groups_file.read_text()) if groups_file.exists() else {}
    text = summary(args.users, args.run_time, args.processes, rows, groups, lag, cpu)
    (args.results / "summary.md").write_text(text)
    print(text)
    print(f"Locust's CSV and HTML report: {args.results}")
    failures = sum(row.failures for row in rows)
    if code != 0 or failures:
        print(f"FAILED: {failures:,} failed requests; Locust exited {code} (see {args.results / 'locust.log'})")
        return 1
    return 0


def cpu_over(locust: subprocess.Popen, every_s: float = 1.0) -> dict[str, float]:
    """Cores each process of the platform and of Locust kept busy while Locust ran: sampled every
    ``every_s`` up to its last second (a process that has exited leaves nothing in /proc to read), looking
    for Locust's worker processes again each time (they start once it has read the locustfile)."""
    first = last = cpu_usage.snapshot(platform_processes() | locust_processes(locust.pid))
    started = ended = time.perf_counter()
    while locust.poll() is None:
        time.sleep(every_s)
        sample = cpu_usage.snapshot(platform_processes() | locust_processes(locust.pid))
        if locust.poll() is None:
            last, ended = sample, time.perf_counter()
    return cpu_usage.cores_used(first, last, max(ended - started, 1e-9))


def locust_processes(master: int) -> dict[str, int]:
    """Locust's process, or its master and each of its worker processes (``--processes`` > 1), by name:
    their CPU is the generator's."""
    workers = {f"locust worker (pid {pid})": pid for pid in cpu_usage.children(master)}  # stable between samples
    return ({"locust master": master} if workers else {"locust": master}) | workers


if __name__ == "__main__":
    raise SystemExit(run())
