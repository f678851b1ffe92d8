"""Enrollment's routes: enrolling, a student's enrollments with progress, and completing lessons."""

import uuid

from fastapi import APIRouter, status

from write.enrollment import commands, queries
from write.enrollment.schemas import EnrollmentIn, EnrollmentOut, LessonCompletion, MyEnrollmentList
from write.identity.auth import Context, CurrentStudent

router = APIRouter()


@router.post("/enrollments", status_code=status.HTTP_201_CREATED, response_model=EnrollmentOut, tags=["enrollments"])
async def enroll(body: EnrollmentIn, ctx: Context, student: CurrentStudent) -> EnrollmentOut:
    """Enroll in a published course: a free one without `payment_id`, a paid one with a completed payment of
    yours for it (else 402 `payment_required`). 409 `payment_already_used` / `already_enrolled`."""
    return EnrollmentOut.model_validate(await commands.enroll(ctx, student.id, body))


@router.get("/me/enrollments", response_model=MyEnrollmentList, tags=["enrollments"])
async def my_enrollments(ctx: Context, student: CurrentStudent) -> MyEnrollmentList:
    """Your enrollments, newest first, with progress against each course's current lessons."""
    return MyEnrollmentList(items=await queries.my_enrollments(ctx, student.id))


@router.post("/lessons/{lesson_id}/complete", response_model=LessonCompletion, tags=["enrollments"])
async def complete_lesson(lesson_id: uuid.UUID, ctx: Context, student: CurrentStudent) -> LessonCompletion:
    """Mark a lesson of a course you are enrolled in as done (again: the same answer, nothing recorded).
    Reaching 100% completes the course once; lessons added later lower the percent, not the completion."""
    return await commands.complete_lesson(ctx, student.id, lesson_id)
