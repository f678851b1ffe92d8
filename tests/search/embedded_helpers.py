"""Shared helpers of the tantivy-specific tests (test_embedded_*.py)."""

import uuid

from search import CourseDocument

_NS = uuid.UUID("0b7f5c1e-5a7e-4c1e-8f43-2f0d6f3d9b21")


def make_doc(n: int, title: str = "", **fields) -> CourseDocument:
    """A small valid document; ``n`` gives it a stable id."""
    values = {
        "id": uuid.uuid5(_NS, str(n)),
        "title": title or f"Course number {n}",
        "summary": "",
        "description": "",
        "teacher_id": uuid.uuid5(_NS, "teacher"),
        "teacher_name": "Ada Lovelace",
        "category_slug": "programming",
        "category_name": "Programming",
        "level": "beginner",
        "price": 10.0,
        "language": "en",
        "rating_avg": 4.0,
        "review_count": 3,
        "enrollment_count": 10,
        "published_at": 1_700_000_000,
        "version": 1,
    }
    values.update(fields)
    return CourseDocument(**values)
