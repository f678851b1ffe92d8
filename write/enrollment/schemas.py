"""Request and response bodies of enrollment's endpoints."""

import uuid
from datetime import datetime

from pydantic import Field

from write.schemas import RequestBody, ResponseBody


class EnrollmentIn(RequestBody):
    course_id: uuid.UUID
    payment_id: uuid.UUID | None = Field(None, description="a completed payment of yours for this course (paid only)")


class EnrollmentOut(ResponseBody):
    id: uuid.UUID
    course_id: uuid.UUID
    status: str
    payment_id: uuid.UUID | None
    enrolled_at: datetime


class MyEnrollment(ResponseBody):
    id: uuid.UUID
    course_id: uuid.UUID
    status: str
    progress_percent: int = Field(description="completed lessons among the course's current ones, floored")
    completed_lessons: int
    total_lessons: int
    enrolled_at: datetime
    completed_at: datetime | None


class MyEnrollmentList(ResponseBody):
    items: list[MyEnrollment]


class LessonCompletion(ResponseBody):
    course_id: uuid.UUID
    progress_percent: int
    course_completed: bool
