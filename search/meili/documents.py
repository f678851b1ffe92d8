"""CourseDocument <-> Meilisearch JSON.

Ids are strings (Meilisearch document ids are strings or integers; UUIDs go as their canonical text),
``is_free`` is stored (computed from the price) so it can be filtered and faceted. Text fields lose the two
private-use characters the adapter uses as highlight markers (``response.PRE``/``POST``), so document text
can never forge a highlight. ``fp`` is ``documents.fingerprint`` of the CourseDocument written (before that
cleaning): neither searchable, filterable nor sortable (``settings``), never asked for by searches
(``request``), only listed by ``MeilisearchEngine.fingerprints``.
"""

import math
import uuid
from typing import Any

from search.documents import CourseDocument, fingerprint
from search.engine import SearchEngineError

HIGHLIGHT_PRE = "\ue000"
HIGHLIGHT_POST = "\ue001"
_STRIP = str.maketrans("", "", HIGHLIGHT_PRE + HIGHLIGHT_POST)
FINGERPRINT = "fp"


class InvalidDocument(SearchEngineError):
    """A document the index must not take (nothing of its batch was sent)."""


def clean_text(text: str) -> str:
    return text.translate(_STRIP)


def _finite(doc_id: uuid.UUID, name: str, value: float, low: float, high: float | None = None) -> float:
    number = float(value)
    if not math.isfinite(number) or number < low or (high is not None and number > high):
        bound = f"{low}..{high}" if high is not None else f">= {low}"
        raise InvalidDocument(f"course {doc_id}: {name} must be a finite number {bound}, got {value!r}")
    return number


def _count(doc_id: uuid.UUID, name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidDocument(f"course {doc_id}: {name} must be a non-negative integer, got {value!r}")
    return value


def _text(doc_id: uuid.UUID, name: str, value: str) -> str:
    if not isinstance(value, str):
        raise InvalidDocument(f"course {doc_id}: {name} must be text, got {type(value).__name__}")
    return clean_text(value)


def to_meili(doc: CourseDocument) -> dict[str, Any]:
    """The JSON document Meilisearch indexes; raises InvalidDocument for a value it must not take."""
    if not isinstance(doc.id, uuid.UUID) or not isinstance(doc.teacher_id, uuid.UUID):
        raise InvalidDocument(f"course {doc.id!r}: id and teacher_id must be UUIDs")
    price = _finite(doc.id, "price", doc.price, 0)
    return {
        "id": str(doc.id),
        "title": _text(doc.id, "title", doc.title),
        "summary": _text(doc.id, "summary", doc.summary),
        "description": _text(doc.id, "description", doc.description),
        "teacher_id": str(doc.teacher_id),
        "teacher_name": _text(doc.id, "teacher_name", doc.teacher_name),
        "category_slug": _text(doc.id, "category_slug", doc.category_slug),
        "category_name": _text(doc.id, "category_name", doc.category_name),
        "level": _text(doc.id, "level", doc.level),
        "price": price,
        "is_free": price == 0,
        "language": _text(doc.id, "language", doc.language),
        "rating_avg": _finite(doc.id, "rating_avg", doc.rating_avg, 0, 5),
        "review_count": _count(doc.id, "review_count", doc.review_count),
        "enrollment_count": _count(doc.id, "enrollment_count", doc.enrollment_count),
        "published_at": _count(doc.id, "published_at", doc.published_at),
        "version": _count(doc.id, "version", doc.version),
        "lesson_titles": [_text(doc.id, "lesson_titles", t) for t in doc.lesson_titles],
        FINGERPRINT: fingerprint(doc),
    }


def from_meili(data: dict[str, Any]) -> CourseDocument:
    return CourseDocument(
        id=uuid.UUID(data["id"]),
        title=data["title"],
        summary=data["summary"],
        description=data["description"],
        teacher_id=uuid.UUID(data["teacher_id"]),
        teacher_name=data["teacher_name"],
        category_slug=data["category_slug"],
        category_name=data["category_name"],
        level=data["level"],
        price=float(data["price"]),
        language=data["language"],
        rating_avg=float(data["rating_avg"]),
        review_count=int(data["review_count"]),
        enrollment_count=int(data["enrollment_count"]),
        published_at=int(data["published_at"]),
        version=int(data["version"]),
        lesson_titles=tuple(data.get("lesson_titles") or ()),
    )
