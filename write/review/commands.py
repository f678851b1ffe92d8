"""Review's commands: post a review of a course one is enrolled in, and edit one's own review.

Facts of other domains come through their public interfaces only: the course (does it exist, whose is it,
its title) from ``write.catalog.public``, the enrollment from ``write.enrollment.public``. "One review per
student and course" is the unique constraint ``uq_reviews_course_student``, so two racing posts cannot
both win. Someone else's review is "not found", never "forbidden".
"""

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from write import outbox
from write.catalog.public import CourseFacts, course_facts
from write.context import CommandContext
from write.enrollment.public import is_enrolled
from write.errors import Conflict, Forbidden, NotFound
from write.review import events
from write.review.models import Review
from write.review.models import outbox as review_outbox
from write.review.schemas import ReviewIn, ReviewPatch

DOMAIN = "review"
ONE_REVIEW_PER_COURSE = "uq_reviews_course_student"


async def _course(ctx: CommandContext, course_id: uuid.UUID) -> CourseFacts:
    facts = await course_facts(ctx, course_id)
    if facts is None:
        raise NotFound("No course with this id.")
    return facts


def _violated_constraint(error: IntegrityError) -> str | None:
    diag = getattr(error.orig, "diag", None)
    return getattr(diag, "constraint_name", None)


async def post_review(ctx: CommandContext, student_id: uuid.UUID, course_id: uuid.UUID, body: ReviewIn) -> Review:
    course = await _course(ctx, course_id)
    if not await is_enrolled(ctx, student_id, course_id):
        if not course.is_published:
            raise NotFound("No course with this id.")  # a draft's existence is not revealed
        raise Forbidden("Only students enrolled in this course may review it.", code="not_enrolled")
    now = datetime.now(UTC)
    review = Review(
        id=uuid.uuid4(),
        course_id=course.id,
        student_id=student_id,
        rating=body.rating,
        text=body.text,
        version=1,
        created_at=now,
        updated_at=now,
    )
    posted = events.ReviewPosted(
        aggregate_id=review.id,
        aggregate_version=review.version,
        course_id=course.id,
        student_id=student_id,
        teacher_id=course.teacher_id,
        course_title=course.title,
        rating=review.rating,
        text=review.text,
    )
    try:
        async with ctx.databases.transaction(DOMAIN) as session:
            session.add(review)
            await session.flush()
            await outbox.record(session, review_outbox, posted)
    except IntegrityError as error:
        if _violated_constraint(error) == ONE_REVIEW_PER_COURSE:
            raise Conflict("You have already reviewed this course.", code="already_reviewed") from None
        raise
    return review


async def _own_review_course(ctx: CommandContext, student_id: uuid.UUID, review_id: uuid.UUID) -> uuid.UUID:
    async with ctx.databases.transaction(DOMAIN) as session:
        course_id = await session.scalar(
            select(Review.course_id).where(Review.id == review_id, Review.student_id == student_id)
        )
    if course_id is None:
        raise NotFound("No review with this id.")
    return course_id


async def edit_review(ctx: CommandContext, student_id: uuid.UUID, review_id: uuid.UUID, body: ReviewPatch) -> Review:
    """Changes the given fields; a patch that changes nothing keeps the version and records nothing."""
    # The course is asked before the review's row is locked: no lock is held while another database answers.
    course = await _course(ctx, await _own_review_course(ctx, student_id, review_id))
    async with ctx.databases.transaction(DOMAIN) as session:
        review = await session.scalar(
            select(Review).where(Review.id == review_id, Review.student_id == student_id).with_for_update()
        )
        if review is None:
            raise NotFound("No review with this id.")
        changes: dict[str, Any] = {}
        for field, value in body.given().items():
            if getattr(review, field) != value:
                setattr(review, field, value)
                changes[field] = value
        if not changes:
            return review
        review.version += 1
        review.updated_at = datetime.now(UTC)
        await session.flush()
        await outbox.record(
            session,
            review_outbox,
            events.ReviewEdited(
                aggregate_id=review.id,
                aggregate_version=review.version,
                course_id=review.course_id,
                student_id=review.student_id,
                teacher_id=course.teacher_id,
                changes=changes,
            ),
        )
    return review
