"""Versioned index directories, the atomic ACTIVE pointer, and in-process engine details of tantivy."""

import dataclasses
import os

import pytest

from search import IndexVersion, SearchEngineError, SearchQuery, SearchUnavailable, Sort, fingerprint
from search.embedded import TantivyEngine
from search.embedded.schema import SCHEMA_VERSION
from search.embedded.versions import VersionStore
from tests.search.embedded_helpers import make_doc


@pytest.fixture
def engine(tmp_path):
    opened = TantivyEngine(tmp_path)
    yield opened
    opened.close()


def test_layout_versions_and_an_atomically_replaced_pointer(engine, tmp_path):
    first = engine.create_version()
    assert (tmp_path / "versions" / first.name / "meta.json").exists()
    assert not (tmp_path / "ACTIVE").exists() and engine.active_version() is None
    engine.activate(first)
    assert (tmp_path / "ACTIVE").read_text().strip() == first.name
    inode = os.stat(tmp_path / "ACTIVE").st_ino

    second = engine.create_version()
    engine.activate(second)
    assert (tmp_path / "ACTIVE").read_text().strip() == second.name
    assert os.stat(tmp_path / "ACTIVE").st_ino != inode  # replaced (os.replace), never rewritten in place
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp files left
    assert engine.versions() == sorted([first, second], key=lambda v: v.name)


def test_search_without_an_active_version_is_unavailable(engine):
    with pytest.raises(SearchUnavailable):
        engine.search(SearchQuery())
    assert engine.health() is False
    with pytest.raises(SearchEngineError):
        engine.upsert([make_doc(1)])  # nowhere to write


def test_the_active_version_cannot_be_dropped_an_inactive_one_is_removed(engine, tmp_path):
    old = engine.create_version()
    engine.upsert([make_doc(1)], old)
    engine.activate(old)
    with pytest.raises(SearchEngineError):
        engine.drop(old)
    new = engine.create_version()
    engine.activate(new)
    engine.drop(old)  # its writer is closed first
    assert not (tmp_path / "versions" / old.name).exists()
    assert engine.versions() == [new]


@pytest.mark.parametrize("name", ["../escape", "versions", "", "v1", "v20250101000000000-abcdef/../x"])
def test_version_names_are_validated(engine, name):
    with pytest.raises(SearchEngineError):
        engine.activate(IndexVersion(name))
    with pytest.raises(SearchEngineError):
        engine.drop(IndexVersion(name))
    with pytest.raises(SearchEngineError):
        engine.upsert([make_doc(1)], IndexVersion(name))


def test_junk_in_the_versions_directory_is_not_a_version(engine, tmp_path):
    real = engine.create_version()
    (tmp_path / "versions" / "notes").mkdir()
    (tmp_path / "versions" / VersionStore.new_name()).mkdir()  # a half-created version: no meta.json
    assert engine.versions() == [real]


def test_a_second_engine_on_the_same_directory_sees_activation_and_commits(engine, tmp_path):
    version = engine.create_version()
    engine.upsert([make_doc(1)], version)
    engine.activate(version)

    reader = TantivyEngine(tmp_path)
    try:
        assert reader.active_version() == version and reader.count() == 1
        engine.upsert([make_doc(2, title="Sourdough bread")])
        # the very next search sees the commit: no polling interval
        assert reader.count() == 2
        assert [h.id for h in reader.search(SearchQuery(text="sourdough")).hits] == [make_doc(2).id]
        replacement = engine.create_version()
        engine.upsert([make_doc(3)], replacement)
        engine.activate(replacement)
        assert reader.active_version() == replacement
        assert [h.id for h in reader.search(SearchQuery()).hits] == [make_doc(3).id]
        # only one writer per version, across engines and processes
        with pytest.raises(SearchEngineError, match="writer"):
            reader.upsert([make_doc(4)])
    finally:
        reader.close()


def test_facet_counts_follow_writes(engine):
    engine.activate(engine.create_version())
    engine.upsert([make_doc(1, category_slug="cooking"), make_doc(2)])
    assert engine.search(SearchQuery()).facets["category"] == {"cooking": 1, "programming": 1}
    engine.upsert([make_doc(3, category_slug="cooking")])
    assert engine.search(SearchQuery()).facets["category"] == {"cooking": 2, "programming": 1}
    engine.delete([make_doc(1).id, make_doc(3).id])
    assert engine.search(SearchQuery()).facets["category"] == {"programming": 1}


@pytest.mark.parametrize("sort", list(Sort))
def test_pagination_is_stable_through_ties_in_every_sort(engine, sort):
    engine.activate(engine.create_version())
    # every sort field ties, and every document matches the text equally
    engine.upsert([make_doc(n, title="Same title") for n in range(60)])
    everything = engine.search(SearchQuery(text="same", sort=sort, per_page=100))
    pages = [engine.search(SearchQuery(text="same", sort=sort, page=p, per_page=7)) for p in range(1, 11)]
    seen = [h.id for page in pages for h in page.hits]
    assert len(seen) == len(set(seen)) == 60
    assert seen == [h.id for h in everything.hits]
    assert all(page.total == 60 for page in pages)


def test_pages_beyond_the_reachable_window_are_empty_with_an_exact_total(engine, monkeypatch):
    import search.embedded.engine as module

    monkeypatch.setattr(module, "MAX_REACHABLE_HITS", 25)
    engine.activate(engine.create_version())
    engine.upsert([make_doc(n) for n in range(40)])
    last = engine.search(SearchQuery(page=3, per_page=10))  # hits 21..30: only 21..25 reachable
    assert len(last.hits) == 5 and last.total == 40 and last.total_exact
    beyond = engine.search(SearchQuery(page=4, per_page=10))
    assert beyond.hits == [] and beyond.total == 40


class _GuardedSearcher:
    """Fails the test if tantivy is ever asked for ``limit=0`` (a panic, a BaseException, in tantivy)."""

    def __init__(self, inner):
        self._inner = inner

    def search(self, query, limit=10, *args, **kwargs):
        assert limit >= 1, "limit=0 panics tantivy"
        return self._inner.search(query, limit, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._inner, name)


def test_no_search_ever_passes_limit_zero(engine, monkeypatch):
    import search.embedded.engine as module

    original = module._Opened.snapshot
    monkeypatch.setattr(
        module._Opened, "snapshot", lambda self, **kw: (lambda g, s: (g, _GuardedSearcher(s)))(*original(self, **kw))
    )
    engine.activate(engine.create_version())
    engine.upsert([make_doc(n) for n in range(3)])
    for page in (1, 2, 10, 1000, 10_000):
        for per_page in (1, 7, 100):
            for text in ("", "course", "nothing-matches-this"):
                engine.search(SearchQuery(text=text, page=page, per_page=per_page, facets=()))


def test_an_invalid_batch_writes_nothing_and_later_writes_land(engine):
    engine.activate(engine.create_version())
    engine.upsert([make_doc(1)])
    for bad in (
        make_doc(3, price=float("nan")),
        make_doc(3, price=-1.0),
        make_doc(3, rating_avg=float("inf")),
        dataclasses.replace(make_doc(3), title=None),
        dataclasses.replace(make_doc(3), lesson_titles=("ok", 7)),
        dataclasses.replace(make_doc(3), id="not-a-uuid"),
    ):
        with pytest.raises(SearchEngineError):
            engine.upsert([make_doc(2), bad])
        assert engine.count() == 1
    engine.upsert([make_doc(2)])
    assert engine.count() == 2


def test_a_failed_commit_discards_the_writer_and_the_next_write_lands(engine, monkeypatch):
    engine.activate(engine.create_version())
    engine.upsert([make_doc(1)])
    name = engine.active_version().name
    real = engine._writers[name]

    class Failing:
        def __getattr__(self, attr):
            return getattr(real, attr)

        def commit(self):
            raise OSError("disk full (simulated)")

    engine._writers[name] = Failing()
    with pytest.raises(SearchEngineError, match="disk full"):
        engine.upsert([make_doc(2)])
    assert name not in engine._writers  # the failed writer is gone, its lock released
    engine.upsert([make_doc(3)])
    assert {h.id for h in engine.search(SearchQuery()).hits} == {make_doc(1).id, make_doc(3).id}


def test_threads_search_while_another_writes(engine):
    import threading

    engine.activate(engine.create_version())
    engine.upsert([make_doc(n, title=f"Python course {n}") for n in range(100)])
    errors: list[BaseException] = []

    def read() -> None:
        try:
            for i in range(60):
                engine.search(SearchQuery(text=["pyhton", "cours", "python 1", ""][i % 4]))
        except BaseException as exc:
            errors.append(exc)

    def write() -> None:
        try:
            for i in range(10):
                engine.upsert([make_doc(1000 + i, title=f"Data {i}")])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(3)] + [threading.Thread(target=write)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and engine.count() == 110


def test_an_index_of_another_layout_is_refused_not_misread(engine, tmp_path):
    version = engine.create_version()
    engine.activate(version)
    (tmp_path / "versions" / version.name / "edu-search.json").write_text('{"schema_version": 0}')
    with pytest.raises(SearchUnavailable, match="rebuild"):
        TantivyEngine(tmp_path).search(SearchQuery())


def test_an_index_of_the_layout_before_fingerprints_must_be_rebuilt(tmp_path):
    first = TantivyEngine(tmp_path)
    old = first.create_version()
    first.upsert([make_doc(1)], old)
    first.activate(old)
    first.close()
    (tmp_path / "versions" / old.name / "edu-search.json").write_text(f'{{"schema_version": {SCHEMA_VERSION - 1}}}')

    engine = TantivyEngine(tmp_path)
    assert engine.health() is False
    for call in (lambda: engine.search(SearchQuery()), engine.fingerprints, lambda: engine.upsert([make_doc(2)])):
        with pytest.raises(SearchUnavailable, match="rebuild"):
            call()
    # the rebuild: a new version in the current layout, activated, the old one dropped
    new = engine.create_version()
    engine.upsert([make_doc(1), make_doc(2)], new)
    engine.activate(new)
    engine.drop(old)
    assert engine.health() is True and engine.versions() == [new]
    assert engine.fingerprints() == {d.id: fingerprint(d) for d in (make_doc(1), make_doc(2))}
    engine.close()


def _searcher_of(engine: TantivyEngine, version: IndexVersion):
    return engine._open(version.name).searcher(force=True)


def test_a_bulk_load_makes_one_segment_where_batch_upserts_make_many(engine):
    docs = [make_doc(n) for n in range(300)]
    batches = [docs[i : i + 30] for i in range(0, len(docs), 30)]
    upserted, loaded = engine.create_version(), engine.create_version()
    for batch in batches:
        engine.upsert(batch, upserted)
    engine.load(iter(batches), loaded)
    assert engine.count(upserted) == engine.count(loaded) == len(docs)
    assert _searcher_of(engine, upserted).num_segments > 1
    assert _searcher_of(engine, loaded).num_segments == 1  # what searches read fastest


def test_a_failing_bulk_load_commits_nothing_and_raises_the_sources_error(engine):
    version = engine.create_version()

    def batches():
        yield [make_doc(1)]
        raise ConnectionError("the write side went away")

    with pytest.raises(ConnectionError, match="went away"):
        engine.load(batches(), version)
    assert engine.count(version) == 0
    with pytest.raises(SearchEngineError, match="refused"):  # a bad document: the same, as an engine error
        engine.load([[make_doc(1)], [dataclasses.replace(make_doc(2), price=float("nan"))]], version)
    assert engine.count(version) == 0
    engine.load([[make_doc(3)]], version)  # the writer was not left broken
    assert engine.count(version) == 1
