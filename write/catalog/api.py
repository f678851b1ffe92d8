"""Catalog's routes: categories (listed for anyone, renamed by an admin), and the authoring of courses,
modules and lessons by their teacher.

Authoring needs a verified teacher (401 anonymous, 403 anyone else); a course, module or lesson that is
not the caller's is 404. A 204 answer carries the new course version in the ``Course-Version`` header,
since every authoring answer tells the version a read must wait for (``min_version``).
"""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from write.catalog import commands, curriculum, lessons, queries
from write.catalog.schemas import (
    CategoryList,
    CategoryOut,
    CategoryRenameIn,
    CourseDraft,
    CourseIn,
    CourseOut,
    CoursePatch,
    LessonIn,
    LessonOut,
    LessonPatch,
    LessonView,
    MarkdownPreview,
    MarkdownPreviewIn,
    ModuleIn,
    ModuleOut,
    ModulePatch,
    TeacherCourseList,
)
from write.identity.auth import Context, CurrentAdmin, OptionalUser, VerifiedTeacher

router = APIRouter()

VERSION_HEADER = "Course-Version"


def _no_content(version: int) -> Response:
    return Response(status_code=status.HTTP_204_NO_CONTENT, headers={VERSION_HEADER: str(version)})


@router.get("/categories", response_model=CategoryList, tags=["catalog"])
async def list_categories(ctx: Context) -> CategoryList:
    """The subjects a course can be filed under."""
    return CategoryList(items=await queries.categories(ctx))


@router.patch("/admin/categories/{slug}", response_model=CategoryOut, tags=["admin"])
async def rename_category(slug: str, body: CategoryRenameIn, ctx: Context, admin: CurrentAdmin) -> CategoryOut:
    """Rename a category (its slug stays); every course filed under it shows the new name. Same name: no-op."""
    return CategoryOut.model_validate(await commands.rename_category(ctx, slug, body.name))


@router.post("/courses", status_code=status.HTTP_201_CREATED, response_model=CourseOut, tags=["courses"])
async def create_course(body: CourseIn, ctx: Context, teacher: VerifiedTeacher) -> CourseOut:
    """Start a course as a draft (version 1), priced in the platform's currency."""
    return queries.course_out(await commands.create_course(ctx, teacher.id, body))


@router.get("/me/courses", response_model=TeacherCourseList, tags=["courses"])
async def my_courses(
    ctx: Context,
    teacher: VerifiedTeacher,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> TeacherCourseList:
    """The caller's own courses, drafts included, newest first."""
    return TeacherCourseList(items=await queries.teacher_courses(ctx, teacher.id, limit=limit, offset=offset))


@router.get("/courses/{course_id}", response_model=CourseDraft, tags=["courses"])
async def get_course(course_id: uuid.UUID, ctx: Context, teacher: VerifiedTeacher) -> CourseDraft:
    """The owner's working copy: every field, every module and lesson in order, lesson markdown included."""
    return await queries.course_draft(ctx, teacher.id, course_id)


@router.patch("/courses/{course_id}", response_model=CourseOut, tags=["courses"])
async def update_course(course_id: uuid.UUID, body: CoursePatch, ctx: Context, teacher: VerifiedTeacher) -> CourseOut:
    """Change any of the creation fields; a body that changes nothing keeps the version."""
    return queries.course_out(await commands.update_course(ctx, teacher.id, course_id, body))


@router.post("/courses/{course_id}/publish", response_model=CourseOut, tags=["courses"])
async def publish_course(course_id: uuid.UUID, ctx: Context, teacher: VerifiedTeacher) -> CourseOut:
    """Make the course public; it needs a lesson (409 ``course_has_no_lessons``). Already published: no-op."""
    return queries.course_out(await commands.publish(ctx, teacher.id, course_id))


@router.post("/courses/{course_id}/unpublish", response_model=CourseOut, tags=["courses"])
async def unpublish_course(course_id: uuid.UUID, ctx: Context, teacher: VerifiedTeacher) -> CourseOut:
    """Take the course off the catalog (enrolled students keep it). Not published: no-op."""
    return queries.course_out(await commands.unpublish(ctx, teacher.id, course_id))


@router.post(
    "/courses/{course_id}/modules", status_code=status.HTTP_201_CREATED, response_model=ModuleOut, tags=["curriculum"]
)
async def add_module(course_id: uuid.UUID, body: ModuleIn, ctx: Context, teacher: VerifiedTeacher) -> ModuleOut:
    """Add a module at ``position`` (1-based; absent or past the end: last); later modules shift down."""
    return await curriculum.add_module(ctx, teacher.id, course_id, body)


@router.patch("/modules/{module_id}", response_model=ModuleOut, tags=["curriculum"])
async def update_module(module_id: uuid.UUID, body: ModulePatch, ctx: Context, teacher: VerifiedTeacher) -> ModuleOut:
    """Rename and/or move a module (past the end: last); its siblings shift to stay numbered 1..n."""
    return await curriculum.update_module(ctx, teacher.id, module_id, body)


@router.delete("/modules/{module_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["curriculum"])
async def remove_module(module_id: uuid.UUID, ctx: Context, teacher: VerifiedTeacher) -> Response:
    """Remove a module with its lessons; 409 if that would leave a published course without lessons."""
    return _no_content(await curriculum.remove_module(ctx, teacher.id, module_id))


@router.post(
    "/modules/{module_id}/lessons", status_code=status.HTTP_201_CREATED, response_model=LessonOut, tags=["curriculum"]
)
async def add_lesson(module_id: uuid.UUID, body: LessonIn, ctx: Context, teacher: VerifiedTeacher) -> LessonOut:
    """Add a lesson at ``position`` (1-based; absent or past the end: last)."""
    return await curriculum.add_lesson(ctx, teacher.id, module_id, body)


@router.patch("/lessons/{lesson_id}", response_model=LessonOut, tags=["curriculum"])
async def update_lesson(lesson_id: uuid.UUID, body: LessonPatch, ctx: Context, teacher: VerifiedTeacher) -> LessonOut:
    """Change any field; ``position`` moves it, ``module_id`` moves it to another module of the same course
    (at ``position``, or last). ``video_url: null`` removes the video."""
    return await curriculum.update_lesson(ctx, teacher.id, lesson_id, body)


@router.delete("/lessons/{lesson_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["curriculum"])
async def remove_lesson(lesson_id: uuid.UUID, ctx: Context, teacher: VerifiedTeacher) -> Response:
    """Remove a lesson; 409 ``last_lesson_of_published_course`` for a published course's last one."""
    return _no_content(await curriculum.remove_lesson(ctx, teacher.id, lesson_id))


@router.post("/markdown/preview", response_model=MarkdownPreview, tags=["curriculum"])
async def preview_markdown(body: MarkdownPreviewIn, teacher: VerifiedTeacher) -> MarkdownPreview:
    """A lesson's content or a course's description as students will see it (sanitised HTML); saves nothing.
    Not cached, unlike the lessons students open: a preview is asked for as the teacher types."""
    return MarkdownPreview(html=await lessons.render_uncached(body.markdown))


@router.get("/lessons/{lesson_id}", response_model=LessonView, tags=["learning"])
async def open_lesson(lesson_id: uuid.UUID, ctx: Context, user: OptionalUser) -> LessonView:
    """A lesson with its content as sanitised HTML, for the owner, an enrolled student, or anyone when it is
    a preview of a published course. Not enrolled: 401 anonymous / 403 ``not_enrolled``; an unpublished
    course that is not the caller's: 404."""
    return await lessons.lesson_view(ctx, user.id if user else None, lesson_id)
