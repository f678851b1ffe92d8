"""GET /catalog: published courses only, filtered by category and level, in each of the five sort orders,
in cursor pages that neither repeat nor skip a course -- also when the catalog changes between two page
fetches; bad input is 422 in the contract's error shape, an unknown category an empty page."""

import asyncio
import base64

import pytest

from projectors.layout import LEVELS, SORTS
from tests.errors import assert_error
from tests.projectors.test_commands_reach_projections import expected_order
from tests.read.helpers import all_pages, command, ids, ok, post_review, published_ids
from tests.write.catalog_helpers import create_course
from tests.write.learning_helpers import enrolled_student, published_course

CATEGORY = "health-fitness"
OTHER = "photography"
# (category, price, ratings, extra enrollments, level), published in this order.
PLAN = [
    (CATEGORY, "20", [5], 0, "beginner"),
    (CATEGORY, "5", [3, 4], 1, "beginner"),
    (CATEGORY, "0", [], 3, "intermediate"),
    (CATEGORY, "5", [4, 3], 0, "beginner"),
    (CATEGORY, "7.50", [4], 2, "advanced"),
    (CATEGORY, "0", [5, 5], 0, "beginner"),
    (OTHER, "12", [2], 0, "beginner"),
    (OTHER, "3", [], 1, "advanced"),
]


@pytest.fixture(scope="module")
async def courses(platform, api, api_ctx) -> list[dict]:
    """The catalog of this module: PLAN's courses (plus a draft, which must never show), projected."""
    made = []
    for category, price, ratings, enrollments, level in PLAN:
        teacher, course, _ = await published_course(api, api_ctx, price=price, category=category, level=level)
        made.append(course)
        for rating in ratings:
            student, _ = await enrolled_student(api, api_ctx, course)
            await post_review(api, student, course["id"], rating, "Rated")
        for _ in range(enrollments):
            await enrolled_student(api, api_ctx, course)
        await asyncio.sleep(0.002)  # distinct publication milliseconds
    await create_course(api, teacher, category=CATEGORY, level="beginner")
    await platform.settle()
    return made


async def test_every_sort_order_of_every_filter(platform, courses, reader):
    for sort in SORTS:
        for category in (None, CATEGORY, OTHER):
            for level in (None, *LEVELS):
                params = {"sort": sort, "limit": 100} | _filters(category, level)
                listed = ok(await reader.get("/catalog", params=params))["items"]
                # Exactly the published courses of the filter (the write side's truth), in the sort's order
                # worked out from the cards themselves.
                assert set(ids(listed)) == published_ids(platform.settings, category, level), params
                assert ids(listed) == expected_order(listed, sort), params
                assert all(c["category"]["slug"] == category for c in listed if category)
                assert all(c["level"] == level for c in listed if level)


async def test_the_sort_orders_spelled_out(courses, reader):
    a, b, c, d, e, f = (course["id"] for course in courses[:6])

    async def order(sort: str) -> list[str]:
        return ids(ok(await reader.get("/catalog", params={"category": CATEGORY, "sort": sort}))["items"])

    assert await order("newest") == [f, e, d, c, b, a]
    assert await order("price_asc") == [f, c, d, b, e, a]  # equal prices: the newer first
    assert await order("price_desc") == [a, e, d, b, f, c]
    assert await order("popular") == [e, c, b, f, d, a]  # enrollments 3, 3, 3, 2, 2, 1; ties: the newer first
    assert (await order("rating"))[:2] == [f, a]  # 5.0 of two reviews before 5.0 of one
    assert await order("newest") == ids(ok(await reader.get("/catalog", params={"category": CATEGORY}))["items"])


async def test_small_pages_cover_the_listing_without_repeats_or_gaps(courses, reader):
    for sort in SORTS:
        for params in ({}, {"category": CATEGORY}, {"level": "beginner"}):
            whole = ids(ok(await reader.get("/catalog", params=params | {"sort": sort, "limit": 100}))["items"])
            for limit in (1, 2, 3):
                pages = await all_pages(reader, **params, sort=sort, limit=limit)
                assert all(len(page) == limit for page in pages[:-1])
                assert 1 <= len(pages[-1]) <= limit
                assert [i for page in pages for i in ids(page)] == whole, (sort, params, limit)


async def test_pages_neither_repeat_nor_skip_when_the_catalog_changes_meanwhile(platform, api, api_ctx, reader):
    category = "music"
    made = []
    for _ in range(5):
        teacher, course, _ = await published_course(api, api_ctx, price="10", category=category)
        made.append((teacher, course))
        await asyncio.sleep(0.002)
    await platform.settle()
    before = ids(ok(await reader.get("/catalog", params={"category": category}))["items"])
    assert before == [course["id"] for _, course in reversed(made)]

    first = ok(await reader.get("/catalog", params={"category": category, "limit": 2}))
    seen = ids(first["items"])
    # Meanwhile: a new course (the newest: in front of the pages already read), a course not yet read is
    # renamed, a course already read changes its price (neither moves in the newest-first order).
    await published_course(api, api_ctx, price="10", category=category)
    unread_teacher, unread = made[1]
    await command(api, "PATCH", f"/courses/{unread['id']}", unread_teacher, json={"title": "Renamed Meanwhile"})
    read_teacher, read = made[4]
    await command(api, "PATCH", f"/courses/{read['id']}", read_teacher, json={"price": "99"})
    await platform.settle()

    rest = []
    cursor = first["next_cursor"]
    while cursor:
        page = ok(await reader.get("/catalog", params={"category": category, "limit": 2, "cursor": cursor}))
        rest += page["items"]
        cursor = page["next_cursor"]
    assert seen + ids(rest) == before  # every course once, none skipped, none repeated
    renamed = next(c for c in rest if c["id"] == unread["id"])
    assert renamed["title"] == "Renamed Meanwhile"  # a later page shows the course as it is now


async def test_a_bad_cursor_is_422(courses, reader):
    member_of_nothing = base64.urlsafe_b64encode(b"not a listing member").decode().rstrip("=")
    for cursor in ("%%%", "not-a-cursor", member_of_nothing, "x" * 201):
        error = assert_error(await reader.get("/catalog", params={"cursor": cursor}), 422, "validation_failed")
        assert error.get("details"), error


async def test_an_unknown_category_is_an_empty_page_and_bad_filters_are_422(courses, reader):
    assert ok(await reader.get("/catalog", params={"category": "no-such-category"})) == {
        "items": [],
        "next_cursor": None,
    }
    for params in (
        {"category": "Not A Slug!"},
        {"category": "-dash-first"},
        {"category": "x" * 65},
        {"level": "expert"},
        {"sort": "alphabetical"},
        {"limit": 0},
        {"limit": 101},
        {"limit": "many"},
    ):
        error = assert_error(await reader.get("/catalog", params=params), 422, "validation_failed")
        assert error["details"][0]["loc"][0] == "query", error


async def test_the_catalog_serves_published_courses_only(platform, courses, reader):
    listed = ok(await reader.get("/catalog", params={"limit": 100}))["items"]
    assert set(ids(listed)) == published_ids(platform.settings)
    assert {c["id"] for c in courses} <= set(ids(listed))
    assert all(c["published_at"] for c in listed)


def _filters(category: str | None, level: str | None) -> dict:
    return {key: value for key, value in (("category", category), ("level", level)) if value}
