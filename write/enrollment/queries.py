"""Enrollment's reads for the command side: a student's enrollments with their progress.

Progress is always measured against the course's *current* lessons (asked from catalog), so when a teacher
adds a lesson the percent drops, and when one is removed, completions of it stop counting.
"""

import uuid
from collections.abc import Iterable

from sqlalchemy import select

from write.catalog import public as catalog
from write.context import CommandContext
from write.enrollment.models import Enrollment, LessonProgress
from write.enrollment.schemas import MyEnrollment

DOMAIN = "enrollment"


def progress_percent(completed: Iterable[uuid.UUID], current: set[uuid.UUID]) -> int:
    """Floored, so 100 means every current lesson is done; a course without lessons is at 0."""
    if not current:
        return 0
    return len(current.intersection(completed)) * 100 // len(current)


async def my_enrollments(ctx: CommandContext, student_id: uuid.UUID) -> list[MyEnrollment]:
    """The student's enrollments, newest first."""
    async with ctx.databases.transaction(DOMAIN) as session:
        enrollments = (
            await session.scalars(
                select(Enrollment)
                .where(Enrollment.student_id == student_id)
                .order_by(Enrollment.enrolled_at.desc(), Enrollment.id.desc())
            )
        ).all()
        completed: dict[uuid.UUID, set[uuid.UUID]] = {enrollment.id: set() for enrollment in enrollments}
        rows = await session.execute(
            select(LessonProgress.enrollment_id, LessonProgress.lesson_id).where(
                LessonProgress.enrollment_id.in_(completed)
            )
        )
        for enrollment_id, lesson_id in rows:
            completed[enrollment_id].add(lesson_id)
    # One question to catalog for every course, after enrollment's own transaction has ended.
    lessons = await catalog.current_lesson_ids(ctx, (enrollment.course_id for enrollment in enrollments))
    return [_mine(enrollment, completed[enrollment.id], lessons[enrollment.course_id]) for enrollment in enrollments]


def _mine(enrollment: Enrollment, completed: set[uuid.UUID], current: set[uuid.UUID]) -> MyEnrollment:
    return MyEnrollment(
        id=enrollment.id,
        course_id=enrollment.course_id,
        status=enrollment.status,
        progress_percent=progress_percent(completed, current),
        completed_lessons=len(completed & current),
        total_lessons=len(current),
        enrolled_at=enrollment.enrolled_at,
        completed_at=enrollment.completed_at,
    )
