"""Enrollment's public query interface for other domains (review, lesson access): never its tables."""

import uuid

from sqlalchemy import exists, select

from write.context import CommandContext
from write.enrollment.models import Enrollment

DOMAIN = "enrollment"


async def is_enrolled(ctx: CommandContext, student_id: uuid.UUID, course_id: uuid.UUID) -> bool:
    """True when the student is enrolled in the course (active or completed)."""
    async with ctx.databases.transaction(DOMAIN) as session:
        condition = (Enrollment.student_id == student_id) & (Enrollment.course_id == course_id)
        return bool(await session.scalar(select(exists().where(condition))))
