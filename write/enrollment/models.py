"""Enrollment's tables: enrollments and lesson progress, enrollment's copy of catalog facts, and its outbox.

``student_id``, ``payment_id`` and lesson ids are owned by other domains and kept as plain UUIDs (their rows
live in other databases); the foreign keys here stay inside enrollment's own database.
"""

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Numeric,
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


class CourseFacts(Base):
    """What enrollment needs to know about a course, copied from catalog's events.

    Enrollment must not read catalog's tables (another database, maybe another server), yet it decides
    "unpublished -> 404" and "paid -> needs a payment" and who the teacher is. Catalog's events keep this
    copy current; ``version`` is the course version last applied, so late or repeated events are ignored.
    """

    __tablename__ = "course_facts"
    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("version >= 0", name="version_not_negative"),
    )

    course_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    teacher_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    is_published: Mapped[bool]
    version: Mapped[int]


class CourseLesson(Base):
    """A lesson of a course, copied from catalog's events: which lessons count towards progress."""

    __tablename__ = "course_lessons"

    lesson_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("course_facts.course_id", ondelete="CASCADE"), index=True)


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
    # Only courses enrollment has heard of can be enrolled in; facts are never deleted (unpublish is a flag).
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("course_facts.course_id"), index=True)
    payment_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(16))
    enrolled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LessonProgress(Base):
    """A lesson a student completed. No FK to ``course_lessons``: progress outlives a deleted lesson, and
    the percentage counts only lessons the course still has."""

    __tablename__ = "lesson_progress"

    enrollment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enrollments.id", ondelete="CASCADE"), primary_key=True)
    lesson_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


outbox = outbox_table(Base.metadata)
