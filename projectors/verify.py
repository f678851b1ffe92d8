"""``edu projections verify [--repair]``: recompute every projection from the write side and compare.

The expected values come from the same code that projects (``source`` + ``views``), batch by batch over
every published course; each is compared with the active version: cards, curricula, reviews and each
course's listing entries byte for byte, every listing's sorted set member for member, the category counts,
and every search document by fingerprint. Courses with a change still on its way (dirty or waiting for a
retry) are left out and counted as pending -- they are not wrong, only not yet done -- and every
difference found is checked once more before it is reported, so a change that lands mid-verify is not
reported as one.

``repair`` re-projects the differing courses into the active versions (as the one refresher), corrects
the listing sets and the category counts, then verifies again.
"""

import json
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from projectors.layout import (
    CATEGORIES,
    LISTINGS,
    REDIS_PROJECTIONS,
    SEARCH,
    SORTS,
    listing_suffix,
    member_course_id,
)
from projectors.rebuild import Progress, SilentProgress
from projectors.runtime import Runtime
from projectors.store import PER_COURSE
from projectors.views import CourseViews, categories_view, views_of
from search.documents import fingerprint

NOT_A_COURSE = "unexpected field: not a course id"


@dataclass(frozen=True)
class Difference:
    projection: str
    key: str  # a course id, a listing key, "categories", or the projection itself
    problem: str
    course_id: uuid.UUID | None = None


@dataclass
class VerifyReport:
    differences: list[Difference] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)
    pending: int = 0
    repaired: int = 0

    @property
    def clean(self) -> bool:
        return not self.differences


@dataclass
class _Listed:
    """A course's place in the listings: enough to derive every sorted set it belongs to."""

    category: str
    level: str
    members: tuple[str, ...]  # one per sort, in SORTS order


def verify(rt: Runtime, *, repair: bool = False, progress: Progress | None = None) -> VerifyReport:
    report = _Verification(rt, progress or SilentProgress()).run()
    if not repair or report.clean:
        return report
    repaired = _repair(rt, report)
    again = _Verification(rt, SilentProgress()).run()
    again.repaired = repaired
    return again


class _Verification:
    def __init__(self, rt: Runtime, progress: Progress) -> None:
        self.rt = rt
        self.progress = progress
        self.report = VerifyReport()
        self.active = {n: v for n, v in rt.store.active().items() if n in REDIS_PROJECTIONS}
        self.search_version = rt.engine.active_version()
        self.pending = rt.backlog.pending()
        self.expected_ids: set[uuid.UUID] = set()
        self.listed: dict[uuid.UUID, _Listed] = {}
        self.suspects: set[uuid.UUID] = set()
        self.unprojectable: dict[uuid.UUID, str] = {}

    def run(self) -> VerifyReport:
        for name in REDIS_PROJECTIONS:
            if name not in self.active:
                self._differ(name, name, "no active version (Redis lost it?): run `edu projections rebuild`")
        if self.search_version is None:
            self._differ(SEARCH, SEARCH, "no active search index: run `edu projections rebuild search`")
        fingerprints = self.rt.engine.fingerprints() if self.search_version is not None else {}
        self.progress.start("verifying courses", self.rt.source.published_count())
        for ids in self.rt.source.published_ids(self.rt.projector_settings.rebuild_batch_size):
            self._compare_batch([i for i in ids if i not in self.pending], fingerprints)
            self.progress.advance(len(ids))
        self._compare_extras(fingerprints)
        self._recheck()
        for course_id, error in self.unprojectable.items():
            self._differ("source", course_id, f"cannot be projected: {error}")
        self._compare_listings()
        self._compare_categories()
        self.report.pending = len(self.pending)
        return self.report

    def _differ(self, projection: str, key: object, problem: str) -> None:
        course_id = key if isinstance(key, uuid.UUID) else None
        self.report.differences.append(Difference(projection, str(key), problem, course_id))

    # -- per course --------------------------------------------------------------------------------------

    def _views(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, CourseViews]:
        """The expected views; a course that cannot be projected is a difference of its own (it is parked,
        or will be, by the refresher) and is left out of the comparisons."""
        sources, failed = self.rt.source.readable_courses(ids)
        views, _ = views_of(ids, sources, failed)
        for course_id, error in failed.items():
            self.unprojectable[course_id] = error
        return {view.id: view for view in views}

    def _course_problems(
        self, ids: list[uuid.UUID], views: dict[uuid.UUID, CourseViews], fingerprints: dict[uuid.UUID, str]
    ) -> list[tuple[str, uuid.UUID, str]]:
        problems = []
        for name, version in self.active.items():
            if name == CATEGORIES:
                continue
            stored = self.rt.store.get_many(name, version, ids)
            attribute = PER_COURSE.get(name, "listing")
            for course_id, value in zip(ids, stored, strict=True):
                view = views.get(course_id)
                if view is None:
                    if value is not None:
                        problems.append((name, course_id, "unexpected: the course is not published"))
                elif value is None:
                    problems.append((name, course_id, "missing"))
                elif value != getattr(view, attribute):
                    problems.append(
                        (name, course_id, f"differs from the source: {_what_differs(value, getattr(view, attribute))}")
                    )
        if self.search_version is not None:
            for course_id in ids:
                view, found = views.get(course_id), fingerprints.get(course_id)
                if view is None and found is not None:
                    problems.append((SEARCH, course_id, "unexpected: the course is not published"))
                elif view is not None and found is None:
                    problems.append((SEARCH, course_id, "missing"))
                elif view is not None and found != fingerprint(view.document):
                    problems.append((SEARCH, course_id, "differs from the source"))
        return problems

    def _compare_batch(self, ids: list[uuid.UUID], fingerprints: dict[uuid.UUID, str]) -> None:
        views = self._views(ids)
        ids = [i for i in ids if i not in self.unprojectable]
        for course_id, view in views.items():
            self.expected_ids.add(course_id)
            members = dict(view.listing_entries)
            self.listed[course_id] = _Listed(
                view.document.category_slug,
                view.document.level,
                tuple(members[listing_suffix(None, None, sort)] for sort in SORTS),
            )
        for name in self.active:
            if name != CATEGORIES:
                self.report.checked[name] = self.report.checked.get(name, 0) + len(views)
        if self.search_version is not None:
            self.report.checked[SEARCH] = self.report.checked.get(SEARCH, 0) + len(views)
        self.suspects.update(course_id for _, course_id, _ in self._course_problems(ids, views, fingerprints))

    def _compare_extras(self, fingerprints: dict[uuid.UUID, str]) -> None:
        """Courses a projection holds that the source does not publish (and fields that are no course)."""
        stored: set[uuid.UUID] = set(fingerprints)
        for name, version in self.active.items():
            if name == CATEGORIES:
                continue
            for key in self.rt.store.keys_of(name, version):
                try:
                    stored.add(uuid.UUID(key))
                except ValueError:
                    self._differ(name, key, NOT_A_COURSE)
        self.suspects |= stored - self.expected_ids - self.pending - set(self.unprojectable)

    def _recheck(self) -> None:
        """Compares the suspects once more, reading source and projections afresh: only what is still
        wrong (and not pending by now) is a difference."""
        if not self.suspects:
            return
        time.sleep(0.2)
        pending = self.rt.backlog.pending()
        ids = sorted(self.suspects - pending - set(self.unprojectable))
        self.pending |= self.suspects & pending
        fingerprints = self.rt.engine.fingerprints() if self.search_version is not None else {}
        for start in range(0, len(ids), 1000):
            batch = ids[start : start + 1000]
            for name, course_id, problem in self._course_problems(batch, self._views(batch), fingerprints):
                self._differ(name, course_id, problem)

    # -- listings and categories ---------------------------------------------------------------------------

    def _expected_listings(self) -> dict[str, set[str]]:
        groups: dict[tuple[str, str], list[tuple[str, ...]]] = defaultdict(list)
        for listed in self.listed.values():
            groups[(listed.category, listed.level)].append(listed.members)
        expected: dict[str, set[str]] = defaultdict(set)
        for (category, level), member_lists in groups.items():
            for index, sort in enumerate(SORTS):
                members = {members[index] for members in member_lists}
                for c in (None, category):
                    for lv in (None, level):
                        expected[listing_suffix(c, lv, sort)] |= members
        return expected

    def _compare_listings(self) -> None:
        if LISTINGS not in self.active:
            return
        version = self.active[LISTINGS]
        prefix = self.rt.store.keys.listing_prefix(version)
        expected = self._expected_listings()
        actual_keys = {key[len(prefix) :] for key in self.rt.store.listing_keys(version)}
        skip = {str(i) for i in self.pending | set(self.unprojectable)}
        checked = 0
        for suffix in sorted(set(expected) | actual_keys):
            found = {m.decode() for m in self.rt.redis.zrange(prefix + suffix, 0, -1)}
            found = {m for m in found if member_course_id(m) not in skip}
            wanted = {m for m in expected.get(suffix, set()) if member_course_id(m) not in skip}
            checked += len(wanted)
            missing, unexpected = wanted - found, found - wanted
            if missing or unexpected:
                self._differ(LISTINGS, suffix, f"{len(missing)} entries missing, {len(unexpected)} unexpected")
        self.report.checked[f"{LISTINGS} entries"] = checked

    def _compare_categories(self) -> None:
        if CATEGORIES not in self.active:
            return
        if self.rt.redis.exists(self.rt.backlog.keys.categories_dirty):
            return  # a recount is on its way
        expected = categories_view(self.rt.source.category_counts())
        stored = self.rt.redis.get(self.rt.store.keys.data(CATEGORIES, self.active[CATEGORIES]))
        self.report.checked[CATEGORIES] = 1
        if stored != expected:
            self._differ(CATEGORIES, CATEGORIES, "course counts or names differ from the source")


def _what_differs(stored: bytes, expected: bytes, shown: int = 3) -> str:
    """The top-level fields that differ, stored value first (what an operator needs to see why)."""
    try:
        old, new = json.loads(stored), json.loads(expected)
    except ValueError:
        return "not JSON"
    if not (isinstance(old, dict) and isinstance(new, dict)):
        return "the list differs"
    fields = [k for k in dict.fromkeys([*new, *old]) if old.get(k) != new.get(k)]
    described = [f"{k} {str(old.get(k))[:40]!r} ≠ {str(new.get(k))[:40]!r}" for k in fields[:shown]]
    return ", ".join(described) + (f" (+{len(fields) - shown} more)" if len(fields) > shown else "")


def _repair(rt: Runtime, report: VerifyReport) -> int:
    """Fixes what ``report`` found, as the one refresher; returns how many things it re-wrote."""
    course_ids = {d.course_id for d in report.differences if d.course_id is not None}
    active = {n: str(v) for n, v in rt.store.active().items() if n in REDIS_PROJECTIONS}
    search = rt.engine.active_version()
    if search is not None:
        active[SEARCH] = search.name
    repaired = 0
    with rt.as_refresher():
        for difference in report.differences:
            if difference.problem == NOT_A_COURSE and difference.projection in active:
                repaired += rt.redis.hdel(
                    rt.store.keys.data(difference.projection, int(active[difference.projection])), difference.key
                )
        ids = sorted(course_ids)
        for start in range(0, len(ids), 1000):
            batch = ids[start : start + 1000]
            failed = rt.projector.project_into(active, batch)
            for course_id, error in failed.items():
                rt.backlog.park(course_id, error)  # cannot be made right from here: status shows it
            repaired += len(batch) - len(failed)
        if LISTINGS in active and any(d.projection == LISTINGS and d.course_id is None for d in report.differences):
            repaired += _repair_listings(rt, int(active[LISTINGS]))
        if CATEGORIES in active:
            rt.projector.refresh_categories({CATEGORIES: int(active[CATEGORIES])})
            repaired += 1
    return repaired


def _repair_listings(rt: Runtime, version: int) -> int:
    """Re-derives every listing set from the per-course entries (``members``), which the course repair
    just made right: removes what no course claims, adds what is claimed but absent."""
    prefix = rt.store.keys.listing_prefix(version)
    claimed: dict[str, set[str]] = defaultdict(set)
    for _, value in rt.redis.hscan_iter(rt.store.keys.data(LISTINGS, version)):
        for suffix, member in json.loads(value):
            claimed[suffix].add(member)
    fixed = 0
    keys = {key[len(prefix) :] for key in rt.store.listing_keys(version)} | set(claimed)
    for suffix in keys:
        found = {m.decode() for m in rt.redis.zrange(prefix + suffix, 0, -1)}
        extra, absent = found - claimed.get(suffix, set()), claimed.get(suffix, set()) - found
        if extra:
            rt.redis.zrem(prefix + suffix, *extra)
        if absent:
            rt.redis.zadd(prefix + suffix, dict.fromkeys(absent, 0))
        fixed += bool(extra or absent)
    return fixed
