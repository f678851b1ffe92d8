"""The read API's answers as pydantic models -- for the OpenAPI document (and so for clients and
schemathesis) only: the routes pass the projections' bytes through instead of building these."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Level = Literal["beginner", "intermediate", "advanced"]


class TeacherRef(BaseModel):
    id: uuid.UUID
    name: str


class CategoryRef(BaseModel):
    slug: str
    name: str


class Card(BaseModel):
    id: uuid.UUID
    title: str
    summary: str = Field(description="Plain text (markdown stripped), at most 200 characters.")
    teacher: TeacherRef
    category: CategoryRef
    level: Level
    price: str = Field(description="Decimal string with two places, in `currency`; 0.00 is free.")
    currency: str
    is_free: bool
    language: str
    rating_avg: float = Field(ge=0, le=5, description="0 when the course has no review.")
    review_count: int = Field(ge=0)
    enrollment_count: int = Field(ge=0)
    module_count: int = Field(ge=0)
    lesson_count: int = Field(ge=0)
    duration_minutes: int = Field(ge=0)
    published_at: datetime
    updated_at: datetime
    version: int = Field(ge=1, description="The course's version (grows with every change to it).")


class CatalogPage(BaseModel):
    items: list[Card]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class Highlight(BaseModel):
    title: str = Field(description="HTML-escaped, matched words (typo and prefix matches too) in <mark>…</mark>.")
    summary: str


class Hit(Card):
    highlight: Highlight


class PriceFacet(BaseModel):
    free: int = Field(ge=0)
    paid: int = Field(ge=0)


class Facets(BaseModel):
    category: dict[str, int] = Field(description="slug -> matching courses (ignoring the category filter).")
    level: dict[str, int] = Field(description="level -> matching courses (ignoring the level filter).")
    price: PriceFacet


class SearchAnswer(BaseModel):
    hits: list[Hit]
    total: int = Field(ge=0)
    total_exact: bool
    page: int = Field(ge=1)
    per_page: int = Field(ge=1)
    max_reachable_hits: int = Field(description="Hits past this rank are never returned, whatever the page.")
    facets: Facets
    took_ms: float = Field(ge=0)


class CurriculumLesson(BaseModel):
    id: uuid.UUID
    title: str
    position: int
    duration_minutes: int = Field(ge=0)
    is_preview: bool


class CurriculumModule(BaseModel):
    id: uuid.UUID
    title: str
    position: int
    lessons: list[CurriculumLesson]


class Curriculum(BaseModel):
    course_id: uuid.UUID
    version: int = Field(ge=1)
    modules: list[CurriculumModule]


class Review(BaseModel):
    rating: int = Field(ge=1, le=5)
    text: str
    author_name: str
    created_at: datetime


class ReviewsPage(BaseModel):
    items: list[Review]
    next_cursor: str | None


class Category(BaseModel):
    slug: str
    name: str
    course_count: int = Field(ge=0, description="Published courses in the category.")


class Categories(BaseModel):
    items: list[Category]


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: object | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


def errors(*statuses: int) -> dict[int | str, dict]:
    """OpenAPI ``responses`` for the given error statuses (every error has the contract's shape)."""
    described = {
        304: "Not Modified: the `If-None-Match` ETag is current (empty body).",
        404: "Unknown or unpublished course.",
        422: "Invalid parameters (`validation_failed`, with details).",
        503: "A dependency is down (`read_model_unavailable`, `search_unavailable`, `projection_unavailable`) or "
        "`min_version` was not reached in time (`projection_lagging`); see `Retry-After`.",
    }
    return {
        status: ({"description": described[status]} if status == 304 else
                 {"model": ErrorBody, "description": described[status]})
        for status in statuses
    }  # fmt: skip
