"""Enrollment's tables: enrollments, lesson progress and enrollment's outbox.

``student_id``, ``course_id``, ``payment_id`` and lesson ids are owned by other domains and kept as plain
UUIDs (their rows live in other databases). Enrollment keeps no copy of catalog's facts: commands ask
``write.catalog.public`` when they run, so price, publication and the curriculum are always current.
"""

import uuid
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    String,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from write.outbox import outbox_table

ENROLLMENT_STATUSES = ("active", "completed")


class Base(DeclarativeBase):
    pass


class Enrollment(Base):
    __tablename__ = "enrollments"
    __table_args__ = (
        # "Enrolling twice -> 409" is this constraint, so two racing requests cannot both succeed.
        UniqueConstraint("student_id", "course_id", name="uq_enrollments_student_course"),
        # A payment buys one enrollment; free courses have none (NULLs never collide).
        UniqueConstraint("payment_id", name="uq_enrollments_payment_id"),
        CheckConstraint("status IN ('active', 'completed')", name="status_known"),
        CheckConstraint("(status = 'completed') = (completed_at IS NOT NULL)", name="completed_at_matches_status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    student_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    # Owned by catalog (another database): asked through write.catalog.public when a command runs.
    course_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    payment_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(16))
    enrolled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LessonProgress(Base):
    """A lesson a student completed. ``lesson_id`` is catalog's: progress outlives a deleted lesson, and
    the percentage counts only lessons the course still has."""

    __tablename__ = "lesson_progress"

    enrollment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enrollments.id", ondelete="CASCADE"), primary_key=True)
    lesson_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


outbox = outbox_table(Base.metadata)
