"""Catalog's tables: categories, courses, their modules and lessons, and catalog's outbox.

``teacher_id`` is identity's user id, kept as a plain UUID (identity's rows live in another database).
Positions are 1..n within their parent; their uniqueness is checked at commit (DEFERRABLE INITIALLY
DEFERRED), so a reorder may pass through duplicates inside its transaction.
"""

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    CHAR,
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Index,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from write.outbox import outbox_table

LEVELS = ("beginner", "intermediate", "advanced")
STATUSES = ("draft", "published", "unpublished")


class Base(DeclarativeBase):
    pass


class Category(Base):
    __tablename__ = "categories"
    __table_args__ = (CheckConstraint("slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'", name="categories_slug_format"),)

    id: Mapped[int] = mapped_column(SmallInteger, Identity(), primary_key=True)
    slug: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(100))


class Course(Base):
    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint("level IN ('beginner', 'intermediate', 'advanced')", name="courses_level_known"),
        CheckConstraint("status IN ('draft', 'published', 'unpublished')", name="courses_status_known"),
        CheckConstraint("price BETWEEN 0 AND 10000", name="courses_price_range"),
        CheckConstraint("currency ~ '^[A-Z]{3}$'", name="courses_currency_iso4217"),
        CheckConstraint("language ~ '^[a-z]{2}$'", name="courses_language_iso639_1"),
        CheckConstraint("version >= 1", name="courses_version_positive"),
        CheckConstraint("char_length(title) BETWEEN 3 AND 200", name="courses_title_length"),
        CheckConstraint("char_length(description) <= 20000", name="courses_description_length"),
        # A course that was ever published keeps the moment it first went live.
        CheckConstraint("status = 'draft' OR published_at IS NOT NULL", name="courses_published_at_set"),
        # GET /me/courses: a teacher's courses, newest first (scanned backwards).
        Index("ix_courses_teacher_created", "teacher_id", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    teacher_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, server_default=text("''"))
    category_id: Mapped[int] = mapped_column(SmallInteger, ForeignKey("categories.id"))
    level: Mapped[str] = mapped_column(String(16))
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    currency: Mapped[str] = mapped_column(CHAR(3))
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(16), server_default=text("'draft'"))
    version: Mapped[int] = mapped_column(server_default=text("1"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # Loaded explicitly (joinedload) where needed; an accidental lazy load is a bug in async code.
    category: Mapped[Category] = relationship(lazy="raise")


class Module(Base):
    __tablename__ = "modules"
    __table_args__ = (
        UniqueConstraint(
            "course_id", "position", name="modules_course_position_unique", deferrable=True, initially="DEFERRED"
        ),
        # The target of lessons' (module_id, course_id) foreign key: a lesson's course is its module's course.
        UniqueConstraint("id", "course_id", name="modules_id_course_unique"),
        CheckConstraint("position >= 1", name="modules_position_positive"),
        CheckConstraint("char_length(title) BETWEEN 1 AND 200", name="modules_title_length"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Lesson(Base):
    __tablename__ = "lessons"
    __table_args__ = (
        ForeignKeyConstraint(
            ["module_id", "course_id"],
            ["modules.id", "modules.course_id"],
            ondelete="CASCADE",
            name="lessons_module_in_course_fkey",
        ),
        UniqueConstraint(
            "module_id", "position", name="lessons_module_position_unique", deferrable=True, initially="DEFERRED"
        ),
        CheckConstraint("position >= 1", name="lessons_position_positive"),
        CheckConstraint("duration_minutes BETWEEN 0 AND 1440", name="lessons_duration_range"),
        CheckConstraint("char_length(title) BETWEEN 1 AND 200", name="lessons_title_length"),
        CheckConstraint("char_length(content) <= 100000", name="lessons_content_length"),
        CheckConstraint("video_url IS NULL OR video_url ~* '^https?://'", name="lessons_video_url_http"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    module_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    # Denormalised from the module (kept honest by the composite key above) so a course's lessons are one
    # index scan away: publishing checks, curriculum reads, "is this the last lesson".
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text, server_default=text("''"))
    video_url: Mapped[str | None] = mapped_column(String(2048))
    duration_minutes: Mapped[int]
    is_preview: Mapped[bool] = mapped_column(server_default=text("false"))
    position: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


outbox = outbox_table(Base.metadata)
