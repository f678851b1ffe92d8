"""Catalog's reads for the command side: the category list and a teacher's own drafts.

The public catalog is served by the read API from projections; these reads exist for authoring, where a
teacher must see exactly what they wrote, including drafts that are not (yet) public.
"""

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from write.catalog.models import Category, Course, Lesson, Module
from write.catalog.schemas import (
    CategoryOut,
    CourseDraft,
    CourseOut,
    CourseSummary,
    LessonDraft,
    ModuleDraft,
    TeacherCourse,
)
from write.context import CommandContext
from write.errors import NotFound

DOMAIN = "catalog"


def course_fields(course: Course) -> dict:
    """A course row as answer fields (the category as its slug, the price as a two-place decimal string)."""
    names = CourseSummary.model_fields.keys() - {"category", "price"}
    return {name: getattr(course, name) for name in names} | {
        "category": course.category.slug,
        "price": f"{course.price:.2f}",
    }


def course_out(course: Course) -> CourseOut:
    return CourseOut(**course_fields(course), description=course.description)


async def categories(ctx: CommandContext) -> list[CategoryOut]:
    async with ctx.databases.transaction(DOMAIN) as session:
        rows = await session.scalars(select(Category).order_by(Category.name))
        return [CategoryOut.model_validate(row) for row in rows]


async def course_draft(ctx: CommandContext, teacher_id: uuid.UUID, course_id: uuid.UUID) -> CourseDraft:
    async with ctx.databases.transaction(DOMAIN) as session:
        # One snapshot for the three reads, so the version matches the modules and lessons shown with it.
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        course = await session.scalar(
            select(Course)
            .options(joinedload(Course.category, innerjoin=True))
            .where(Course.id == course_id, Course.teacher_id == teacher_id)
        )
        if course is None:
            raise NotFound("No course with this id.")
        modules = await session.scalars(select(Module).where(Module.course_id == course.id).order_by(Module.position))
        modules = modules.all()
        lessons = await session.scalars(select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position))
        lessons = lessons.all()
    by_module: dict[uuid.UUID, list[LessonDraft]] = {}
    for lesson in lessons:
        by_module.setdefault(lesson.module_id, []).append(LessonDraft.model_validate(lesson))
    drafts = [
        ModuleDraft(id=m.id, title=m.title, position=m.position, lessons=by_module.get(m.id, [])) for m in modules
    ]
    return CourseDraft(**course_out(course).model_dump(), modules=drafts)


async def teacher_courses(
    ctx: CommandContext, teacher_id: uuid.UUID, *, limit: int, offset: int
) -> list[TeacherCourse]:
    """The teacher's own courses, newest first, with how many modules and lessons each has."""
    module_count = select(func.count()).where(Module.course_id == Course.id).scalar_subquery()
    lesson_count = select(func.count()).where(Lesson.course_id == Course.id).scalar_subquery()
    async with ctx.databases.transaction(DOMAIN) as session:
        rows = await session.execute(
            select(Course, module_count, lesson_count)
            .options(joinedload(Course.category, innerjoin=True))
            .where(Course.teacher_id == teacher_id)
            .order_by(Course.created_at.desc(), Course.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [
            TeacherCourse(**course_fields(course), module_count=modules, lesson_count=lessons)
            for course, modules, lessons in rows
        ]
