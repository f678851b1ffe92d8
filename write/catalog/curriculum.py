"""Catalog's curriculum commands: add, edit, move and remove a course's modules and lessons.

Same rules as the course commands (``write.catalog.commands``): lock the course row first, one version per
change, one event per change, nothing for a no-op. Positions stay 1..n per parent (``positions``).
A published course always keeps at least one lesson: removing its last one is a 409 (unpublish first).
"""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from write.catalog import events, positions
from write.catalog.commands import DOMAIN, bump, has_lessons, locked_course, now, record
from write.catalog.models import Course, Lesson, Module
from write.catalog.schemas import LessonIn, LessonOut, LessonPatch, ModuleIn, ModuleOut, ModulePatch
from write.context import CommandContext
from write.errors import Conflict, InvalidInput, NotFound

_KEEP_A_LESSON = "A published course keeps at least one lesson; unpublish it first."


async def _modules(session: AsyncSession, course_id: uuid.UUID) -> list[Module]:
    return list(await session.scalars(select(Module).where(Module.course_id == course_id).order_by(Module.position)))


async def _lessons(session: AsyncSession, module_id: uuid.UUID) -> list[Lesson]:
    return list(await session.scalars(select(Lesson).where(Lesson.module_id == module_id).order_by(Lesson.position)))


async def _lock_module(session: AsyncSession, module_id: uuid.UUID, teacher_id: uuid.UUID) -> tuple[Course, Module]:
    course_id = await session.scalar(
        select(Module.course_id).join(Course).where(Module.id == module_id, Course.teacher_id == teacher_id)
    )
    if course_id is None:
        raise NotFound("No module with this id.")
    course = await locked_course(session, course_id, teacher_id)
    # Read again under the lock: a command that held it before us may have just removed the module.
    module = await session.scalar(select(Module).where(Module.id == module_id, Module.course_id == course_id))
    if module is None:
        raise NotFound("No module with this id.")
    return course, module


async def _lock_lesson(session: AsyncSession, lesson_id: uuid.UUID, teacher_id: uuid.UUID) -> tuple[Course, Lesson]:
    course_id = await session.scalar(
        select(Lesson.course_id).join(Course).where(Lesson.id == lesson_id, Course.teacher_id == teacher_id)
    )
    if course_id is None:
        raise NotFound("No lesson with this id.")
    course = await locked_course(session, course_id, teacher_id)
    lesson = await session.scalar(select(Lesson).where(Lesson.id == lesson_id, Lesson.course_id == course_id))
    if lesson is None:
        raise NotFound("No lesson with this id.")
    return course, lesson


def _module_out(module: Module, course: Course) -> ModuleOut:
    return ModuleOut(
        id=module.id, course_id=course.id, course_version=course.version, title=module.title, position=module.position
    )


def _lesson_out(lesson: Lesson, course: Course) -> LessonOut:
    return LessonOut(
        id=lesson.id,
        course_id=course.id,
        module_id=lesson.module_id,
        course_version=course.version,
        title=lesson.title,
        content=lesson.content,
        video_url=lesson.video_url,
        duration_minutes=lesson.duration_minutes,
        is_preview=lesson.is_preview,
        position=lesson.position,
    )


async def add_module(ctx: CommandContext, teacher_id: uuid.UUID, course_id: uuid.UUID, body: ModuleIn) -> ModuleOut:
    async with ctx.databases.transaction(DOMAIN) as session:
        course = await locked_course(session, course_id, teacher_id)
        modules = await _modules(session, course.id)
        created = now()
        module = Module(id=uuid.uuid4(), course_id=course.id, title=body.title, created_at=created, updated_at=created)
        positions.place(modules, module, body.position)
        session.add(module)
        event = events.ModuleAdded(
            aggregate_id=course.id,
            aggregate_version=bump(course),
            module_id=module.id,
            title=module.title,
            position=module.position,
            module_order=positions.order(modules),
        )
        await record(session, event)
        return _module_out(module, course)


async def update_module(
    ctx: CommandContext, teacher_id: uuid.UUID, module_id: uuid.UUID, body: ModulePatch
) -> ModuleOut:
    async with ctx.databases.transaction(DOMAIN) as session:
        course, module = await _lock_module(session, module_id, teacher_id)
        changes, order = {}, None
        if body.title is not None and body.title != module.title:
            module.title = body.title
            changes["title"] = body.title
        if body.position is not None:
            modules = await _modules(session, course.id)
            if positions.move(modules, module, body.position):
                changes["position"], order = module.position, positions.order(modules)
        if changes:
            module.updated_at = now()
            event = events.ModuleUpdated(
                aggregate_id=course.id,
                aggregate_version=bump(course),
                module_id=module.id,
                changes=changes,
                module_order=order,
            )
            await record(session, event)
        return _module_out(module, course)


async def remove_module(ctx: CommandContext, teacher_id: uuid.UUID, module_id: uuid.UUID) -> int:
    """Removes the module and its lessons; returns the new course version."""
    async with ctx.databases.transaction(DOMAIN) as session:
        course, module = await _lock_module(session, module_id, teacher_id)
        lesson_ids = list(
            await session.scalars(select(Lesson.id).where(Lesson.module_id == module.id).order_by(Lesson.position))
        )
        if lesson_ids and course.status == "published" and not await has_lessons(session, course.id, module.id):
            raise Conflict(_KEEP_A_LESSON, code="last_lesson_of_published_course")
        modules = await _modules(session, course.id)
        modules.remove(module)
        await session.delete(module)  # its lessons go by ON DELETE CASCADE
        positions.renumber(modules)
        event = events.ModuleRemoved(
            aggregate_id=course.id,
            aggregate_version=bump(course),
            module_id=module.id,
            removed_lesson_ids=lesson_ids,
            module_order=positions.order(modules),
        )
        await record(session, event)
        return course.version


async def add_lesson(ctx: CommandContext, teacher_id: uuid.UUID, module_id: uuid.UUID, body: LessonIn) -> LessonOut:
    async with ctx.databases.transaction(DOMAIN) as session:
        course, module = await _lock_module(session, module_id, teacher_id)
        lessons = await _lessons(session, module.id)
        created = now()
        fields = body.model_dump(exclude={"position"})
        lesson = Lesson(
            id=uuid.uuid4(), module_id=module.id, course_id=course.id, created_at=created, updated_at=created, **fields
        )
        positions.place(lessons, lesson, body.position)
        session.add(lesson)
        event = events.LessonAdded(
            aggregate_id=course.id,
            aggregate_version=bump(course),
            lesson_id=lesson.id,
            module_id=module.id,
            position=lesson.position,
            lesson_order=positions.order(lessons),
            **fields,
        )
        await record(session, event)
        return _lesson_out(lesson, course)


async def update_lesson(
    ctx: CommandContext, teacher_id: uuid.UUID, lesson_id: uuid.UUID, body: LessonPatch
) -> LessonOut:
    async with ctx.databases.transaction(DOMAIN) as session:
        course, lesson = await _lock_lesson(session, lesson_id, teacher_id)
        given = body.given()
        target, position = given.pop("module_id", lesson.module_id), given.pop("position", None)
        changes = {field: value for field, value in given.items() if getattr(lesson, field) != value}
        for field, value in changes.items():
            setattr(lesson, field, value)
        source = lesson.module_id
        orders = await _relocate(session, lesson, target, position)
        if orders:
            if lesson.module_id != source:
                changes["module_id"] = lesson.module_id
            changes["position"] = lesson.position
        if changes:
            lesson.updated_at = now()
            event = events.LessonUpdated(
                aggregate_id=course.id,
                aggregate_version=bump(course),
                lesson_id=lesson.id,
                module_id=lesson.module_id,
                changes=changes,
                lesson_orders=orders,
            )
            await record(session, event)
        return _lesson_out(lesson, course)


async def _relocate(
    session: AsyncSession, lesson: Lesson, target: uuid.UUID, position: int | None
) -> dict[str, list[uuid.UUID]]:
    """Moves the lesson within its module, or to (the end of, or ``position`` in) another module of the
    same course. Returns the new lesson order of every module whose order changed."""
    source = lesson.module_id
    if target == source:
        if position is None:
            return {}
        siblings = await _lessons(session, source)
        return {str(source): positions.order(siblings)} if positions.move(siblings, lesson, position) else {}
    if await session.scalar(select(Module.id).where(Module.id == target, Module.course_id == lesson.course_id)) is None:
        raise InvalidInput(
            "module_id must be a module of this lesson's course.",
            code="unknown_module",
            details=[{"loc": ["body", "module_id"], "msg": "not a module of this course", "type": "unknown_module"}],
        )
    left = await _lessons(session, source)
    left.remove(lesson)
    positions.renumber(left)
    joined = await _lessons(session, target)
    lesson.module_id = target
    positions.place(joined, lesson, position)
    return {str(source): positions.order(left), str(target): positions.order(joined)}


async def remove_lesson(ctx: CommandContext, teacher_id: uuid.UUID, lesson_id: uuid.UUID) -> int:
    """Removes the lesson and closes the gap it leaves; returns the new course version."""
    async with ctx.databases.transaction(DOMAIN) as session:
        course, lesson = await _lock_lesson(session, lesson_id, teacher_id)
        siblings = await _lessons(session, lesson.module_id)
        if (
            course.status == "published"
            and len(siblings) == 1
            and not await has_lessons(session, course.id, lesson.module_id)
        ):
            raise Conflict(_KEEP_A_LESSON, code="last_lesson_of_published_course")
        siblings.remove(lesson)
        await session.delete(lesson)
        positions.renumber(siblings)
        event = events.LessonRemoved(
            aggregate_id=course.id,
            aggregate_version=bump(course),
            lesson_id=lesson.id,
            module_id=lesson.module_id,
            lesson_order=positions.order(siblings),
        )
        await record(session, event)
        return course.version
