"""Request and response bodies of review's endpoints.

The rating is a strict integer (``"5"``, ``5.0`` and ``true`` are 422s). The text is stored as written;
``text_html`` is the same text made safe to put in a page (``write.rendering``).
"""

import uuid
from datetime import datetime
from typing import Annotated, Any, Self

from pydantic import AfterValidator, Field, model_validator

from write.rendering import plain_text_to_html
from write.review.models import MAX_REVIEW_TEXT, Review
from write.schemas import RequestBody, ResponseBody
from write.text_fields import multi_line


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


Rating = Annotated[int, Field(strict=True, ge=1, le=5)]
ReviewText = Annotated[multi_line(max_length=MAX_REVIEW_TEXT, min_length=1), AfterValidator(_not_blank)]


class ReviewIn(RequestBody):
    rating: Rating
    text: ReviewText


class ReviewPatch(RequestBody):
    """Absent fields stay as they are; neither may be null."""

    rating: Rating | None = None
    text: ReviewText | None = None

    @model_validator(mode="after")
    def _no_nulls(self) -> Self:
        nulls = sorted(f for f in self.model_fields_set if getattr(self, f) is None)
        if nulls:
            raise ValueError(f"may not be null: {', '.join(nulls)}")
        return self

    def given(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class ReviewOut(ResponseBody):
    id: uuid.UUID
    course_id: uuid.UUID
    student_id: uuid.UUID
    rating: int
    text: str = Field(description="as the student wrote it (plain text; escape it before showing it)")
    text_html: str = Field(description="the text as safe HTML: every character escaped, line breaks as <br>")
    version: int = Field(description="1 when posted, +1 per edit")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, review: Review) -> "ReviewOut":
        return cls(
            id=review.id,
            course_id=review.course_id,
            student_id=review.student_id,
            rating=review.rating,
            text=review.text,
            text_html=plain_text_to_html(review.text),
            version=review.version,
            created_at=review.created_at,
            updated_at=review.updated_at,
        )
