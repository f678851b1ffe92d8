"""Catalog's course commands: create, edit, publish, unpublish -- and the locking every change goes through;
and an admin's renaming of a category.

Every change to a course, its modules or its lessons is one transaction that first locks the course row
(``_locked_course``) and then bumps ``courses.version`` by exactly one, so concurrent changes to one course
run one after another and versions never repeat or skip. A change that changes nothing bumps nothing and
records nothing. Another teacher's course is "not found", never "forbidden": its existence is not revealed.
"""

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from write import outbox
from write.catalog import events
from write.catalog.models import Category, Course, Lesson
from write.catalog.models import outbox as catalog_outbox
from write.catalog.schemas import CourseIn, CoursePatch
from write.context import CommandContext
from write.errors import Conflict, InvalidInput, NotFound

DOMAIN = "catalog"


def now() -> datetime:
    return datetime.now(UTC)


async def locked_course(session: AsyncSession, course_id: uuid.UUID, teacher_id: uuid.UUID) -> Course:
    """The caller's course, row-locked until the transaction ends; NotFound when missing or not theirs."""
    course = await session.scalar(
        select(Course)
        .options(joinedload(Course.category, innerjoin=True))
        .where(Course.id == course_id, Course.teacher_id == teacher_id)
        .with_for_update(of=Course)
    )
    if course is None:
        raise NotFound("No course with this id.")
    return course


async def record(session: AsyncSession, event: events.CourseEvent | events.CategoryEvent) -> None:
    """Writes the pending rows, then the event: a command that fails anywhere leaves neither."""
    await session.flush()
    await outbox.record(session, catalog_outbox, event)


def bump(course: Course) -> int:
    """One more change to the course (safe: the caller holds its row lock)."""
    course.version += 1
    course.updated_at = now()
    return course.version


async def has_lessons(session: AsyncSession, course_id: uuid.UUID, besides_module: uuid.UUID | None = None) -> bool:
    condition = Lesson.course_id == course_id
    if besides_module is not None:
        condition &= Lesson.module_id != besides_module
    return bool(await session.scalar(select(exists().where(condition))))


async def _category(session: AsyncSession, slug: str) -> Category:
    """The category row, share-locked: a rename waits for this transaction, and this one for a rename in
    flight, so a course's event never carries a name older than a ``CategoryRenamed`` recorded before it."""
    category = await session.scalar(select(Category).where(Category.slug == slug).with_for_update(read=True))
    if category is None:
        raise InvalidInput(
            f"There is no category {slug!r}; GET /categories lists them.",
            code="unknown_category",
            details=[{"loc": ["body", "category"], "msg": "unknown category", "type": "unknown_category"}],
        )
    return category


async def create_course(ctx: CommandContext, teacher_id: uuid.UUID, body: CourseIn) -> Course:
    created = now()
    async with ctx.databases.transaction(DOMAIN) as session:
        category = await _category(session, body.category)
        course = Course(
            id=uuid.uuid4(),
            teacher_id=teacher_id,
            title=body.title,
            description=body.description,
            category=category,
            level=body.level,
            price=body.price,
            currency=ctx.settings.currency,
            language=body.language,
            status="draft",
            version=1,
            created_at=created,
            updated_at=created,
        )
        session.add(course)
        await record(session, _created(course))
    return course


def _created(course: Course) -> events.CourseCreated:
    return events.CourseCreated(
        aggregate_id=course.id,
        aggregate_version=course.version,
        teacher_id=course.teacher_id,
        title=course.title,
        description=course.description,
        category=course.category.slug,
        category_name=course.category.name,
        level=course.level,
        price=course.price,
        currency=course.currency,
        language=course.language,
        status=course.status,
        created_at=course.created_at,
    )


async def rename_category(ctx: CommandContext, slug: str, name: str) -> Category:
    """Renames the category's row (the slug stays); the same name again changes nothing and records nothing."""
    async with ctx.databases.transaction(DOMAIN) as session:
        category = await session.scalar(select(Category).where(Category.slug == slug).with_for_update())
        if category is None:
            raise NotFound("No category with this slug.")
        if category.name == name:
            return category
        category.name = name
        await record(
            session, events.CategoryRenamed(aggregate_id=events.category_aggregate_id(slug), slug=slug, name=name)
        )
        return category


async def update_course(ctx: CommandContext, teacher_id: uuid.UUID, course_id: uuid.UUID, body: CoursePatch) -> Course:
    async with ctx.databases.transaction(DOMAIN) as session:
        course = await locked_course(session, course_id, teacher_id)
        changes = await _apply_course_changes(session, course, body.given())
        if changes:
            bump(course)
            await record(
                session, events.CourseUpdated(aggregate_id=course.id, aggregate_version=course.version, changes=changes)
            )
    return course


async def _apply_course_changes(session: AsyncSession, course: Course, given: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for field, value in given.items():
        if field == "category":
            if value != course.category.slug:
                course.category = await _category(session, value)
                changes |= {"category": course.category.slug, "category_name": course.category.name}
        elif getattr(course, field) != value:  # Decimal("10") == Decimal("10.00"): same price, no change
            setattr(course, field, value)
            changes[field] = value
    return changes


async def publish(ctx: CommandContext, teacher_id: uuid.UUID, course_id: uuid.UUID) -> Course:
    """Publishing a published course changes nothing; a course without lessons cannot be published."""
    async with ctx.databases.transaction(DOMAIN) as session:
        course = await locked_course(session, course_id, teacher_id)
        if course.status == "published":
            return course
        if not await has_lessons(session, course.id):
            raise Conflict("Add at least one lesson before publishing.", code="course_has_no_lessons")
        course.status = "published"
        course.published_at = course.published_at or now()
        bump(course)
        await record(
            session,
            events.CoursePublished(
                aggregate_id=course.id, aggregate_version=course.version, published_at=course.published_at
            ),
        )
    return course


async def unpublish(ctx: CommandContext, teacher_id: uuid.UUID, course_id: uuid.UUID) -> Course:
    """Unpublishing a course that is not published changes nothing."""
    async with ctx.databases.transaction(DOMAIN) as session:
        course = await locked_course(session, course_id, teacher_id)
        if course.status != "published":
            return course
        course.status = "unpublished"
        bump(course)
        await record(session, events.CourseUnpublished(aggregate_id=course.id, aggregate_version=course.version))
    return course
