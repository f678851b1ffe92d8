"""Enrollment's events (aggregate: enrollment). Notification and the read side rely on these payload names."""

import dataclasses
import uuid
from typing import ClassVar

from write.outbox import DomainEvent


@dataclasses.dataclass(frozen=True, kw_only=True)
class EnrollmentEvent(DomainEvent):
    aggregate_type: ClassVar[str] = "enrollment"


@dataclasses.dataclass(frozen=True, kw_only=True)
class StudentEnrolled(EnrollmentEvent):
    student_id: uuid.UUID
    course_id: uuid.UUID
    teacher_id: uuid.UUID
    course_title: str
    payment_id: uuid.UUID | None  # None for a free course


@dataclasses.dataclass(frozen=True, kw_only=True)
class LessonCompleted(EnrollmentEvent):
    student_id: uuid.UUID
    course_id: uuid.UUID
    lesson_id: uuid.UUID
    progress_percent: int  # against the course's lessons at that moment


@dataclasses.dataclass(frozen=True, kw_only=True)
class CourseCompleted(EnrollmentEvent):
    """Once per enrollment: lessons added later lower the percent, never the completion."""

    student_id: uuid.UUID
    course_id: uuid.UUID
    course_title: str
    teacher_id: uuid.UUID
