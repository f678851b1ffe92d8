"""A smoke run of loadtest/bench_search.py (300 documents, a fraction of a second per class, nothing
written): keeps the benchmark working end to end, the embedded engine and both PostgreSQL baselines."""

from loadtest import bench_search
from loadtest.report import REPORT
from loadtest.search_mix import CLASSES


def test_bench_search_prints_a_row_per_class_and_engine_and_writes_nothing(capsys):
    before = REPORT.read_text()
    argv = ["--docs", "300", "--duration-per-class", "0.2", "--min-requests", "5", "--warmup", "0.05",
            "--queries-per-class", "20"]  # fmt: skip

    assert bench_search.main([*argv, "--no-write"]) == 0

    printed = capsys.readouterr().out
    rows = [line for line in printed.splitlines() if line.startswith("| ")]
    for kind in CLASSES:
        for engine in bench_search.ENGINES.values():
            assert sum(line.startswith(f"| {kind} | {engine} | ") for line in rows) == 1, (kind, engine)
        assert any(line.startswith(f"| {kind} | ") and line.endswith("x |") for line in rows), kind  # ratios
    assert "Indexing ≥ 20,000 docs/s" in printed
    assert REPORT.read_text() == before
