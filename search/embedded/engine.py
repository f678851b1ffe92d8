"""``TantivyEngine``: the embedded search engine (tantivy indexes in versioned directories).

Processes: any number of reader processes and one writer process per index version (tantivy holds an
OS file lock, ``.tantivy-writer.lock``, while an IndexWriter lives; the OS releases it when the process
dies, even by SIGKILL — the lock *file* stays behind but locks nothing, so a new writer opens at once).

Freshness: every search ``stat``s ``ACTIVE`` and the active index's ``meta.json`` (tantivy replaces it
atomically on each commit) and reloads when either changed, so a search that starts after a commit (or an
activation) returned in any process sees it: the bound is zero plus two stat calls per search.

Durability: ``upsert``/``delete`` return after ``commit`` (tantivy fsyncs the segment files and
``meta.json``); a crash loses only what was never committed. Any failure while writing discards the
writer (rolls back the uncommitted batch and releases the lock) and raises ``SearchEngineError``; the next
write opens a fresh writer, so one bad batch never poisons later ones.

Totals: tantivy counts every match exactly and cheaply, so ``total`` is exact (``total_exact`` True) even
beyond ``MAX_REACHABLE_HITS``; as with Meilisearch only the first ``MAX_REACHABLE_HITS`` hits can be paged
to: later pages are empty. Searches never pass ``limit=0`` to tantivy (it panics).

Fingerprints: each document stores ``documents.fingerprint`` of the document written (schema field
``fp``); ``fingerprints`` reads them from one searcher -- one snapshot, a consistent view of one commit --
with one all-documents search (limit = the number of documents, never 0) and a stored-document read per
document: about 0.5-0.8 s for 100,000 documents on a loaded 2-core machine, mostly stored-document reads
and UUID parsing; a dict entry per document. Writing costs ``fingerprint`` per document (~15 us).

Cost of a search: one tantivy search (top hits by score or by a packed sort key, with the count), one
aggregation for the facets and price stats (cached per index generation, words and min_rating), and the
highlighting of the page's titles and summaries.
"""

import itertools
import json
import logging
import os
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path

import tantivy

from search.documents import CourseDocument
from search.embedded import facets as F
from search.embedded import schema as S
from search.embedded.analysis import query_words, register
from search.embedded.highlight import highlight_all
from search.embedded.querying import (
    SORT_FIELDS,
    combine,
    effective_sort,
    facet_filters,
    other_filters,
    selections,
    text_query,
)
from search.embedded.synonyms import highlight_words
from search.embedded.versions import VersionStore
from search.engine import IndexVersion, SearchEngineError, SearchUnavailable
from search.query import MAX_REACHABLE_HITS, Facet, Hit, SearchQuery, SearchResult

log = logging.getLogger(__name__)

MARKER = "edu-search.json"  # written next to meta.json: the schema layout a version was built with
DEFAULT_WRITER_HEAP_BYTES = 64_000_000
# The live index takes small batches (a refresh round's courses): one indexing thread makes one segment per
# commit instead of one per thread, which halves the CPU of a commit and of the merges after it
# (measured: 17 ms instead of 38 ms per 3-document commit on a 5,000-document index, writer kept open).
LIVE_WRITER = (32_000_000, 1)
# A bulk load: one indexing thread and one commit make one segment (100,000 courses take ~15 MB of it;
# the heap is only a bound). Python's conversion of the documents is the bottleneck, not the thread.
LOAD_WRITER = (128_000_000, 1)
FACET_CACHE_ENTRIES = 512
_GENERATIONS = itertools.count()


def _stat_signature(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


class _SourceFailed(Exception):
    """What the caller's iterable of a bulk load raised: re-raised as it was once the load is rolled back."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


def _guarded(items: Iterable) -> Iterable:
    iterator = iter(items)
    while True:
        try:
            item = next(iterator)
        except StopIteration:
            return
        except Exception as exc:
            raise _SourceFailed(exc) from exc
        yield item


def _replace(writer: tantivy.IndexWriter, schema: tantivy.Schema, latest: dict[uuid.UUID, CourseDocument]) -> int:
    """Queues ``latest`` (id -> document) to replace whatever the index holds under those ids: one delete
    for them all (a term-set query on the ids, applied before the adds that follow it), then each document
    converted and queued in turn, so tantivy's indexing threads work while Python converts the next one. A
    document that cannot be converted raises InvalidDocument (the caller rolls the batch back)."""
    if latest:
        keys = [str(doc_id) for doc_id in latest]
        writer.delete_documents_by_query(tantivy.Query.term_set_query(schema, S.ID, keys))
        for doc in latest.values():
            writer.add_document(S.to_tantivy(doc)[1])
    return len(latest)


class _LRU:
    """A small thread-safe LRU map."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)


class _Opened:
    """One opened index version and the meta.json signature its reader was last reloaded at."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.meta = path / "meta.json"
        try:
            layout = json.loads((path / MARKER).read_text()).get("schema_version")
        except (OSError, ValueError):
            layout = None
        if layout != S.SCHEMA_VERSION:
            raise SearchUnavailable(
                f"index {path.name} has layout {layout!r}, this code reads layout {S.SCHEMA_VERSION}: rebuild it"
            )
        self.index = tantivy.Index.open(str(path))
        register(self.index)
        self.index.config_reader("Manual", 0)
        self.schema = self.index.schema
        self.signature = _stat_signature(self.meta)
        self.generation = next(_GENERATIONS)  # new on every open and reload: keys the facet cache
        self.lock = threading.Lock()

    def snapshot(self, *, force: bool = False) -> tuple[int, tantivy.Searcher]:
        """The current searcher (reloaded first if the index changed) and its generation."""
        signature = _stat_signature(self.meta)
        if force or signature != self.signature:
            with self.lock:
                # stat before reload: a commit landing in between only causes one more reload later
                self.index.reload()
                self.signature = signature
                self.generation = next(_GENERATIONS)
        generation = self.generation
        return generation, self.index.searcher()

    def searcher(self, *, force: bool = False) -> tantivy.Searcher:
        return self.snapshot(force=force)[1]


class TantivyEngine:
    """The embedded ``SearchEngine``. ``directory`` holds every version (created if missing)."""

    def __init__(
        self,
        directory: Path,
        *,
        writer_heap_bytes: int = DEFAULT_WRITER_HEAP_BYTES,
        writer_threads: int = 0,
    ) -> None:
        self._store = VersionStore(Path(directory))
        try:
            self._store.ensure()
        except OSError as exc:
            raise SearchUnavailable(f"cannot create the search directory {directory}: {exc}") from exc
        self._heap = writer_heap_bytes
        self._threads = writer_threads
        self._lock = threading.RLock()  # caches and the pointer
        self._write_lock = threading.Lock()  # one write at a time through the one writer
        self._opened: dict[str, _Opened] = {}
        self._writers: dict[str, tantivy.IndexWriter] = {}
        self._facet_cache = _LRU(FACET_CACHE_ENTRIES)
        self._pointer_signature: tuple[int, int, int] | None = None
        self._active: str | None = None
        self._closed = False

    # ------------------------------------------------------------------ versions

    def _active_name(self) -> str | None:
        signature = self._store.pointer_signature()
        if signature != self._pointer_signature:
            with self._lock:
                self._active = self._store.read_active()
                self._pointer_signature = signature
                self._evict_inactive()
        return self._active

    def _evict_inactive(self) -> None:
        for name in list(self._opened):
            if name != self._active and name not in self._writers:
                del self._opened[name]

    def active_version(self) -> IndexVersion | None:
        name = self._active_name()
        return IndexVersion(name) if name else None

    def versions(self) -> list[IndexVersion]:
        return [IndexVersion(n) for n in self._store.names()]

    def create_version(self) -> IndexVersion:
        name = self._store.new_name()
        path = self._store.path(name)
        try:
            self._store.ensure()
            path.mkdir()
            (path / MARKER).write_text(json.dumps({"schema_version": S.SCHEMA_VERSION}))
            register(tantivy.Index(S.build_schema(), str(path), reuse=False))
        except (OSError, ValueError) as exc:
            raise SearchEngineError(f"cannot create index version {name}: {exc}") from exc
        return IndexVersion(name)

    def _check(self, version: IndexVersion) -> str:
        name = version.name
        if not self._store.valid(name) or name not in self._store.names():
            raise SearchEngineError(f"no such index version: {name!r}")
        return name

    def activate(self, version: IndexVersion) -> None:
        name = self._check(version)
        try:
            self._store.write_active(name)
        except OSError as exc:
            raise SearchEngineError(f"cannot activate {name}: {exc}") from exc
        self._active_name()

    def drop(self, version: IndexVersion) -> None:
        name = version.name
        if not self._store.valid(name):
            raise SearchEngineError(f"no such index version: {name!r}")
        if name == self._active_name():
            raise SearchEngineError(f"{name} is the active version; activate another one before dropping it")
        with self._write_lock, self._lock:
            self._discard_writer(name)
            self._opened.pop(name, None)
            try:
                self._store.remove(name)
            except OSError as exc:
                raise SearchEngineError(f"cannot drop {name}: {exc}") from exc

    def _open(self, name: str) -> _Opened:
        opened = self._opened.get(name)
        if opened is None:
            with self._lock:
                opened = self._opened.get(name)
                if opened is None:
                    path = self._store.path(name)
                    try:
                        opened = _Opened(path)
                    except (OSError, ValueError) as exc:
                        raise SearchUnavailable(f"cannot open search index {name}: {exc}") from exc
                    self._opened[name] = opened
        return opened

    # ------------------------------------------------------------------ writing

    def _target(self, version: IndexVersion | None) -> str:
        if version is not None:
            return self._check(version)
        name = self._active_name()
        if name is None:
            raise SearchEngineError("no active index version to write to")
        return name

    def _writer(self, name: str, kind: tuple[int, int] | None = None) -> tantivy.IndexWriter:
        writer = self._writers.get(name)
        if writer is None:
            try:
                heap, threads = kind or (LIVE_WRITER if name == self._active_name() else (self._heap, self._threads))
                writer = self._open(name).index.writer(heap, threads)
            except ValueError as exc:  # LockBusy: another writer (process) holds this version
                raise SearchEngineError(f"cannot open a writer on {name}: {exc}") from exc
            self._writers[name] = writer
        return writer

    def _discard_writer(self, name: str) -> None:
        """Drops the writer: uncommitted operations are rolled back and tantivy's lock is released."""
        writer = self._writers.pop(name, None)
        if writer is None:
            return
        try:
            writer.rollback()
        except BaseException:
            log.debug("rollback of a failed writer failed", exc_info=True)
        try:
            writer.wait_merging_threads()  # consumes the writer: releases the lock now, not at GC
        except BaseException:
            log.debug("closing a failed writer failed", exc_info=True)

    def _write(
        self, name: str, what: str, apply: Callable[[tantivy.IndexWriter], int], kind: tuple[int, int] | None = None
    ) -> None:
        """Runs ``apply`` (which returns how many operations it queued) on the version's writer, then
        commits. On failure nothing of it is committed: a refused document rolls the batch back; any other
        failure discards the writer (a failed commit may leave it unusable) and the next write opens a
        fresh one."""
        with self._write_lock:
            if self._closed:
                raise SearchEngineError("the search engine is closed")
            writer = self._writer(name, kind)
            try:
                if not apply(writer):
                    return
                writer.commit()
            except S.InvalidDocument as exc:
                try:
                    writer.rollback()
                except BaseException:
                    self._discard_writer(name)
                raise SearchEngineError(f"document refused, nothing of the batch written: {exc}") from exc
            except BaseException as exc:
                self._discard_writer(name)
                if isinstance(exc, KeyboardInterrupt | SystemExit):
                    raise
                if isinstance(exc, _SourceFailed):  # the caller's documents failed, not the index
                    raise exc.error from None
                raise SearchEngineError(f"{what} failed on {name} and was rolled back: {exc}") from exc
        try:
            self._open(name).searcher(force=True)  # this process sees its own write on return
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            log.warning("reload after commit failed: %s", exc)

    def upsert(self, documents: Iterable[CourseDocument], version: IndexVersion | None = None) -> None:
        name = self._target(version)
        try:
            latest = {doc.id: doc for doc in documents}  # the last copy of a document in a batch wins
        except (AttributeError, TypeError) as exc:
            raise SearchEngineError(f"not a course document, nothing written: {exc}") from exc
        if not latest:
            return
        schema = self._open(name).schema

        self._write(name, f"upsert of {len(latest)} documents", lambda writer: _replace(writer, schema, latest))

    def load(self, batches: Iterable[Iterable[CourseDocument]], version: IndexVersion) -> int:
        name = self._check(version)
        if name == self._active_name():
            raise SearchEngineError(f"{name} is the active version: load a new one, then activate it")
        schema = self._open(name).schema
        written = 0

        def apply(writer: tantivy.IndexWriter) -> int:
            nonlocal written
            for batch in _guarded(batches):
                try:
                    latest = {doc.id: doc for doc in batch}
                except (AttributeError, TypeError) as exc:
                    raise S.InvalidDocument(f"not a course document: {exc}") from exc
                written += _replace(writer, schema, latest)  # as upsert: a later copy replaces the one before
            return written

        self._write(name, "bulk load", apply, LOAD_WRITER)
        return written

    def delete(self, ids: Iterable[uuid.UUID], version: IndexVersion | None = None) -> None:
        name = self._target(version)
        try:
            keys = sorted({str(i if isinstance(i, uuid.UUID) else uuid.UUID(str(i))) for i in ids})
        except ValueError as exc:
            raise SearchEngineError(f"not a course id: {exc}") from exc

        schema = self._open(name).schema

        def apply(writer: tantivy.IndexWriter) -> int:
            if keys:
                writer.delete_documents_by_query(tantivy.Query.term_set_query(schema, S.ID, keys))
            return len(keys)

        self._write(name, f"delete of {len(keys)} documents", apply)

    # ------------------------------------------------------------------ reading

    def _searcher(self, name: str) -> tantivy.Searcher:
        try:
            return self._open(name).searcher()
        except SearchEngineError:
            raise
        except (OSError, ValueError) as exc:
            raise SearchUnavailable(f"cannot read search index {name}: {exc}") from exc

    def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        name = self._active_name()
        if name is None:
            raise SearchUnavailable("no active search index")
        opened = self._open(name)
        try:
            generation, searcher = opened.snapshot()
        except (OSError, ValueError) as exc:
            raise SearchUnavailable(f"cannot read search index {name}: {exc}") from exc
        schema = opened.schema

        words = query_words(query.text)
        text = text_query(schema, words)
        selected = selections(query)
        others = other_filters(schema, query)
        main = combine(text, [*facet_filters(schema, selected), *others])

        sort = effective_sort(query.sort, words)
        order = SORT_FIELDS[sort]
        offset = (query.page - 1) * query.per_page
        reachable = offset < MAX_REACHABLE_HITS
        # never limit=0 (tantivy panics): past the reachable window, ask for one hit only to count
        limit = max(1, min(query.per_page, MAX_REACHABLE_HITS - offset)) if reachable else 1
        kwargs: dict = {"limit": limit, "count": True, "offset": offset if reachable else 0}
        if order is not None:
            kwargs["order_by_field"], kwargs["order"] = order
        try:
            found = searcher.search(main, **kwargs)
            total = int(found.count)
            synonyms = frozenset(highlight_words(words.words))
            hits = (
                [self._hit(searcher, a, words, synonyms, query.highlight) for _, a in found.hits] if reachable else []
            )
            if total or selected:
                # the joint facet distribution depends on the text and min_rating only: cached, so paging,
                # re-sorting and toggling facet values do not recount
                key = (name, generation, words, query.min_rating, query.price_stats)
                cells = self._facet_cache.get(key)
                if cells is None:
                    cells = F.joint_cells(searcher, combine(text, others), prices=query.price_stats)
                    self._facet_cache.put(key, cells)
                facet_counts, price_stats = F.derive(cells, selected, query.facets)
            else:  # nothing matches and no facet is relaxed: nothing to count
                facet_counts, price_stats = {Facet(f).value: {} for f in query.facets}, None
        except (ValueError, OSError) as exc:
            raise SearchEngineError(f"search failed: {exc}") from exc
        return SearchResult(
            hits=hits,
            total=total,
            total_exact=True,
            page=query.page,
            per_page=query.per_page,
            facets=facet_counts,
            price_stats=price_stats,
            took_ms=(time.perf_counter() - started) * 1000,
        )

    @staticmethod
    def _hit(searcher: tantivy.Searcher, address, words, synonyms, with_highlight: bool) -> Hit:
        doc_id, title, summary = S.stored_texts(searcher.doc(address))
        marks = {}
        if with_highlight:
            marks["title"], marks["summary"] = highlight_all((title, summary), words, synonyms)
        return Hit(uuid.UUID(doc_id), marks)

    def _read_target(self, version: IndexVersion | None) -> str:
        if version is not None:
            return self._check(version)
        name = self._active_name()
        if name is None:
            raise SearchUnavailable("no active search index")
        return name

    def count(self, version: IndexVersion | None = None) -> int:
        return int(self._searcher(self._read_target(version)).num_docs)

    def fingerprints(self, version: IndexVersion | None = None) -> dict[uuid.UUID, str]:
        name = self._read_target(version)
        searcher = self._searcher(name)  # one snapshot: every document of one commit
        total = int(searcher.num_docs)
        if not total:
            return {}  # (never limit=0: tantivy panics)
        try:
            found = searcher.search(tantivy.Query.all_query(), limit=total, count=False)
            return dict(S.stored_fingerprint(searcher.doc(address)) for _, address in found.hits)
        except (ValueError, OSError) as exc:
            raise SearchEngineError(f"listing the fingerprints of {name} failed: {exc}") from exc

    def health(self) -> bool:
        try:
            name = self._active_name()
            if name is None:
                return False
            self._searcher(name).num_docs  # noqa: B018 -- opens and reads the index
            return True
        except Exception:
            return False

    def release_writer(self) -> None:
        """Closes this process's index writers (everything written is committed already), freeing tantivy's
        lock so that another process can write; the next write here opens a new one (~2 ms)."""
        with self._write_lock, self._lock:
            for name in list(self._writers):
                self._discard_writer(name)

    def close(self) -> None:
        with self._write_lock, self._lock:
            self._closed = True
            for name in list(self._writers):
                self._discard_writer(name)
            self._opened.clear()
