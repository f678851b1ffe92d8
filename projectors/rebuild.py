"""``edu projections rebuild``: new versions of projections, built from the source while the live ones
keep serving and keep receiving changes, then switched in one step (docs/adr/0008-projections.md).

1. Register the new versions in ``rm:building``; from then on every refresh round also records the
   courses it re-projects in the version's ``touched`` set. Wait for the round in flight, if any, to end
   (it may not have seen the registration).
2. Scan every published course in id order, in batches: one set-based read per batch, bulk writes into the
   new versions (nothing else writes them), one search commit per batch.
3. Catch up: re-project the touched courses into the new versions, until few are left.
4. As the one refresher (its lock held, so no round runs): take the last touched courses, count the
   categories, switch ``rm:active`` (one HSET) and the search engine's active index, clear
   ``rm:building``.
5. After a grace period for requests that resolved the old version, drop it.

Interrupted (Ctrl-C, an error) before the switch, the new versions are dropped and the live ones are
untouched; a rebuild killed outright leaves a version that the next rebuild clears first. Safe to re-run.
"""

import multiprocessing
import os
import time
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

from projectors.layout import CATEGORIES, PROJECTIONS, REDIS_PROJECTIONS, SEARCH
from projectors.runtime import Runtime
from projectors.settings import ProjectorSettings
from projectors.views import views_of
from search import CourseDocument, IndexVersion
from search.settings import SearchSettings
from write.settings import WriteSettings


@dataclass(frozen=True)
class Batch:
    size: int
    documents: list[CourseDocument]
    failed: dict[uuid.UUID, str]  # courses that could not be projected, with their errors


def build_batch(rt: Runtime, ids: list[uuid.UUID], versions: dict[str, int]) -> Batch:
    """Reads a batch of courses, writes their Redis projections into ``versions`` (bulk: nothing else
    writes a version being built) and returns its search documents and the courses that failed."""
    stamps = rt.backlog.counters(ids)
    sources, failed = rt.source.readable_courses(ids)
    views, _ = views_of(ids, sources, failed)
    for name, version in versions.items():
        rt.store.bulk_put(name, version, views, stamps)
    return Batch(len(ids), [view.document for view in views], failed)


_builder: Runtime | None = None


def _start_builder(settings: WriteSettings, projector_settings: ProjectorSettings, search: SearchSettings) -> None:
    global _builder
    _builder = Runtime(settings, projector_settings, search)


def _build_in_builder(ids: list[uuid.UUID], versions: dict[str, int]) -> Batch:
    assert _builder is not None, "the process pool's initializer did not run"
    return build_batch(_builder, ids, versions)


def _in_order(
    pool: ProcessPoolExecutor, batches: Iterable[list[uuid.UUID]], versions: dict[str, int], *, ahead: int
) -> Iterator[Batch]:
    """The batches' results in order, keeping ``ahead`` batches in the pool's hands."""
    pending: deque[Future] = deque()
    for ids in batches:
        pending.append(pool.submit(_build_in_builder, ids, versions))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


class Progress(Protocol):
    def start(self, phase: str, total: int | None) -> None: ...
    def advance(self, done: int) -> None: ...


class SilentProgress:
    def start(self, phase: str, total: int | None) -> None:
        pass

    def advance(self, done: int) -> None:
        pass


class RebuildInProgress(RuntimeError):
    pass


@dataclass
class RebuildReport:
    versions: dict[str, str] = field(default_factory=dict)  # projection -> new active version
    courses: int = 0
    caught_up: int = 0
    parked: int = 0  # courses that could not be projected (``edu projections status`` lists them)
    seconds: dict[str, float] = field(default_factory=dict)  # phase -> seconds


CATCH_UP_BATCH = 2000


def rebuild(rt: Runtime, names: list[str] | None = None, progress: Progress | None = None) -> RebuildReport:
    names = list(dict.fromkeys(names or PROJECTIONS))
    unknown = [n for n in names if n not in PROJECTIONS]
    if unknown:
        raise ValueError(f"unknown projections {unknown}; known: {', '.join(PROJECTIONS)}")
    progress = progress or SilentProgress()
    token = uuid.uuid4().hex
    lock_ms = int(rt.projector_settings.refresher_lock_seconds * 4000)
    if not rt.redis.set(rt.backlog.keys.rebuilding, token, nx=True, px=lock_ms):
        raise RebuildInProgress("another rebuild is running (it holds the rebuild lock); wait for it to finish")
    try:
        return _Rebuild(rt, names, progress, token, lock_ms).run()
    finally:
        rt.backlog.release_lock(rt.backlog.keys.rebuilding, token)


class _Rebuild:
    def __init__(self, rt: Runtime, names: list[str], progress: Progress, token: str, lock_ms: int) -> None:
        self.rt, self.names, self.progress, self.token, self.lock_ms = rt, names, progress, token, lock_ms
        self.redis_names = [n for n in names if n in REDIS_PROJECTIONS]
        self.report = RebuildReport()
        self.new: dict[str, str] = {}

    def _keep_lock(self) -> None:
        self.rt.backlog.extend_lock(self.rt.backlog.keys.rebuilding, self.token, self.lock_ms)

    def run(self) -> RebuildReport:
        started = time.perf_counter()
        self._clear_leftovers()
        try:
            self._register()
            self._scan()
            self._catch_up()
            self.progress.start("switching to the new versions", None)
            old = self._switch()
        except BaseException:
            self._abandon()
            raise
        self.report.seconds["build"] = time.perf_counter() - started
        self._drop_old(old)
        self.report.versions = dict(self.new)
        return self.report

    # -- steps --------------------------------------------------------------------------------------------

    def _clear_leftovers(self) -> None:
        """Versions neither active nor being built are what an interrupted rebuild left: drop them."""
        store, active = self.rt.store, self.rt.store.active()
        for name in self.redis_names:
            for version in store.stored_versions(name) - {active.get(name)}:
                store.drop_version(name, version)
        self.rt.redis.hdel(store.keys.building, *self.names)
        if SEARCH in self.names:
            live = self.rt.engine.active_version()
            for version in self.rt.engine.versions():
                if version != live:
                    self.rt.engine.drop(version)

    def _register(self) -> None:
        for name in self.redis_names:
            self.new[name] = str(self.rt.store.new_version())
        if SEARCH in self.names:
            self.new[SEARCH] = self.rt.engine.create_version().name
        self.rt.redis.hset(self.rt.store.keys.building, mapping=self.new)
        with self.rt.as_refresher():  # a round that started before the registration has ended
            pass

    def _scan(self) -> None:
        """Every published course into the new versions. With several processes (``rebuild_processes``),
        each builds whole batches -- reads the source, computes the views, writes Redis -- and hands the
        search documents back to this process, the index's one writer, which indexes them meanwhile."""
        rt, size = self.rt, self.rt.projector_settings.rebuild_batch_size
        started = time.perf_counter()
        self.progress.start("courses", rt.source.published_count())
        search_version = IndexVersion(self.new[SEARCH]) if SEARCH in self.new else None
        versions = {name: int(self.new[name]) for name in self.redis_names if name != CATEGORIES}
        processes = rt.projector_settings.rebuild_processes or os.cpu_count() or 1
        batches = rt.source.published_ids(size)
        if processes <= 1:
            results = (build_batch(rt, ids, versions) for ids in batches)
            self._index(results, search_version)
        else:
            spawn = multiprocessing.get_context("spawn")  # no inherited connections or locks
            arguments = (rt.settings, rt.projector_settings, rt.search_settings)
            with ProcessPoolExecutor(
                processes, mp_context=spawn, initializer=_start_builder, initargs=arguments
            ) as pool:
                try:
                    self._index(_in_order(pool, batches, versions, ahead=processes * 2), search_version)
                except BaseException:
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
        self.report.seconds["scan"] = time.perf_counter() - started

    def _index(self, batches: Iterable[Batch], version: IndexVersion | None) -> None:
        """Each batch's search documents go to the new index in one bulk load (one commit at the end: one
        segment, the fastest to search), while the batches' Redis writes are already done."""

        def documents() -> Iterator[list[CourseDocument]]:
            for batch in batches:
                yield batch.documents
                self.report.courses += len(batch.documents)
                self._park(batch.failed)
                self.progress.advance(batch.size)
                self._keep_lock()

        if version is not None:
            self.rt.engine.load(documents(), version)
        else:
            for _ in documents():
                pass

    def _park(self, failed: dict[uuid.UUID, str]) -> None:
        """A course that cannot be projected is parked with its error (status shows it; requeue retries it
        once fixed); the rebuild goes on without it."""
        for course_id, error in failed.items():
            self.rt.backlog.park(course_id, error)
        self.report.parked += len(failed)

    def _touched(self, limit: int) -> list[uuid.UUID]:
        found: set[str] = set()
        for name, version in self.new.items():
            popped = self.rt.redis.spop(self.rt.store.keys.touched(name, version), limit) or []
            found.update(p.decode() for p in popped)
        return sorted(uuid.UUID(i) for i in found)

    def _catch_up(self, *, until: int = 50) -> None:
        started = time.perf_counter()
        self.progress.start("changes made meanwhile", None)
        while True:
            ids = self._touched(CATCH_UP_BATCH)
            if ids:
                self._park(self.rt.projector.project_into(self.new, ids))
                self.report.caught_up += len(ids)
                self.progress.advance(len(ids))
                self._keep_lock()
            if len(ids) < until:
                break
        self.report.seconds["catch_up"] = time.perf_counter() - started

    def _switch(self) -> dict[str, str]:
        rt = self.rt
        with self.rt.as_refresher():
            while ids := self._touched(CATCH_UP_BATCH):
                self._park(rt.projector.project_into(self.new, ids))
                self.report.caught_up += len(ids)
            if CATEGORIES in self.new:
                rt.projector.refresh_categories({CATEGORIES: int(self.new[CATEGORIES])})
            old = {name: str(v) for name, v in rt.store.active().items() if name in self.redis_names}
            redis_new = {name: self.new[name] for name in self.redis_names}
            if SEARCH in self.new:
                live = rt.engine.active_version()
                if live is not None:
                    old[SEARCH] = live.name
                rt.reset_engine()  # our writer on the new index must be gone before the worker writes there
                rt.engine.activate(IndexVersion(self.new[SEARCH]))
            if redis_new:
                rt.redis.hset(rt.store.keys.active, mapping=redis_new)
            rt.redis.hdel(rt.store.keys.building, *self.names)
        return old

    def _abandon(self) -> None:
        rt = self.rt
        rt.redis.hdel(rt.store.keys.building, *self.names)
        for name, version in self.new.items():
            if name == SEARCH:
                rt.reset_engine()
                if rt.engine.active_version() != IndexVersion(version):
                    rt.engine.drop(IndexVersion(version))
            elif rt.store.active().get(name) != int(version):
                rt.store.drop_version(name, int(version))

    def _drop_old(self, old: dict[str, str]) -> None:
        if not old:
            return
        self.progress.start("grace period, then the old versions dropped", None)
        time.sleep(self.rt.projector_settings.old_version_grace_seconds)
        for name, version in old.items():
            if name == SEARCH:
                self.rt.engine.drop(IndexVersion(version))
            else:
                self.rt.store.drop_version(name, int(version))
            self.rt.redis.delete(self.rt.store.keys.touched(name, version))
