"""Review's events (aggregate: review; ``aggregate_version`` is the review's version).

Payloads carry what a consumer needs without asking other domains: the course's teacher (who hears about
a new review) and title. ``text`` is as the student wrote it, never HTML.
"""

import dataclasses
import uuid
from typing import Any, ClassVar

from write.outbox import DomainEvent


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReviewEvent(DomainEvent):
    aggregate_type: ClassVar[str] = "review"


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReviewPosted(ReviewEvent):
    course_id: uuid.UUID
    student_id: uuid.UUID
    teacher_id: uuid.UUID
    course_title: str
    rating: int
    text: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReviewEdited(ReviewEvent):
    """``changes``: only the fields that changed (``rating`` and/or ``text``), with their new values."""

    course_id: uuid.UUID
    student_id: uuid.UUID
    teacher_id: uuid.UUID
    changes: dict[str, Any]
