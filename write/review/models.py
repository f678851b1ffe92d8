"""Review's tables: one review per student and course, and review's outbox."""

import uuid
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Index,
    Integer,
    SmallInteger,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from write.outbox import outbox_table

MAX_REVIEW_TEXT = 5000


class Base(DeclarativeBase):
    pass


class Review(Base):
    """A student's rating of a course; ``course_id`` and ``student_id`` belong to other domains (no FKs)."""

    __tablename__ = "reviews"
    __table_args__ = (
        # "A second review of the same course -> 409" is this constraint, so two racing requests cannot both win.
        UniqueConstraint("course_id", "student_id", name="uq_reviews_course_student"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
        CheckConstraint(f"char_length(text) BETWEEN 1 AND {MAX_REVIEW_TEXT}", name="text_length"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    course_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    student_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    rating: Mapped[int] = mapped_column(SmallInteger)
    text: Mapped[str] = mapped_column(Text)
    # 1 when posted, +1 per edit (under the row lock); events carry it as ``aggregate_version`` so a
    # projection applies a review's edits in order and ignores a late or repeated one.
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


# A course's reviews newest first, with id as the tie-breaker for stable keyset pages.
Index("ix_reviews_course_newest", Review.course_id, Review.created_at.desc(), Review.id)

outbox = outbox_table(Base.metadata)
