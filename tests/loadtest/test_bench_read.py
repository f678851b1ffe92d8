"""loadtest/bench_read.py: its pure parts (a step's numbers, the saturation rule, the stepping, the search
mix's URLs, the section), the open-loop generator against a small local server, and one small run end to
end -- 40 courses, two short steps per endpoint at 20 and 40 requests/s, two API processes, nothing
written -- in which every request must be answered 200. No timing is asserted: it is a benchmark."""

import asyncio
import math
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

from loadtest import bench_read, report
from loadtest.floor_apps import FLOORS
from loadtest.open_loop import GENERATOR_NICE, NO_ANSWER, Generators, Outcome, request_bytes
from loadtest.rate_steps import (
    LOAD_SHARE,
    QUIET_WINDOW_S,
    REPEAT,
    Load,
    Stat,
    StepResult,
    Sweep,
    measure,
    rates_up_to,
    rest,
    sweep,
)
from loadtest.read_mix import ENDPOINTS, Title, search_paths
from loadtest.read_report import SECTION, RunFacts, section
from loadtest.socket_owners import connections_per_process
from workers.devstack import free_port


def outcome(t0: float, rate: float, latencies_ms: list[float | None], statuses: list[int]) -> Outcome:
    """One process's requests due every 1/rate s from t0, answered after the given latencies (None: never)."""
    found = Outcome(t0)
    for i, (latency, status) in enumerate(zip(latencies_ms, statuses, strict=True)):
        due = t0 + i / rate
        found.due.append(due)
        found.late.append(0.0005)
        found.sent.append(due + 0.0005)
        found.done.append(math.nan if latency is None else due + latency / 1000)
        found.status.append(NO_ANSWER if latency is None else status)
    return found


def test_a_step_counts_the_requests_due_in_its_window_and_the_answers_arriving_in_it():
    # 100/s for 3 s: 1 s of warm-up (not counted), then 2 s measured.
    latencies: list[float | None] = [2.0] * 300
    statuses = [200] * 300
    latencies[150], statuses[151], statuses[152] = None, 503, 404
    step = measure("card", 100, [outcome(10.0, 100, latencies, statuses)], warmup_s=1.0, seconds=2.0)
    assert step.requests == 200 and step.ok == 197
    assert step.errors == Counter({"no answer": 1, "503": 1, "404": 1})
    assert abs(step.latency.p50 - 2.0) < 1e-6 and math.isinf(step.latency.max)  # no answer ranks above all
    assert abs(step.late.p99 - 0.5) < 1e-9 and not step.generator_behind
    assert step.waited == 0
    assert abs(step.achieved - 98.5) < 1e-9  # 197 2xx answers arrived inside the 2 s window
    assert step.saturated(1000) == "1.5% errors"  # past ERROR_SHARE (1%)


def test_the_achieved_rate_is_what_arrives_in_the_window_not_what_was_due():
    # Due at 100/s, answered ever later: the server finished 50/s.
    latencies = [1000 * i / 100 for i in range(300)]  # request i answered at t0 + 2i/100
    step = measure("card", 100, [outcome(0.0, 100, latencies, [200] * 300)], warmup_s=1.0, seconds=2.0)
    assert abs(step.achieved - 50) < 1
    assert step.saturated(p99_bound_ms=10_000) == "achieved 50% of the offered rate"


def result(offered: float, achieved: float, p99: float = 5.0, errors: int = 0) -> StepResult:
    failed = Counter({"503": errors} if errors else {})
    return StepResult("card", offered, 10.0, int(offered * 10), int(offered * 10) - errors, achieved,
                      Stat(1.0, 2.0, p99, p99), Stat(0.1, 0.2, 0.5, 1.0), failed)  # fmt: skip


def test_saturation_is_a_shortfall_errors_or_a_p99_past_the_bound():
    assert result(1000, 990).saturated(1000) is None
    assert result(1000, 940).saturated(1000) == "achieved 94% of the offered rate"
    assert result(1000, 1000, errors=200).saturated(1000) == "2.0% errors"
    assert result(1000, 1000, p99=1500).saturated(1000) == "p99 over 1000 ms"


def test_stepping_stops_at_saturation_and_measures_latency_at_sixty_percent_of_the_best():
    achieved = {250: 250, 500: 500, 1000: 990, 2000: 1500, 3000: 1400}
    asked = []

    def step(rate: float, label: str) -> StepResult:
        asked.append((rate, label))
        return result(rate, achieved.get(rate, rate))

    found = sweep("card", [250, 500, 1000, 2000, 3000], step, 1000, say=lambda line: None)
    assert asked == [(250, ""), (500, ""), (1000, ""), (2000, ""), (2000, REPEAT), (LOAD_SHARE * 1500, "60%")]
    assert found.saturation == 1500 and found.saturated_by == "achieved 75% of the offered rate"
    assert found.at_load.offered == 900

    # A step saturated by a moment of other work: its second run is not, and the stepping goes on.
    runs = Counter()

    def disturbed(rate: float, label: str) -> StepResult:
        runs[rate] += 1
        done = result(rate, rate / 2 if rate == 500 and runs[rate] == 1 else min(rate, 1200))
        done.label = label
        return done

    found = sweep("card", [250, 500, 1000, 2000], disturbed, 1000, say=lambda line: None, confirm=True)
    assert [(s.offered, s.label) for s in found.steps] == [(250, ""), (500, ""), (500, REPEAT), (1000, ""),
                                                           (2000, ""), (2000, REPEAT)]  # fmt: skip
    assert found.saturation == 1200


def test_rates_go_on_past_the_list_up_to_the_maximum():
    assert rates_up_to([100, 200], 200) == [100, 200]
    assert rates_up_to([100, 200], 700) == [100, 200, 300, 450, 680]
    assert rates_up_to([20, 40], 40) == [20, 40]


def test_search_urls_carry_the_mix_text_filters_and_sorts():
    titles = [Title(f"Practical {word} for engineers", "programming", "beginner")
              for word in ("algebra", "python", "gardening", "photography", "statistics")]  # fmt: skip
    paths = search_paths(titles, 60, seed=3)
    assert paths == search_paths(titles, 60, seed=3) and len(paths) == 60
    queries = [parse_qs(urlsplit(path).query) for path in paths]
    assert all(path.startswith("/search?q=") for path in paths)
    assert all(q["q"][0].strip() for q in queries)
    assert any(q.get("category") == ["programming"] and q.get("level") == ["beginner"] for q in queries)
    assert {q["sort"][0] for q in queries if "sort" in q} <= {"rating", "newest"}
    assert "%20" in "".join(paths)  # spaces quoted, not "+"


# --- the generator against a small server -------------------------------------------------------------------


@contextmanager
def small_server() -> Iterator[int]:
    """An HTTP/1.1 server on a thread: 200 with a 3 kB body (written in two pieces), 404 for /missing."""
    port = free_port()
    body = b"x" * 3000
    started = threading.Event()
    loop = asyncio.new_event_loop()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                if head.startswith(b"GET /missing "):
                    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}")
                else:
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-length: 3000\r\n\r\n")
                    await writer.drain()
                    writer.write(body[:1000])
                    await asyncio.sleep(0.001)
                    writer.write(body[1000:])
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(asyncio.start_server(handle, "127.0.0.1", port))
        started.set()
        loop.run_forever()
        server.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    started.wait(5)
    try:
        yield port
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)


def test_the_generator_keeps_the_schedule_and_reads_every_answer():
    with small_server() as port, Generators(2) as generators:
        requests = [request_bytes("127.0.0.1", port, "/missing" if i % 10 == 3 else f"/x/{i}") for i in range(60)]
        checked = []

        def balanced(expected: int) -> bool:
            checked.append(expected)
            return len(checked) > 1  # asks for the connections once more

        t0 = generators.start("127.0.0.1", port, 100.0, requests, connections=4, drain_s=2.0, balanced=balanced)
        outcomes = generators.collect()
        if os.geteuid() == 0:  # allowed to run ahead of the server for the CPU
            assert generators.nice == GENERATOR_NICE
    assert checked == [4, 4]
    assert [o.t0 for o in outcomes] == [t0, t0]
    assert sorted(len(o) for o in outcomes) == [30, 30]
    due = sorted(d for o in outcomes for d in o.due)
    assert all(abs(d - (t0 + i / 100)) < 1e-9 for i, d in enumerate(due))  # one schedule, split in two
    statuses = Counter(s for o in outcomes for s in o.status)
    assert statuses == Counter({200: 54, 404: 6})
    assert requests[0] == f"GET /x/0 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: application/json\r\n\r\n".encode()
    for o in outcomes:
        assert all(done > due for done, due in zip(o.done, o.due, strict=True))
        assert all(0 <= late < 0.5 for late in o.late)
        assert o.connections == 4  # two opened twice


def test_the_server_side_of_connections_is_found_by_process():
    with small_server() as port:

        async def hold() -> list[int]:
            connections = [await asyncio.open_connection("127.0.0.1", port) for _ in range(3)]
            await asyncio.sleep(0.1)
            counts = connections_per_process([os.getpid()], port)
            for _, writer in connections:
                writer.close()
            return counts

        assert asyncio.run(hold()) == [3]  # the server is a thread of this process


# --- the section --------------------------------------------------------------------------------------------


def step_of(endpoint: str, offered: float, achieved: float, p99: float, label: str = "") -> StepResult:
    step = result(offered, achieved, p99)
    step.endpoint, step.label = endpoint, label
    step.cpu = {"read API worker 1": 0.8, "read API worker 2": 0.7, "load generator 1": 0.1, "Redis": 0.05,
                "everything else on the machine": 0.1}  # fmt: skip
    step.spread = [32, 32]
    return step


def render(card_best: float, card_p99: float) -> str:
    sweeps = []
    for endpoint, best, p99 in (("card", card_best, card_p99), ("search", 600.0, 20.0)):
        steps = [step_of(endpoint, best / 2, best / 2, 2.0), step_of(endpoint, best * 1.5, best, 1500.0)]
        sweeps.append(Sweep(endpoint, steps, step_of(endpoint, best * 0.6, best * 0.6, p99, "60%"), 1000.0))
    facts = RunFacts(courses=100_000, published=88_000, rebuild_s=45.0, api_processes=2, generators=2,
                     connections=64, warmup_s=2, seconds=10, p99_bound_ms=1000, pools={"card": 88_000})  # fmt: skip
    host = {"CPU": "test CPU, nproc 2; RAM 4 GiB"}
    return section(date="2026-01-01 00:00 UTC", command="`make bench-read`", host=host, facts=facts, sweeps=sweeps)


def test_the_section_quotes_saturation_and_latency_at_sixty_percent_against_the_targets():
    text = render(card_best=3500.0, card_p99=8.0)
    assert text.startswith(SECTION + "\n")
    assert "`make bench-read`" in text and "test CPU" in text and "88,000 published" in text
    assert "- Card ≥ 3,000 req/s at saturation: 3,500 — **met**; p99 ≤ 10 ms at 60% of it (2,100 req/s): " in text
    assert "(2,100 req/s): 8.00 ms — **met**." in text
    assert "- Search ≥ 500 req/s at saturation: 600 — **met**;" in text
    summary = "| GET /courses/{id} | **3,500** | achieved 67% of the offered rate | 2,100 | 1.00 | **8.00** | 1.50 |"
    assert summary in text
    assert "| 60% | 2,100 | 2,100 | 1.00 | 2.00 | 8.00 | 8.00 | 0 | 0.50 / 1.00 | 1.50 / 0.10 / 0.05 / 0.10 |" in text
    assert "| 32 / 32 |" in text

    slow = render(card_best=2000.0, card_p99=12.0)
    assert "- Card ≥ 3,000 req/s at saturation: 2,000 — **not met**;" in slow
    assert "(1,200 req/s): 12.00 ms — **not met**." in slow


def test_the_floor_apps_are_quoted_beside_the_targets_with_their_own_cpu():
    floor = step_of("floor-hget", 3000, 3000, 25.0, "60%")
    floor.cpu = {"floor-hget worker 1": 0.6, "floor-hget worker 2": 0.5, "idle floor-hello": 0.25, "Redis": 0.1}
    sweeps = [Sweep("floor-hget", [step_of("floor-hget", 6000, 5000, 900.0)], floor, 1000.0)]
    facts = RunFacts(courses=10, published=10, rebuild_s=1.0, api_processes=2, generators=2, connections=64,
                     warmup_s=2, seconds=10, p99_bound_ms=1000)  # fmt: skip
    text = section(date="2026-01-01 00:00 UTC", command="`x`", host={}, facts=facts, sweeps=sweeps)
    line = ("- floor: bare ASGI app, one redis-py HGET a card (`loadtest.floor_apps:card_get`): 5,000 req/s at "
            "saturation, p99 25.00 ms at 60% of it (3,000 req/s).")  # fmt: skip
    assert line in text and "No change to the read API can take its numbers below these" in text
    # The floor's processes are the API column; an idle server beside it is "rest".
    assert "| 60% | 3,000 | 3,000 | 1.00 | 2.00 | 25.00 | 25.00 | 0 | 0.50 / 1.00 | 1.10 / 0.00 / 0.10 / 0.25 |" in text
    assert "The floor:" not in render(card_best=3500.0, card_p99=8.0)  # only when it ran


def test_writing_the_section_replaces_only_it(tmp_path, monkeypatch):
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\n## Search\n\nsearch numbers\n\n## Projections (`make bench-projections`)\n\nx\n")
    monkeypatch.setattr(report, "REPORT", path)
    report.write_section(SECTION, render(card_best=3500.0, card_p99=8.0))
    report.write_section(SECTION, render(card_best=2000.0, card_p99=12.0))
    text = path.read_text()
    assert text.count(SECTION) == 1 and "**not met**" in text and "3,500" not in text
    assert text.index("## Search") < text.index("## Projections") < text.index(SECTION)


# --- end to end ---------------------------------------------------------------------------------------------


def test_a_small_run_answers_every_request_and_leaves_nothing_behind():
    before = report.REPORT.read_text()
    argv = ["--courses", "40", "--step-seconds", "1", "--warmup-seconds", "0.5", "--pause-seconds", "0.1",
            "--max-rate", "40", "--api-processes", "2", "--connections", "8", "--floor"]  # fmt: skip
    argv += [arg for endpoint in ENDPOINTS for arg in ("--rates", f"{endpoint}=20,40")]

    result = bench_read.run(argv)

    # The floor apps after the endpoints, answering the card requests (one HGET each: 200, the card found).
    assert [s.endpoint for s in result.sweeps] == [*ENDPOINTS, *FLOORS]
    for found in result.sweeps:
        steps = [*found.steps, found.at_load]
        assert {s.offered for s in found.steps} <= {20, 40}, found.endpoint  # a step may be repeated
        assert found.at_load.offered == round(LOAD_SHARE * found.saturation, 1) > 0
        for step in steps:
            assert abs(step.requests - step.offered) <= 1 and step.ok == step.requests, (found.endpoint, step.errors)
            assert step.latency.max < 1000 and step.cpu
            assert sum(step.spread) == 8  # the connections, over both API processes
    assert set(result.facts.preflight) == set(ENDPOINTS)
    assert result.leftovers == []
    assert SECTION in result.text and "### GET /search" in result.text
    assert report.REPORT.read_text() == before


def test_after_a_step_the_run_rests_until_the_server_is_idle():
    # A "server" still busy for 1.5 s with what a saturated step left queued, then idle.
    busy = "import time\nend = time.perf_counter() + 1.5\nwhile time.perf_counter() < end: pass\ntime.sleep(30)"
    server = subprocess.Popen([sys.executable, "-c", busy])
    try:
        load = Load("127.0.0.1", 1, None, {}, 0, 0, 1, 0, pause_s=0.1, server={"server": server.pid})
        started = time.perf_counter()
        rested = rest(load)
        assert 1.4 <= rested <= time.perf_counter() - started < 1.5 + 4 * QUIET_WINDOW_S
        assert rest(load) < 0.1 + 2 * QUIET_WINDOW_S  # idle now: one quiet window after the pause
    finally:
        server.kill()
        server.wait()
