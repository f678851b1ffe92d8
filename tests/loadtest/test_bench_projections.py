"""loadtest/bench_projections.py: its pure parts (schedule, command mix, percentiles, the section and how it
is written into docs/benchmarks.md), and one small run end to end -- 40 courses, 20 commands/s for 3 s,
nothing written -- that must account for every command. No timing is asserted: it is a benchmark."""

import itertools
import os
import subprocess
import sys
import uuid

from loadtest import bench_projections, cpu_usage, report
from loadtest.authoring_targets import Target
from loadtest.commit_lag import KINDS, Run, Sample, command_mix, request_of, schedule
from loadtest.projections_report import SECTION, LagFacts, RebuildFacts, Stat, section


def target(n: int) -> Target:
    return Target(str(uuid.UUID(int=n)), f"teacher{n % 3}@example.com", f"Course {n}", str(uuid.UUID(int=1000 + n)))


def test_the_schedule_is_fixed_in_advance_at_the_rate():
    offsets = schedule(50, 2)
    assert len(offsets) == 100
    assert offsets[0] == 0 and abs(offsets[-1] - 1.98) < 1e-9
    assert all(abs((b - a) - 0.02) < 1e-9 for a, b in itertools.pairwise(offsets))
    assert len(schedule(20, 3)) == 60
    assert schedule(50, 0) == []


def test_the_command_mix_is_seeded_and_every_command_changes_its_course():
    targets = [target(n) for n in range(7)]
    mix = command_mix(targets, 400, seed=3)
    assert mix == command_mix(targets, 400, seed=3)
    assert mix != command_mix(targets, 400, seed=4)
    assert {kind for kind, _ in mix} == set(KINDS)
    assert {t.course_id for _, t in mix} == {t.course_id for t in targets}

    course = targets[0]
    assert request_of(5, "rename", course) == ("PATCH", f"/courses/{course.course_id}", {"title": "Course 0 (rev 5)"})
    assert request_of(5, "add_module", course)[:2] == ("POST", f"/courses/{course.course_id}/modules")
    method, path, body = request_of(5, "add_lesson", course)
    assert (method, path) == ("POST", f"/modules/{course.module_id}/lessons")
    assert body["content"] and body["duration_minutes"] > 0
    prices = [request_of(i, "reprice", course)[2]["price"] for i in range(20_000)]
    assert len(set(prices)) == len(prices)  # a new price every time: never a no-op PATCH
    assert all(p.endswith("3") and 0 < float(p) <= 10_000 for p in prices)  # no seeded price ends in 3 cents


def test_percentiles_are_the_projectors_nearest_rank_ones():
    stat = Stat.of_ms([float(v) for v in range(100, 0, -1)])
    assert (stat.count, stat.p50, stat.p90, stat.p99, stat.max) == (100, 50.0, 90.0, 99.0, 100.0)
    assert Stat.of_seconds([0.25]) == Stat(1, 250.0, 250.0, 250.0, 250.0)
    assert Stat.of_ms([]) is None


def test_cpu_of_a_process_tree_counts_children_that_have_ended():
    # A rebuild's worker processes are gone when it returns: their CPU must still count towards it.
    roots = {"this test": os.getpid()}
    before = cpu_usage.snapshot(roots)
    burn = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3:\n    pass"
    subprocess.run([sys.executable, "-c", burn], check=True)
    after = cpu_usage.snapshot(roots)
    assert after["this test"] - before["this test"] >= 0.25
    cores = cpu_usage.cores_used(before, after, 1.0)
    assert set(cores) == {"this test", cpu_usage.OTHERS} and cores["this test"] >= 0.25


def facts(lags_ms: list[float], rebuild_s: float) -> tuple[RebuildFacts, LagFacts]:
    run = Run(rate=50, seconds=len(lags_ms) / 50, started=100.0)
    for i, lag in enumerate(lags_ms):
        scheduled = 100.0 + i / 50
        run.samples.append(Sample(i, KINDS[i % 4], str(uuid.UUID(int=i)), scheduled, sent=scheduled,
                                  answered=scheduled + 0.01, status=200, version=2,
                                  visible=scheduled + 0.01 + lag / 1000))  # fmt: skip
    run.last_answer = run.samples[-1].answered
    rebuild = RebuildFacts(
        seeded_courses=100_000, seed_rows={"catalog.modules": 3, "catalog.lessons": 9}, seed_s=58.0,
        published=88_000, courses=88_000, cards=88_000, curricula=88_000, documents=88_000, wall_s=rebuild_s,
        phases={"scan": rebuild_s - 1, "catch_up": 0.5, "build": rebuild_s},
    )  # fmt: skip
    lag = LagFacts(run, courses=40, teachers=5, workers=1, settle_s=0.3, internal={"cards": [10, 20]},
                   stages={"relay (ms)": [5.0, 6.0]},
                   cpu={"worker": 0.5, "command-api": 0.2, "everything else on the machine": 0.6})  # fmt: skip
    return rebuild, lag


def render(rebuild: RebuildFacts, lag: LagFacts) -> str:
    host = {"CPU": "test CPU, nproc 2; RAM 4 GiB"}
    return section(date="2026-01-01 00:00 UTC", command="`make bench-projections`", host=host,
                   services="test services", rebuild=rebuild, lag=lag)  # fmt: skip


def test_the_section_quotes_the_numbers_and_says_which_targets_were_met():
    text = render(*facts([100.0] * 99 + [400.0], rebuild_s=45.0))
    assert text.startswith(SECTION + "\n")
    assert "`make bench-projections`" in text and "test CPU" in text
    assert "at that version) | 100 | 100.0 | 100.0 | 100.0 | 400.0 |" in text  # count, p50, p90, p99, max
    assert "Commit-to-visible lag p99 ≤ 250 ms at 50 commands/s: 100.0 ms — **met**." in text
    assert "Full rebuild of 100,000 courses ≤ 60 s: 45.0 s — **met**." in text
    assert "cards 88,000, curricula 88,000, search documents 88,000, published courses 88,000 — equal" in text
    assert "(1.30 in all): worker 0.50, everything else on the machine 0.60" not in text  # sorted by cores
    assert "(1.30 in all): everything else on the machine 0.60, worker 0.50, command-api 0.20." in text
    assert "**Disturbed:** other work on this shared machine kept 0.60 of its" in text

    slow = render(*facts([300.0] * 100, rebuild_s=75.0))
    assert "300.0 ms — **not met**." in slow and "75.0 s — **not met**." in slow

    rebuild, lag = facts([100.0] * 10, rebuild_s=45.0)
    lag.run.samples[5].version, lag.run.samples[5].error = None, "503 service_busy"  # refused: no lag, no pass
    assert "100.0 ms, over the 9 of 10 commands the API accepted — **not met**." in render(rebuild, lag)
    lag.run.samples[5].version, lag.run.samples[5].error = 2, None
    lag.run.samples[3].visible = None  # one command never showed: the lag target is not met, whatever p99 says
    text = render(rebuild, lag)
    assert "Not visible 0.3 s after the last answer: 1 (counted as *never*" in text
    assert "lag p99 ≤ 250 ms at 50 commands/s: never (1 not visible) — **not met**." in text


def test_writing_the_section_replaces_only_it(tmp_path, monkeypatch):
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\n## Seeding\n\nseed numbers\n\n## Search\n\nsearch numbers\n")
    monkeypatch.setattr(report, "REPORT", path)
    report.write_section(SECTION, render(*facts([100.0] * 10, rebuild_s=45.0)))
    report.write_section(SECTION, render(*facts([120.0] * 10, rebuild_s=50.0)))
    text = path.read_text()
    assert text.count(SECTION) == 1 and "120.0" in text and "50.0 s" in text and "45.0 s" not in text
    assert text.index("## Seeding") < text.index("## Search") < text.index(SECTION)
    assert "seed numbers" in text and "search numbers" in text


def test_a_small_run_accounts_for_every_command_and_leaves_nothing_behind():
    before = report.REPORT.read_text()

    result = bench_projections.run(["--courses", "40", "--rate", "20", "--seconds", "3", "--warmup", "1"])

    lag, rebuild = result.lag, result.rebuild
    assert rebuild.consistent and rebuild.cards == rebuild.published > 0 and rebuild.cpu
    assert len(lag.run.samples) == 60
    assert [s.error for s in lag.errors] == []
    assert lag.invisible == []
    assert lag.commit_to_visible().count == lag.schedule_to_visible().count == lag.api().count == 60
    assert lag.internal["cards"] and lag.internal["search"]
    assert result.leftovers == []
    assert SECTION in result.text and "commit → visible" in result.text
    assert report.REPORT.read_text() == before
