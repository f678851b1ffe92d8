"""Engines for the engine-independent behaviour suite: every test taking ``engine`` (the loaded fixture
catalogue) or ``blank_engine`` (nothing indexed, for tests that write) runs once per engine.

- tantivy: ``search.embedded.TantivyEngine`` in a temporary directory -- always.
- meilisearch: ``search.meili.MeilisearchEngine`` against ``EDU_TEST_MEILI_URL`` (``EDU_TEST_MEILI_KEY`` if
  the server has a master key), in indexes named ``test_<random>...`` that are deleted at teardown;
  skipped, with the reason, when the variable is not set.
"""

import importlib.util
import os
import uuid
from collections.abc import Iterator

import pytest

from search import SearchEngine
from tests.search.corpus import COURSES

ENGINES = ["tantivy", "meilisearch"]
MEILI_SKIP = (
    "Meilisearch suite skipped: EDU_TEST_MEILI_URL is not set (no Meilisearch server on this machine); "
    "the adapter's pure parts run in test_meili_pure.py"
)


def _delete_meili_indexes(url: str, key: str | None, prefix: str) -> None:
    import meilisearch

    client = meilisearch.Client(url, key)
    listing = client.get_raw_indexes({"limit": 1000})
    tasks = [client.delete_index(r["uid"]) for r in listing["results"] if r["uid"].startswith(prefix)]
    for task in tasks:
        client.wait_for_task(task.task_uid, timeout_in_ms=60_000)


def open_engine(kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchEngine]:
    if kind == "tantivy":
        if importlib.util.find_spec("search.embedded") is None:
            pytest.skip("tantivy engine not built yet: search/embedded/ does not exist")
        from search.embedded import TantivyEngine

        engine = TantivyEngine(tmp_path_factory.mktemp("tantivy"))
        try:
            yield engine
        finally:
            engine.close()
        return
    url = os.environ.get("EDU_TEST_MEILI_URL")
    if not url:
        pytest.skip(MEILI_SKIP)
    from search.meili import MeilisearchEngine

    key = os.environ.get("EDU_TEST_MEILI_KEY")
    prefix = f"test_{uuid.uuid4().hex[:12]}"
    engine = MeilisearchEngine(url, key, index_prefix=prefix)
    try:
        yield engine
    finally:
        engine.close()
        _delete_meili_indexes(url, key, prefix)


@pytest.fixture(scope="session", params=ENGINES)
def engine(request, tmp_path_factory) -> Iterator[SearchEngine]:
    """The fixture catalogue (``corpus.COURSES``), built once per engine as a rebuild would: a new version,
    filled, then activated. Read-only: tests that write use ``blank_engine``."""
    for opened in open_engine(request.param, tmp_path_factory):
        version = opened.create_version()
        opened.load([COURSES[:20], COURSES[20:]], version)
        opened.activate(version)
        yield opened


@pytest.fixture(params=ENGINES)
def blank_engine(request, tmp_path_factory) -> Iterator[SearchEngine]:
    """An engine with no version yet."""
    yield from open_engine(request.param, tmp_path_factory)
