"""Re-projecting changed courses: the refresh round, and the job that runs rounds until nothing is left.

There are two lanes (``backlog.LANES``), each with its own work list, lease and refresher: the read model
(every Redis projection) and the search index, so that a search commit -- tens of milliseconds on a large
index -- never delays the cards. A round claims the lane's oldest changed courses, reads them from the source in one
set-based pass, writes them (Redis: stamped, one pipeline, ``store``; search: one engine commit), then
settles. Only published courses have projections: a course that is not published (any more) is removed.
A rebuild in progress (``rm:building``) gets the ids it must re-project (``touched``).

One refresher per lane runs at a time (a Redis lease renewed each round; ``projectors.refresher``): the
search engine has one writer, and rounds never race each other. Events keep marking courses meanwhile;
the next round takes them.
"""

import logging
import time
import uuid
from dataclasses import dataclass, field

from projectors import metrics
from projectors.backlog import READ_MODEL, SEARCH_LANE, Backlog, Claimed, now_ms
from projectors.layout import REDIS_PROJECTIONS, SEARCH
from projectors.settings import ProjectorSettings
from projectors.source import SourceReader
from projectors.store import ReadModelStore
from projectors.views import CourseViews, categories_view, views_of
from search import IndexVersion, SearchEngine, SearchEngineError, SearchUnavailable

log = logging.getLogger("edu.projectors")


@dataclass
class Outcome:
    failed: dict[uuid.UUID, str] = field(default_factory=dict)
    visible_ms: int = 0  # when what the round wrote became readable


class Projector:
    """Re-projects changed courses into one lane's projections (``backlog.lane``): the Redis read model, or
    the search index."""

    def __init__(
        self,
        settings: ProjectorSettings,
        source: SourceReader,
        store: ReadModelStore,
        backlog: Backlog,
        engine: SearchEngine,
    ) -> None:
        self.settings = settings
        self.source = source
        self.store = store
        self.backlog = backlog
        self.engine = engine

    # -- projecting a set of courses ------------------------------------------------------------------

    def project(self, course_ids: list[uuid.UUID], stamps: dict[uuid.UUID, int]) -> Outcome:
        """Re-projects ``course_ids`` into this lane's live projections (and records them for a rebuild in
        progress). A course whose own data cannot be projected is reported in ``failed``; a store that is
        down raises."""
        outcome = Outcome()
        sources, outcome.failed = self.source.readable_courses(course_ids)
        views, removed = views_of(course_ids, sources, outcome.failed)
        building = self.store.building()
        if self.backlog.lane == READ_MODEL:
            active = {n: v for n, v in self.store.active().items() if n in REDIS_PROJECTIONS}
            self.store.put_courses(active, views, removed, stamps)
            self.store.announce([v.id for v in views] + removed)
            building = {n: v for n, v in building.items() if n in REDIS_PROJECTIONS}
        else:
            self._search(views, removed, outcome)
            building = {n: v for n, v in building.items() if n == SEARCH}
        outcome.visible_ms = now_ms()
        self._touch(building, [v.id for v in views] + removed)
        return outcome

    def _touch(self, building: dict[str, str], ids: list[uuid.UUID]) -> None:
        if not building or not ids:
            return
        pipe = self.store.redis.pipeline(transaction=False)
        for projection, version in building.items():
            pipe.sadd(self.store.keys.touched(projection, version), *(str(i) for i in ids))
        pipe.execute()

    def _search(self, views: list[CourseViews], removed: list[uuid.UUID], outcome: Outcome) -> None:
        if self.engine.active_version() is None:
            return  # no index yet: the first rebuild makes one from the source
        if removed:
            self.engine.delete(removed)
        documents = [v.document for v in views if v.id not in outcome.failed]
        try:
            self.engine.upsert(documents)
        except SearchUnavailable:
            raise
        except SearchEngineError:
            # The engine refused the batch (nothing of it was written): find the documents it refuses.
            for document in documents:
                try:
                    self.engine.upsert([document])
                except SearchUnavailable:
                    raise
                except SearchEngineError as error:
                    outcome.failed[document.id] = f"search: {error}"

    def project_into(self, versions: dict[str, str], course_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
        """Re-projects courses into given versions (a rebuild catching up, a repair); returns the courses
        that could not be projected, with their errors (their projections are left as they were)."""
        stamps = self.backlog.counters(course_ids)
        sources, failed = self.source.readable_courses(course_ids)
        views, removed = views_of(course_ids, sources, failed)
        redis_versions = {n: int(v) for n, v in versions.items() if n in REDIS_PROJECTIONS}
        self.store.put_courses(redis_versions, views, removed, stamps)
        if SEARCH in versions:
            version = IndexVersion(versions[SEARCH])
            if removed:
                self.engine.delete(removed, version)
            self.engine.upsert([v.document for v in views], version)
        return failed

    def refresh_categories(self, versions: dict[str, int]) -> None:
        self.store.put_categories(versions, categories_view(self.source.category_counts()))

    # -- rounds ---------------------------------------------------------------------------------------------

    def round(self) -> int:
        """One refresh round; returns how many courses it claimed (0: nothing to do)."""
        started = time.perf_counter()
        claimed = self.backlog.claim(self.settings.refresh_batch_size)
        categories = self.backlog.categories_pending() if self.backlog.lane == READ_MODEL else None
        if not claimed and categories is None:
            return 0
        try:
            outcome = self.project([c.course_id for c in claimed], {c.course_id: c.counter for c in claimed})
            if categories is not None:
                self.refresh_categories({n: v for n, v in self.store.active().items() if n in REDIS_PROJECTIONS})
                self.backlog.categories_done(categories)
        except BaseException:
            metrics.FAILURES.labels("round").inc()
            raise
        self._settle(claimed, outcome)
        metrics.ROUND.observe(time.perf_counter() - started)
        return len(claimed) or 1

    def _settle(self, claimed: list[Claimed], outcome: Outcome) -> None:
        for course_id, error in outcome.failed.items():
            metrics.FAILURES.labels("course").inc()
            parked = self.backlog.fail(
                course_id, error, max_attempts=self.settings.max_attempts, base_seconds=self.settings.retry_base_seconds
            )
            if parked:
                metrics.PARKED.inc()
                log.error("course %s parked after repeated failures: %s", course_id, error)
            else:
                log.warning("course %s failed to project, will retry: %s", course_id, error)
        done = [c for c in claimed if c.course_id not in outcome.failed]
        settled = self.backlog.settle(done)
        self.backlog.succeeded(settled)
        metrics.COURSES.inc(len(done))
        lags = [max(0, outcome.visible_ms - c.since_ms) for c in done]
        projections = REDIS_PROJECTIONS if self.backlog.lane == READ_MODEL else (SEARCH,)
        for projection in projections:
            self.backlog.record_lag(projection, lags, self.settings.lag_samples_kept)
        for lag in lags:
            metrics.LAG.labels(self.backlog.lane).observe(lag / 1000)

    def drain(self, *, lock_seconds: float = 15.0, max_seconds: float = 30.0) -> int:
        """Runs rounds until nothing is left, as the one refresher of the lane, here and now (``edu worker
        --burst``, the CLI, tests; running workers use ``projectors.refresher``'s loop); returns the courses
        it projected. If another refresher holds the lease this returns at once: that one takes whatever is
        marked. Before letting go it closes its search writer, so whichever process refreshes next can
        write."""
        token, ttl = uuid.uuid4().hex, int(lock_seconds * 1000)
        deadline = time.monotonic() + max_seconds
        total = 0
        while True:
            if not self.backlog.acquire(token, ttl):
                return total
            try:
                while (claimed := self.round()) > 0:
                    total += claimed
                    self.backlog.extend(token, ttl)
                    if time.monotonic() > deadline:
                        break
            finally:
                if self.backlog.lane == SEARCH_LANE:
                    self.engine.release_writer()
                self.backlog.release(token)
            if time.monotonic() > deadline or not self.backlog.has_work():
                return total
