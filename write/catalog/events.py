"""Catalog's events. The aggregate is the course: modules and lessons are parts of it, so every course
event's ``aggregate_id`` is the course id and ``aggregate_version`` the course version the change produced.
A category is an aggregate of its own (``CategoryRenamed``): its id is derived from its slug
(``category_aggregate_id``) and it has no version.

Payloads carry the new state of what changed (markdown as written, never rendered HTML). Where positions
moved, the event carries the complete new order of the affected parent(s) -- a list of ids, first to
last -- so a projector sets every position from one event instead of replaying shifts.
"""

import dataclasses
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from write.outbox import DomainEvent


def category_aggregate_id(slug: str) -> uuid.UUID:
    """A category's aggregate id: categories are keyed by slug, the outbox by UUID, so derive one (stable)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"edu:category:{slug}")


@dataclasses.dataclass(frozen=True, kw_only=True)
class CourseEvent(DomainEvent):
    aggregate_type: ClassVar[str] = "course"


@dataclasses.dataclass(frozen=True, kw_only=True)
class CourseCreated(CourseEvent):
    teacher_id: uuid.UUID
    title: str
    description: str
    category: str
    category_name: str
    level: str
    price: Decimal
    currency: str
    language: str
    status: str
    created_at: datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class CourseUpdated(CourseEvent):
    """``changes``: only the fields that changed, with their new values (a new category adds
    ``category_name``)."""

    changes: dict[str, Any]


@dataclasses.dataclass(frozen=True, kw_only=True)
class CoursePublished(CourseEvent):
    published_at: datetime  # the first publication; republishing keeps it


@dataclasses.dataclass(frozen=True, kw_only=True)
class CourseUnpublished(CourseEvent):
    pass


@dataclasses.dataclass(frozen=True, kw_only=True)
class ModuleAdded(CourseEvent):
    module_id: uuid.UUID
    title: str
    position: int
    module_order: list[uuid.UUID]


@dataclasses.dataclass(frozen=True, kw_only=True)
class ModuleUpdated(CourseEvent):
    """``changes``: title and/or position; ``module_order`` is set when positions moved."""

    module_id: uuid.UUID
    changes: dict[str, Any]
    module_order: list[uuid.UUID] | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class ModuleRemoved(CourseEvent):
    module_id: uuid.UUID
    removed_lesson_ids: list[uuid.UUID]  # its lessons went with it
    module_order: list[uuid.UUID]


@dataclasses.dataclass(frozen=True, kw_only=True)
class LessonAdded(CourseEvent):
    lesson_id: uuid.UUID
    module_id: uuid.UUID
    title: str
    content: str
    video_url: str | None
    duration_minutes: int
    is_preview: bool
    position: int
    lesson_order: list[uuid.UUID]


@dataclasses.dataclass(frozen=True, kw_only=True)
class LessonUpdated(CourseEvent):
    """``changes``: the changed fields (``module_id`` and ``position`` too when it moved);
    ``lesson_orders``: module id -> its complete new lesson order, for every module whose order moved."""

    lesson_id: uuid.UUID
    module_id: uuid.UUID
    changes: dict[str, Any]
    lesson_orders: dict[str, list[uuid.UUID]] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, kw_only=True)
class LessonRemoved(CourseEvent):
    lesson_id: uuid.UUID
    module_id: uuid.UUID
    lesson_order: list[uuid.UUID]


@dataclasses.dataclass(frozen=True, kw_only=True)
class CategoryEvent(DomainEvent):
    aggregate_type: ClassVar[str] = "category"


@dataclasses.dataclass(frozen=True, kw_only=True)
class CategoryRenamed(CategoryEvent):
    """An admin renamed a category; every course filed under ``slug`` now shows ``name``."""

    slug: str
    name: str
