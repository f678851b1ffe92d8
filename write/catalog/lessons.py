"""A lesson as a learner opens it (GET /lessons/{id}): who may see it, and its markdown as safe HTML.

Who may see a lesson:

- the course's owner, whatever the course's status;
- a student enrolled in the course, published or not (enrolled students keep a course after unpublish);
- anyone, signed in or not, when the lesson is a preview of a published course.

Everyone else: 404 when the course is not published (its existence is not theirs to learn), otherwise
401 for an anonymous caller and 403 ``not_enrolled`` for a signed-in one.
"""

import asyncio
import hashlib
import uuid

from cachetools import LRUCache
from sqlalchemy import select

from write.catalog.models import Course, Lesson
from write.catalog.schemas import LessonView
from write.context import CommandContext
from write.enrollment.public import is_enrolled
from write.errors import Forbidden, NotFound, Unauthenticated
from write.rendering import markdown_to_safe_html

DOMAIN = "catalog"

# Rendering is pure-Python CPU work, ~0.1-0.3 µs per character of ordinary markdown but up to ~15 µs per
# character of hostile input ("[[[[..."), i.e. over a second for a 100 KB lesson. Above this size it runs in
# a worker thread so one big lesson does not stall every other request on the event loop.
RENDER_INLINE_MAX_CHARS = 4_096

# Rendered HTML by content digest (a digest, so the cache does not also keep every markdown source alive),
# bounded by the characters of HTML it holds -- one lesson may be 1000x another -- least recently used out
# first. A popular preview lesson is then rendered once per process, not once per request. Touched only from
# the event loop's thread (before and after the await), so it needs no lock.
_rendered: LRUCache[bytes, str] = LRUCache(maxsize=32 * 1024 * 1024, getsizeof=len)


async def render_uncached(markdown: str) -> str:
    if len(markdown) <= RENDER_INLINE_MAX_CHARS:
        return markdown_to_safe_html(markdown)
    return await asyncio.to_thread(markdown_to_safe_html, markdown)


async def render(markdown: str) -> str:
    key = hashlib.blake2b(markdown.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    html = _rendered.get(key)
    if html is None:
        html = await render_uncached(markdown)
        if len(html) <= _rendered.maxsize // 8:  # one huge lesson must not flush everything else
            _rendered[key] = html
    return html


async def _may_open(
    ctx: CommandContext, user_id: uuid.UUID | None, lesson: Lesson, teacher_id: uuid.UUID, published: bool
) -> None:
    """Returns when the caller may open the lesson; raises the answer they get otherwise."""
    if user_id is not None and user_id == teacher_id:
        return
    if published and lesson.is_preview:
        return
    # Asked only now: owners and preview readers (the busiest path) never cost enrollment a query.
    if user_id is not None and await is_enrolled(ctx, user_id, lesson.course_id):
        return
    if not published:
        raise NotFound("No lesson with this id.")
    if user_id is None:
        raise Unauthenticated("Sign in and enroll in this course to open this lesson.")
    raise Forbidden("Enroll in this course to open this lesson.", code="not_enrolled")


async def lesson_view(ctx: CommandContext, user_id: uuid.UUID | None, lesson_id: uuid.UUID) -> LessonView:
    async with ctx.databases.transaction(DOMAIN) as session:
        row = (
            await session.execute(
                select(Lesson, Course.teacher_id, Course.status)
                .join(Course, Course.id == Lesson.course_id)
                .where(Lesson.id == lesson_id)
            )
        ).one_or_none()
    if row is None:
        raise NotFound("No lesson with this id.")
    lesson, teacher_id, course_status = row
    await _may_open(ctx, user_id, lesson, teacher_id, published=course_status == "published")
    return LessonView(
        id=lesson.id,
        course_id=lesson.course_id,
        module_id=lesson.module_id,
        title=lesson.title,
        html=await render(lesson.content),
        video_url=lesson.video_url,
        duration_minutes=lesson.duration_minutes,
        is_preview=lesson.is_preview,
    )
