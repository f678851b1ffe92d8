"""Child processes of test_embedded_processes.py: ``python -m tests.search.embedded_worker ROLE ROOT ...``.

Each prints one line per milestone and flushes, so the test can follow it through a pipe.
"""

import json
import resource
import signal
import sys
import time
from pathlib import Path

from search import SearchEngineError, SearchQuery
from search.embedded import TantivyEngine
from search.embedded import schema as S
from tests.search.embedded_helpers import make_doc


def say(*parts) -> None:
    print(*parts, flush=True)


def reader(root: Path, word: str) -> None:
    """Waits for an active version, then for a document containing ``word``; reports when it saw it."""
    engine = TantivyEngine(root)
    deadline = time.time() + 30
    while engine.active_version() is None and time.time() < deadline:
        time.sleep(0.005)
    engine.search(SearchQuery(text=word))
    say("ready")
    while time.time() < deadline:
        result = engine.search(SearchQuery(text=word, facets=()))
        if result.total:
            say("seen", repr(time.time()), result.total)
            return
        time.sleep(0.002)
    say("timeout")


def writer_then_killed(root: Path, committed: int) -> None:
    """Commits ``committed`` documents, then leaves more pending in its writer and waits to be killed."""
    engine = TantivyEngine(root)
    version = engine.create_version()
    engine.activate(version)
    engine.upsert([make_doc(n) for n in range(committed)])
    say("committed")
    writer = engine._writer(version.name)
    for n in range(committed, committed + 500):
        writer.add_document(S.to_tantivy(make_doc(n, title="uncommitted"))[1])
    say("pending")
    time.sleep(120)


def writer_holding(root: Path) -> None:
    engine = TantivyEngine(root)
    engine.upsert([make_doc(10_000, title="holder")])
    say("holding")
    time.sleep(120)


def failing_commit(root: Path) -> None:
    """A real failed commit (the file-size limit makes tantivy's writes fail with EFBIG), then writes after
    it."""
    engine = TantivyEngine(root, writer_threads=1)
    engine.activate(engine.create_version())
    engine.upsert([make_doc(0)])
    huge = make_doc(1, description=" ".join(f"w{n}" for n in range(200_000)))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64_000, hard))
    try:
        engine.upsert([huge])
        failed = None
    except SearchEngineError as exc:
        failed = str(exc)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    engine.upsert([make_doc(2)])
    ids = sorted(str(h.id) for h in engine.search(SearchQuery()).hits)
    say(json.dumps({"failed": failed, "ids": ids}))


if __name__ == "__main__":
    role, root, *rest = sys.argv[1:]
    {
        "reader": lambda: reader(Path(root), *rest),
        "writer-killed": lambda: writer_then_killed(Path(root), int(rest[0])),
        "writer-holding": lambda: writer_holding(Path(root)),
        "failing-commit": lambda: failing_commit(Path(root)),
    }[role]()
