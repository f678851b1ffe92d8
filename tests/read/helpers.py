"""Shared steps of the read API tests: authoring through the command API, and reading the read API the way
a client does (every catalog page in turn, the write side's truth to compare with)."""

import uuid
from datetime import datetime

import httpx

from tests.actors import Actor
from tests.projectors.readmodel import execute
from write.settings import WriteSettings

# Contract §4: a card has at least these fields.
CARD_FIELDS = {
    "id", "title", "summary", "teacher", "category", "level", "price", "currency", "is_free", "language",
    "rating_avg", "review_count", "enrollment_count", "module_count", "lesson_count", "duration_minutes",
    "published_at", "updated_at", "version",
}  # fmt: skip


def ok(response: httpx.Response, status: int = 200) -> dict:
    assert response.status_code == status, f"{response.status_code} != {status}: {response.text}"
    return response.json() if response.content else {}


async def command(api: httpx.AsyncClient, method: str, path: str, actor: Actor, status: int = 200, **kwargs) -> dict:
    """A command on the command API as ``actor``; its answer."""
    return ok(await api.request(method, path, headers=actor.headers, **kwargs), status)


async def post_review(api: httpx.AsyncClient, student: Actor, course_id: str, rating: int, text: str) -> dict:
    body = {"rating": rating, "text": text}
    return await command(api, "POST", f"/courses/{course_id}/reviews", student, 201, json=body)


async def all_pages(reader: httpx.AsyncClient, **params) -> list[list[dict]]:
    """Every page of a catalog listing, following ``next_cursor`` to the end."""
    pages, cursor = [], None
    for _ in range(1000):
        query = params | ({"cursor": cursor} if cursor else {})
        page = ok(await reader.get("/catalog", params=query))
        assert set(page) == {"items", "next_cursor"}, page
        pages.append(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return pages
    raise AssertionError("the catalog never ran out of pages")


def ids(items: list[dict]) -> list[str]:
    return [item["id"] for item in items]


def published_ids(settings: WriteSettings, category: str | None = None, level: str | None = None) -> set[str]:
    """The published courses of the write side (the source of truth), by category and level."""
    rows = execute(
        settings,
        "catalog",
        "SELECT c.id FROM courses c JOIN categories cat ON cat.id = c.category_id WHERE c.status = 'published'"
        " AND (%(category)s::text IS NULL OR cat.slug = %(category)s)"
        " AND (%(level)s::text IS NULL OR c.level = %(level)s)",
        {"category": category, "level": level},
    )
    return {str(row[0]) for row in rows}


def same_moment(text: str, other: str) -> bool:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) == datetime.fromisoformat(other.replace("Z", "+00:00"))


def unknown_id() -> str:
    return str(uuid.uuid4())
