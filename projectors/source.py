"""What the projections are built from: the write side's tables, read set-based.

Every projection of a course is rebuilt from the source of truth rather than patched event by event
(docs/adr/0008-projections.md), so this is the only place that knows the write side's schema. One call
reads a whole batch of courses with one query per table, whatever the batch size: the catalog row with its
category, modules, lessons, the teachers' and reviewers' names (identity), review counts, sums and the
newest reviews (review), enrollment counts (enrollment). Each domain's database is reached through its
own URL, so the domains may live on different servers.
"""

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

import psycopg

from projectors.connections import DomainConnections
from projectors.layout import RECENT_REVIEWS
from write.settings import WriteSettings


# Ids of modules and lessons come as text (``::text`` in the query): they only ever end up in JSON, and a
# rebuild reads 1.4 million lessons -- building a UUID object for each costs more than the query.
class LessonRow(NamedTuple):
    id: str
    title: str
    duration_minutes: int
    is_preview: bool
    position: int


class ModuleRow(NamedTuple):
    id: str
    title: str
    position: int
    lessons: list[LessonRow]


@dataclass(frozen=True)
class ReviewRow:
    rating: int
    text: str
    author_name: str
    created_at: datetime


@dataclass
class CourseSource:
    """Everything the projections of one published course are made of."""

    id: uuid.UUID
    teacher_id: uuid.UUID
    teacher_name: str
    title: str
    description: str
    category_slug: str
    category_name: str
    level: str
    price: Decimal
    currency: str
    language: str
    version: int
    updated_at: datetime
    published_at: datetime
    modules: list[ModuleRow] = field(default_factory=list)
    review_count: int = 0
    rating_sum: int = 0
    enrollment_count: int = 0
    recent_reviews: list[ReviewRow] = field(default_factory=list)


@dataclass(frozen=True)
class CategoryCount:
    slug: str
    name: str
    course_count: int


_COURSES = """
SELECT c.id, c.teacher_id, c.title, c.description, cat.slug, cat.name, c.level, c.price, c.currency,
       c.language, c.version, c.updated_at, c.published_at
FROM courses c JOIN categories cat ON cat.id = c.category_id
WHERE c.status = 'published' AND c.id = ANY(%(ids)s)
"""
_COURSE_IDS_AFTER = """
SELECT id FROM courses WHERE status = 'published' AND id > %(after)s ORDER BY id LIMIT %(limit)s
"""
_MODULES = """
SELECT course_id, id::text, title, position FROM modules WHERE course_id = ANY(%(ids)s) ORDER BY position
"""
_LESSONS = """
SELECT module_id::text, id::text, title, duration_minutes, is_preview, position FROM lessons
WHERE course_id = ANY(%(ids)s) ORDER BY position
"""
_NAMES = "SELECT id, name FROM users WHERE id = ANY(%(ids)s)"
_REVIEW_TOTALS = """
SELECT course_id, count(*), sum(rating) FROM reviews WHERE course_id = ANY(%(ids)s) GROUP BY course_id
"""
_RECENT_REVIEWS = f"""
SELECT r.course_id, r.student_id, r.rating, r.text, r.created_at
FROM unnest(%(ids)s::uuid[]) AS wanted(course_id)
CROSS JOIN LATERAL (
    SELECT course_id, student_id, rating, text, created_at FROM reviews
    WHERE reviews.course_id = wanted.course_id ORDER BY created_at DESC, id DESC LIMIT {RECENT_REVIEWS}
) r
"""
_ENROLLMENTS = "SELECT course_id, count(*) FROM enrollments WHERE course_id = ANY(%(ids)s) GROUP BY course_id"
_CATEGORY_COUNTS = """
SELECT cat.slug, cat.name, count(c.id)
FROM categories cat LEFT JOIN courses c ON c.category_id = cat.id AND c.status = 'published'
GROUP BY cat.id ORDER BY cat.id
"""
_TEACHER_COURSES = "SELECT id FROM courses WHERE teacher_id = %(id)s"
_CATEGORY_COURSES = """
SELECT c.id FROM courses c JOIN categories cat ON cat.id = c.category_id WHERE cat.slug = %(slug)s
"""
_REVIEWED_COURSES = "SELECT course_id FROM reviews WHERE student_id = %(id)s"


class SourceReader:
    """Reads courses from the write side. Holds one autocommit connection per source database, reopened
    after a failure; not for use by two threads at once."""

    def __init__(self, settings: WriteSettings) -> None:
        self._connections = DomainConnections(settings, autocommit=True, connect_timeout=10)

    def _rows(self, domain: str, sql: str, params: dict) -> list[tuple]:
        try:
            with self._connections.get(domain).cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        except psycopg.OperationalError:
            self._connections.drop(domain)
            raise

    def close(self) -> None:
        self._connections.close()

    # -- courses --------------------------------------------------------------------------------------

    def courses(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, CourseSource]:
        """The published ones among ``ids`` (a course missing from the answer is not published)."""
        ids = list(ids)
        if not ids:
            return {}
        # The teacher's name comes from identity, below.
        courses = {
            row[0]: CourseSource(row[0], row[1], "", *row[2:]) for row in self._rows("catalog", _COURSES, {"ids": ids})
        }
        if not courses:
            return courses
        published = list(courses)
        modules: dict[str, ModuleRow] = {}
        for course_id, module_id, title, position in self._rows("catalog", _MODULES, {"ids": published}):
            module = ModuleRow(module_id, title, position, [])
            modules[module_id] = module
            courses[course_id].modules.append(module)
        make_lesson = LessonRow._make
        for row in self._rows("catalog", _LESSONS, {"ids": published}):
            modules[row[0]].lessons.append(make_lesson(row[1:]))
        for course_id, count, total in self._rows("review", _REVIEW_TOTALS, {"ids": published}):
            courses[course_id].review_count, courses[course_id].rating_sum = count, int(total)
        for course_id, count in self._rows("enrollment", _ENROLLMENTS, {"ids": published}):
            courses[course_id].enrollment_count = count
        recent = self._rows("review", _RECENT_REVIEWS, {"ids": published})
        people = {course.teacher_id for course in courses.values()} | {row[1] for row in recent}
        names = dict(self._rows("identity", _NAMES, {"ids": list(people)}))
        for course in courses.values():
            course.teacher_name = names.get(course.teacher_id, "")
        for course_id, student_id, rating, text, created_at in recent:  # newest first per course
            courses[course_id].recent_reviews.append(ReviewRow(rating, text, names.get(student_id, ""), created_at))
        return courses

    def readable_courses(self, ids: Sequence[uuid.UUID]) -> tuple[dict[uuid.UUID, CourseSource], dict[uuid.UUID, str]]:
        """``courses(ids)``, and the courses whose rows the driver cannot load (a date PostgreSQL holds and
        Python cannot, e.g. 'infinity' or past year 9999) with their error. Such a row fails the whole
        set-based read: the batch is then read course by course, so one bad course holds back no other."""
        ids = list(ids)
        try:
            return self.courses(ids), {}
        except psycopg.DataError as error:
            if len(ids) == 1:
                return {}, {ids[0]: f"{type(error).__name__}: {error}"}
        sources: dict[uuid.UUID, CourseSource] = {}
        failed: dict[uuid.UUID, str] = {}
        for course_id in ids:
            try:
                sources |= self.courses([course_id])
            except psycopg.DataError as error:
                failed[course_id] = f"{type(error).__name__}: {error}"
        return sources, failed

    def published_ids(self, batch_size: int) -> Iterator[list[uuid.UUID]]:
        """Every published course id, in id order, ``batch_size`` at a time (keyset pagination)."""
        after = uuid.UUID(int=0)
        while True:
            batch = [row[0] for row in self._rows("catalog", _COURSE_IDS_AFTER, {"after": after, "limit": batch_size})]
            if not batch:
                return
            yield batch
            after = batch[-1]

    def published_count(self) -> int:
        return self._rows("catalog", "SELECT count(*) FROM courses WHERE status = 'published'", {})[0][0]

    def category_counts(self) -> list[CategoryCount]:
        return [CategoryCount(*row) for row in self._rows("catalog", _CATEGORY_COUNTS, {})]

    # -- fan-out: which courses show a person or a category -----------------------------------------

    def courses_of_teacher(self, user_id: uuid.UUID) -> list[uuid.UUID]:
        return [row[0] for row in self._rows("catalog", _TEACHER_COURSES, {"id": user_id})]

    def courses_reviewed_by(self, user_id: uuid.UUID) -> list[uuid.UUID]:
        return [row[0] for row in self._rows("review", _REVIEWED_COURSES, {"id": user_id})]

    def courses_in_category(self, slug: str) -> list[uuid.UUID]:
        return [row[0] for row in self._rows("catalog", _CATEGORY_COURSES, {"slug": slug})]
