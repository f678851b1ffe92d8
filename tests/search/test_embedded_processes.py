"""The embedded engine across processes: readers see commits at once, a killed writer loses nothing
committed and leaves no lock behind, a failed commit does not poison later writes."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from search import SearchEngineError, SearchQuery
from search.embedded import TantivyEngine
from tests.search.embedded_helpers import make_doc

ROOT = Path(__file__).resolve().parents[2]


def spawn(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.search.embedded_worker", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def expect(process: subprocess.Popen, prefix: str) -> str:
    line = process.stdout.readline().strip()
    assert line.startswith(prefix), f"expected {prefix!r}, child said {line!r}"
    return line


@pytest.fixture
def children():
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        process.stdout.close()


def test_reader_processes_see_a_commit_on_their_next_search(tmp_path, children):
    writer = TantivyEngine(tmp_path)
    try:
        writer.activate(writer.create_version())
        writer.upsert([make_doc(1)])
        readers = [spawn("reader", str(tmp_path), "zeppelin") for _ in range(3)]
        children += readers
        for reader in readers:
            expect(reader, "ready")
        writer.upsert([make_doc(2, title="Zeppelin history")])
        committed = time.time()
        for reader in readers:
            _, seen, total = expect(reader, "seen").split()
            assert int(total) == 1
            # readers poll every 2 ms: the bound is one search after the commit returned
            assert float(seen) - committed < 1.0
    finally:
        writer.close()


def test_a_writer_killed_with_sigkill_loses_nothing_committed_and_leaves_no_lock(tmp_path, children):
    writer = spawn("writer-killed", str(tmp_path), "40")
    children.append(writer)
    expect(writer, "committed")
    expect(writer, "pending")
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=10)

    engine = TantivyEngine(tmp_path)
    try:
        assert engine.count() == 40  # every committed document, none of the pending ones
        assert engine.search(SearchQuery(text="uncommitted")).total == 0
        engine.upsert([make_doc(1000, title="after the crash")])  # a new writer opens: no stale lock
        assert engine.count() == 41
    finally:
        engine.close()


def test_one_writer_at_a_time_and_the_lock_goes_with_its_process(tmp_path, children):
    engine = TantivyEngine(tmp_path)
    try:
        engine.activate(engine.create_version())
        holder = spawn("writer-holding", str(tmp_path))
        children.append(holder)
        expect(holder, "holding")
        with pytest.raises(SearchEngineError, match="writer"):
            engine.upsert([make_doc(1)])
        holder.kill()
        holder.wait(timeout=10)
        engine.upsert([make_doc(1)])
        assert engine.count() == 2
    finally:
        engine.close()


def test_a_released_writer_lets_another_writer_in_and_can_write_again(tmp_path):
    first, second = TantivyEngine(tmp_path), TantivyEngine(tmp_path)
    try:
        first.activate(first.create_version())
        first.upsert([make_doc(1)])
        with pytest.raises(SearchEngineError, match="writer"):
            second.upsert([make_doc(2)])  # the first still holds tantivy's lock
        first.release_writer()
        second.upsert([make_doc(2)])
        second.release_writer()
        first.upsert([make_doc(3)])  # opens a new writer
        assert first.count() == 3
    finally:
        first.close()
        second.close()


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="needs RLIMIT_FSIZE / SIGXFSZ")
def test_a_failed_commit_raises_and_later_writes_land(tmp_path, children):
    child = spawn("failing-commit", str(tmp_path))
    children.append(child)
    outcome = json.loads(expect(child, "{"))
    assert outcome["failed"] and "rolled back" in outcome["failed"]
    assert outcome["ids"] == sorted(str(make_doc(n).id) for n in (0, 2))
