"""Enrollment's commands: enroll in a course, and complete a lesson of it.

Catalog and payment are asked through their public interfaces before enrollment's own transaction opens
(each of them uses its own database). Duplicates are settled by enrollment's unique constraints, not by
read-then-write: two racing enrollments both pass the checks, and the second insert fails on
``uq_enrollments_student_course`` (or ``uq_enrollments_payment_id``) once the first commits.
"""

import uuid
from datetime import UTC, datetime

from sqlalchemy import exists, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from write import outbox
from write.catalog import public as catalog
from write.context import CommandContext
from write.enrollment import events
from write.enrollment.models import Enrollment, LessonProgress
from write.enrollment.models import outbox as enrollment_outbox
from write.enrollment.queries import progress_percent
from write.enrollment.schemas import EnrollmentIn, LessonCompletion
from write.errors import Conflict, Forbidden, InvalidInput, NotFound, PaymentRequired
from write.payment import public as payment

DOMAIN = "enrollment"

_DUPLICATES = {
    "uq_enrollments_payment_id": ("This payment was already used for an enrollment.", "payment_already_used"),
    "uq_enrollments_student_course": ("You are already enrolled in this course.", "already_enrolled"),
}


async def enroll(ctx: CommandContext, student_id: uuid.UUID, body: EnrollmentIn) -> Enrollment:
    """Refusals in this order: 404 course, 422 payment for a free course, 402 payment, 409 duplicates."""
    course = await catalog.course_facts(ctx, body.course_id)
    if course is None or not course.is_published:
        raise NotFound("No published course with this id.")
    if course.is_free and body.payment_id is not None:
        raise InvalidInput(
            "This course is free: enroll without a payment_id.",
            code="course_is_free",
            details=[{"loc": ["body", "payment_id"], "msg": "the course is free", "type": "course_is_free"}],
        )
    if not course.is_free:
        await _require_payment(ctx, student_id, course.id, body.payment_id)
    enrollment = Enrollment(
        id=uuid.uuid4(),
        student_id=student_id,
        course_id=course.id,
        payment_id=body.payment_id,
        status="active",
        enrolled_at=datetime.now(UTC),
    )
    try:
        async with ctx.databases.transaction(DOMAIN) as session:
            await _refuse_duplicates(session, enrollment)
            session.add(enrollment)
            await session.flush()  # a racing twin fails here, before any event is written
            await outbox.record(session, enrollment_outbox, _enrolled(enrollment, course))
    except IntegrityError as error:
        constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None)
        if constraint not in _DUPLICATES:
            raise
        raise _duplicate(constraint) from error
    return enrollment


def _duplicate(constraint: str) -> Conflict:
    message, code = _DUPLICATES[constraint]
    return Conflict(message, code=code)


async def _require_payment(
    ctx: CommandContext, student_id: uuid.UUID, course_id: uuid.UUID, payment_id: uuid.UUID | None
) -> None:
    # One answer for a missing, unfinished, someone else's or another course's payment: nothing here
    # reveals other students' payments.
    paid = None if payment_id is None else await payment.completed_payment(ctx, payment_id)
    if paid is None or paid.student_id != student_id or paid.course_id != course_id:
        raise PaymentRequired("This course is paid: pay for it (POST /payments), then enroll with the payment_id.")


async def _refuse_duplicates(session: AsyncSession, enrollment: Enrollment) -> None:
    """The same answers as the constraints give racing requests, checked first so the order is fixed."""
    if enrollment.payment_id is not None and await session.scalar(
        select(exists().where(Enrollment.payment_id == enrollment.payment_id))
    ):
        raise _duplicate("uq_enrollments_payment_id")
    condition = (Enrollment.student_id == enrollment.student_id) & (Enrollment.course_id == enrollment.course_id)
    if await session.scalar(select(exists().where(condition))):
        raise _duplicate("uq_enrollments_student_course")


def _enrolled(enrollment: Enrollment, course: catalog.CourseFacts) -> events.StudentEnrolled:
    return events.StudentEnrolled(
        aggregate_id=enrollment.id,
        student_id=enrollment.student_id,
        course_id=enrollment.course_id,
        teacher_id=course.teacher_id,
        course_title=course.title,
        payment_id=enrollment.payment_id,
    )


async def complete_lesson(ctx: CommandContext, student_id: uuid.UUID, lesson_id: uuid.UUID) -> LessonCompletion:
    """Marks the lesson done (again: nothing changes) and completes the course when every current lesson is.

    Completion is checked on every call, so a student whose last missing lesson was removed by the teacher
    completes the course by confirming any lesson. Once completed, an enrollment stays completed.
    """
    lesson = await catalog.lesson_facts(ctx, lesson_id)
    if lesson is None:
        raise NotFound("No lesson with this id.")
    current = (await catalog.current_lesson_ids(ctx, [lesson.course_id]))[lesson.course_id]
    course = await catalog.course_facts(ctx, lesson.course_id)
    async with ctx.databases.transaction(DOMAIN) as session:
        enrollment = await _locked_enrollment(session, student_id, lesson.course_id)
        first_time = await _mark_done(session, enrollment.id, lesson_id)
        completed = await _completed_lessons(session, enrollment.id)
        percent = progress_percent(completed, current)
        news: list[events.EnrollmentEvent] = []
        if first_time:
            news.append(_lesson_completed(enrollment, lesson_id, percent))
        if percent == 100 and enrollment.status == "active" and course is not None:
            enrollment.status, enrollment.completed_at = "completed", datetime.now(UTC)
            news.append(_course_completed(enrollment, course))
        await session.flush()
        await outbox.record(session, enrollment_outbox, *news)
    return LessonCompletion(
        course_id=lesson.course_id, progress_percent=percent, course_completed=enrollment.status == "completed"
    )


async def _locked_enrollment(session: AsyncSession, student_id: uuid.UUID, course_id: uuid.UUID) -> Enrollment:
    """Row-locked until the transaction ends, so one student's concurrent completions run one at a time
    (each sees the others' rows, and the course is completed exactly once)."""
    enrollment = await session.scalar(
        select(Enrollment)
        .where(Enrollment.student_id == student_id, Enrollment.course_id == course_id)
        .with_for_update()
    )
    if enrollment is None:
        raise Forbidden("Enroll in this course before completing its lessons.", code="not_enrolled")
    return enrollment


async def _mark_done(session: AsyncSession, enrollment_id: uuid.UUID, lesson_id: uuid.UUID) -> bool:
    """True when the lesson was not done before."""
    inserted = await session.scalar(
        insert(LessonProgress)
        .values(enrollment_id=enrollment_id, lesson_id=lesson_id, completed_at=datetime.now(UTC))
        .on_conflict_do_nothing()
        .returning(LessonProgress.lesson_id)
    )
    return inserted is not None


async def _completed_lessons(session: AsyncSession, enrollment_id: uuid.UUID) -> set[uuid.UUID]:
    rows = await session.scalars(select(LessonProgress.lesson_id).where(LessonProgress.enrollment_id == enrollment_id))
    return set(rows)


def _lesson_completed(enrollment: Enrollment, lesson_id: uuid.UUID, percent: int) -> events.LessonCompleted:
    return events.LessonCompleted(
        aggregate_id=enrollment.id,
        student_id=enrollment.student_id,
        course_id=enrollment.course_id,
        lesson_id=lesson_id,
        progress_percent=percent,
    )


def _course_completed(enrollment: Enrollment, course: catalog.CourseFacts) -> events.CourseCompleted:
    return events.CourseCompleted(
        aggregate_id=enrollment.id,
        student_id=enrollment.student_id,
        course_id=enrollment.course_id,
        course_title=course.title,
        teacher_id=course.teacher_id,
    )
