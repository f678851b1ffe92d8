"""Catalog's public query interface: the only way other domains learn about courses and lessons.

Enrollment, payment and review import this module, never catalog's tables. If catalog moved to its own
server this module would become a client of catalog's internal API, with the same signatures
(docs/architecture.md, "Cross-domain checks").
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from write.catalog.models import Course, Lesson
from write.context import CommandContext

DOMAIN = "catalog"


@dataclass(frozen=True)
class CourseFacts:
    id: uuid.UUID
    teacher_id: uuid.UUID
    title: str
    price: Decimal
    currency: str
    is_published: bool
    version: int

    @property
    def is_free(self) -> bool:
        return self.price == 0


@dataclass(frozen=True)
class LessonFacts:
    id: uuid.UUID
    course_id: uuid.UUID
    is_preview: bool


async def course_facts(ctx: CommandContext, course_id: uuid.UUID) -> CourseFacts | None:
    async with ctx.databases.transaction(DOMAIN) as session:
        course = await session.get(Course, course_id)
    if course is None:
        return None
    return CourseFacts(
        id=course.id,
        teacher_id=course.teacher_id,
        title=course.title,
        price=course.price,
        currency=course.currency,
        is_published=course.status == "published",
        version=course.version,
    )


async def lesson_facts(ctx: CommandContext, lesson_id: uuid.UUID) -> LessonFacts | None:
    async with ctx.databases.transaction(DOMAIN) as session:
        row = (
            await session.execute(select(Lesson.course_id, Lesson.is_preview).where(Lesson.id == lesson_id))
        ).one_or_none()
    return None if row is None else LessonFacts(id=lesson_id, course_id=row.course_id, is_preview=row.is_preview)


async def current_lesson_ids(ctx: CommandContext, course_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, set[uuid.UUID]]:
    """The lessons each course has now (progress is measured against these, so edits move the percent)."""
    wanted = list(set(course_ids))
    lessons: dict[uuid.UUID, set[uuid.UUID]] = {course_id: set() for course_id in wanted}
    if not wanted:
        return lessons
    async with ctx.databases.transaction(DOMAIN) as session:
        rows = await session.execute(select(Lesson.course_id, Lesson.id).where(Lesson.course_id.in_(wanted)))
        for course_id, lesson_id in rows:
            lessons[course_id].add(lesson_id)
    return lessons
