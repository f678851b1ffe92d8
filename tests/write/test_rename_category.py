"""PATCH /admin/categories/{slug}: an admin renames a category; the row and its CategoryRenamed event commit
together, and every course command after it carries the new name.

The databases live for the whole test session and other tests expect the seeded names, so each test renames
one category and the fixture renames it back (through the API, so the outbox stays true to the rows); the
events a test looks at are those recorded since it began.
"""

import asyncio
import json
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from tests.actors import admin, sign_up, verified_teacher
from tests.errors import assert_error
from tests.sql import sql_rows, sql_scalar
from tests.write.catalog_helpers import COURSE, create_course
from write import outbox
from write.catalog.events import CategoryRenamed, category_aggregate_id
from write.catalog.models import outbox as catalog_outbox

SLUG = "video-production"


async def category_name(ctx, slug: str = SLUG) -> str | None:
    return await sql_scalar(ctx, "catalog", "SELECT name FROM categories WHERE slug = :slug", slug=slug)


async def last_outbox_id(ctx) -> int:
    return await sql_scalar(ctx, "catalog", "SELECT coalesce(max(id), 0) FROM outbox")


async def renamed_events(ctx, since: int, slug: str = SLUG) -> list:
    """CategoryRenamed rows of the category after outbox id ``since``, oldest first."""
    return await sql_rows(
        ctx,
        "catalog",
        "SELECT id, event_type, aggregate_type, aggregate_id, aggregate_version, payload, delivered_at FROM outbox"
        " WHERE event_type = 'CategoryRenamed' AND aggregate_id = :id AND id > :since ORDER BY id",
        id=category_aggregate_id(slug),
        since=since,
    )


async def course_events(ctx, course_id: str, event_type: str) -> list[dict]:
    rows = await sql_rows(
        ctx,
        "catalog",
        "SELECT payload FROM outbox WHERE aggregate_id = :id AND event_type = :type ORDER BY id",
        id=course_id,
        type=event_type,
    )
    return [row.payload for row in rows]


@pytest.fixture
async def boss(client, ctx):
    return await admin(client, ctx)


@dataclass(frozen=True)
class Before:
    name: str  # the category's name when the test began
    outbox_id: int  # the last catalog outbox id then


@pytest.fixture
async def before(client, ctx, boss):
    """The category as the test found it; renamed back afterwards."""
    original = await category_name(ctx)
    yield Before(original, await last_outbox_id(ctx))
    if await category_name(ctx) != original:
        response = await client.patch(f"/admin/categories/{SLUG}", json={"name": original}, headers=boss.headers)
        assert response.status_code == 200, response.text


async def rename(client, actor, name, slug: str = SLUG):
    return await client.patch(f"/admin/categories/{slug}", json={"name": name}, headers=actor.headers)


def test_a_category_aggregate_id_is_derived_from_its_slug():
    expected = uuid.uuid5(uuid.NAMESPACE_URL, "edu:category:video-production")
    assert category_aggregate_id("video-production") == expected
    assert category_aggregate_id("music") != expected


async def test_an_admin_renames_a_category(client, ctx, boss, before):
    response = await rename(client, boss, "  Film   & Video ")

    assert response.status_code == 200, response.text
    assert response.json() == {"slug": SLUG, "name": "Film & Video"}  # stripped, inner whitespace collapsed
    assert await category_name(ctx) == "Film & Video"


async def test_the_rename_records_category_renamed_in_the_same_transaction(client, ctx, boss, before):
    await rename(client, boss, "Film & Video")

    [event] = await renamed_events(ctx, before.outbox_id)
    assert event.aggregate_type == "category"
    assert event.aggregate_id == uuid.uuid5(uuid.NAMESPACE_URL, f"edu:category:{SLUG}")
    assert event.aggregate_version is None and event.delivered_at is None
    assert event.payload == {"slug": SLUG, "name": "Film & Video"}
    async with ctx.databases.transaction("catalog") as session:
        row_xmin = await session.scalar(text("SELECT xmin::text FROM categories WHERE slug = :s"), {"s": SLUG})
        event_xmin = await session.scalar(text("SELECT xmin::text FROM outbox WHERE id = :id"), {"id": event.id})
    assert row_xmin == event_xmin  # written by one transaction


async def test_get_categories_shows_the_new_name_in_name_order(client, boss, before):
    await rename(client, boss, "Aardvark Filming")

    items = (await client.get("/categories")).json()["items"]

    assert {"slug": SLUG, "name": "Aardvark Filming"} in items
    assert before.name not in [item["name"] for item in items]
    assert [item["name"] for item in items] == sorted(item["name"] for item in items)
    assert items[0]["slug"] == SLUG


async def test_renaming_to_the_same_name_records_nothing(client, ctx, boss, before):
    response = await rename(client, boss, f" {before.name} ")

    assert response.status_code == 200, response.text
    assert response.json() == {"slug": SLUG, "name": before.name}
    assert await renamed_events(ctx, before.outbox_id) == []


async def test_each_rename_is_an_event_and_renaming_back_is_one_too(client, ctx, boss, before):
    for name in ("Film", "mliF", before.name):
        assert (await rename(client, boss, name)).status_code == 200

    assert [event.payload["name"] for event in await renamed_events(ctx, before.outbox_id)] == [
        "Film",
        "mliF",
        before.name,
    ]
    assert await category_name(ctx) == before.name


async def test_courses_created_after_a_rename_carry_the_new_name(client, ctx, boss, before):
    teacher = await verified_teacher(client, ctx)
    older = await create_course(client, teacher, category=SLUG)

    await rename(client, boss, "Film & Video")
    newer = await create_course(client, teacher, category=SLUG)

    [created_older] = await course_events(ctx, older["id"], "CourseCreated")
    [created_newer] = await course_events(ctx, newer["id"], "CourseCreated")
    assert (created_older["category"], created_older["category_name"]) == (SLUG, before.name)
    assert (created_newer["category"], created_newer["category_name"]) == (SLUG, "Film & Video")
    assert newer["category"] == SLUG  # the slug is the course's key to its category; it never changes


async def test_a_course_moved_into_a_renamed_category_carries_the_new_name(client, ctx, boss, before):
    teacher = await verified_teacher(client, ctx)
    course = await create_course(client, teacher)  # COURSE's category
    await rename(client, boss, "Film & Video")

    response = await client.patch(f"/courses/{course['id']}", json={"category": SLUG}, headers=teacher.headers)

    assert response.status_code == 200, response.text
    [updated] = await course_events(ctx, course["id"], "CourseUpdated")
    assert updated["changes"] == {"category": SLUG, "category_name": "Film & Video"}


async def test_a_course_created_during_a_rename_waits_for_it_and_carries_the_new_name(client, ctx, before):
    """A rename in flight holds the category row; a course filed under it waits, then reads the new name, so
    its CourseCreated never carries a name older than a CategoryRenamed recorded before it."""
    teacher = await verified_teacher(client, ctx)
    async with ctx.databases.transaction("catalog") as session:  # what the command does, held open
        await session.execute(text("UPDATE categories SET name = 'Moving Pictures' WHERE slug = :s"), {"s": SLUG})
        event = CategoryRenamed(aggregate_id=category_aggregate_id(SLUG), slug=SLUG, name="Moving Pictures")
        await outbox.record(session, catalog_outbox, event)
        creating = asyncio.create_task(
            client.post("/courses", json=COURSE | {"category": SLUG}, headers=teacher.headers)
        )
        await asyncio.sleep(0.5)
        assert not creating.done()  # blocked on the category row
    response = await creating

    assert response.status_code == 201, response.text
    [created] = await course_events(ctx, response.json()["id"], "CourseCreated")
    assert created["category_name"] == "Moving Pictures"
    [renamed] = await renamed_events(ctx, before.outbox_id)
    newer = await sql_scalar(ctx, "catalog", "SELECT id FROM outbox WHERE aggregate_id = :id", id=response.json()["id"])
    assert newer > renamed.id  # the outbox order agrees


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "   "},
        {"name": None},
        {"name": 7},
        {"name": "x" * 101},
        {"name": "Film\x00Video"},
        {"name": "Film\nVideo"},
        {"name": "Film\x7fVideo"},
        {"name": "\udfff"},
        {"name": "Film", "slug": "film"},
    ],
    ids=["missing", "empty", "blank", "null", "number", "too-long", "nul", "newline", "del", "surrogate", "extra"],
)
async def test_an_invalid_name_is_422_and_changes_nothing(client, ctx, boss, before, body):
    headers = boss.headers | {"content-type": "application/json"}

    # json.dumps escapes what httpx would not encode (a lone surrogate becomes the text \udfff)
    response = await client.patch(f"/admin/categories/{SLUG}", content=json.dumps(body).encode(), headers=headers)

    error = assert_error(response, 422, "validation_failed")
    assert error["details"] and all(detail["loc"][0] == "body" for detail in error["details"])
    assert await category_name(ctx) == before.name
    assert await renamed_events(ctx, before.outbox_id) == []


async def test_a_name_of_exactly_100_characters_is_accepted(client, ctx, boss, before):
    response = await rename(client, boss, "c" * 100)

    assert response.status_code == 200, response.text
    assert await category_name(ctx) == "c" * 100


async def test_an_unknown_slug_is_404(client, ctx, boss):
    for slug in ("no-such-subject", "Video-Production", "x" * 300):
        assert_error(await rename(client, boss, "Anything", slug=slug), 404, "not_found")
    assert await sql_scalar(ctx, "catalog", "SELECT count(*) FROM categories WHERE name = 'Anything'") == 0


async def test_only_an_admin_may_rename_a_category(client, ctx, before):
    assert_error(await client.patch(f"/admin/categories/{SLUG}", json={"name": "Film"}), 401, "unauthenticated")
    others = [
        await sign_up(client, "student"),
        await sign_up(client, "teacher"),
        await verified_teacher(client, ctx),
    ]
    for actor in others:
        assert_error(await rename(client, actor, "Film"), 403, "forbidden")
        assert_error(await rename(client, actor, "Film", slug="no-such-subject"), 403, "forbidden")  # 403 first
    bad_token = {"Authorization": "Bearer not-a-token"}
    response = await client.patch(f"/admin/categories/{SLUG}", json={"name": "Film"}, headers=bad_token)
    assert_error(response, 401, "invalid_token")

    assert await category_name(ctx) == before.name
    assert await renamed_events(ctx, before.outbox_id) == []


async def test_refused_before_the_body_is_read(client):
    """An anonymous caller learns nothing about the body's validity: 401 comes first."""
    assert_error(await client.patch(f"/admin/categories/{SLUG}", json={"name": ""}), 401)
