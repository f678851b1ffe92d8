"""Shared steps of the catalog tests: authoring through the real API, and looking at catalog's rows and outbox."""

import uuid
from dataclasses import dataclass

import httpx

from tests.actors import Actor, admin, sign_up, verified_teacher
from tests.errors import assert_error  # noqa: F401 -- re-exported for the catalog tests
from tests.sql import sql_rows, sql_scalar
from write.context import CommandContext

COURSE = {
    "title": "Practical Testing",
    "description": "Write tests that **find bugs**.\n\n- real databases\n- no mocks",
    "category": "programming",
    "level": "intermediate",
    "price": "19.99",
    "language": "en",
}
LESSON = {"title": "A lesson", "content": "Some *markdown*.", "duration_minutes": 10}


async def create_course(client: httpx.AsyncClient, teacher: Actor, **fields) -> dict:
    response = await client.post("/courses", json=COURSE | fields, headers=teacher.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def add_module(client: httpx.AsyncClient, teacher: Actor, course_id: str, title: str = "A module", **fields):
    response = await client.post(
        f"/courses/{course_id}/modules", json={"title": title, **fields}, headers=teacher.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def add_lesson(client: httpx.AsyncClient, teacher: Actor, module_id: str, **fields) -> dict:
    response = await client.post(f"/modules/{module_id}/lessons", json=LESSON | fields, headers=teacher.headers)
    assert response.status_code == 201, response.text
    return response.json()


# A course with something in every field a card shows: markdown to strip, two modules, three lessons.
FULL_DESCRIPTION = "**Engines** that [compute](http://x)\n\nSecond *paragraph* with `code`.\n\n- one\n- two"
FULL_SUMMARY = "Engines that compute Second paragraph with code. one two"  # what a card shows of it


async def published_full_course(client: httpx.AsyncClient, ctx: CommandContext) -> tuple[Actor, dict, dict]:
    """Ada Lovelace's "Analytical Engines" (data-science, advanced, 12.50, in German): two modules, three
    lessons of 35 minutes in all (the first a preview), published. Returns (teacher, course, published)."""
    teacher = await verified_teacher(client, ctx, name="Ada Lovelace")
    course = await create_course(
        client, teacher, title="Analytical Engines", description=FULL_DESCRIPTION, category="data-science",
        level="advanced", price="12.50", language="de",
    )  # fmt: skip
    first = await add_module(client, teacher, course["id"], title="Basics")
    second = await add_module(client, teacher, course["id"], title="Further")
    await add_lesson(client, teacher, first["id"], title="Notes", duration_minutes=10, is_preview=True)
    await add_lesson(client, teacher, first["id"], title="Loops", duration_minutes=20)
    await add_lesson(client, teacher, second["id"], title="Cards", duration_minutes=5)
    published = await client.post(f"/courses/{course['id']}/publish", headers=teacher.headers)
    assert published.status_code == 200, published.text
    return teacher, course, published.json()


async def course_draft(client: httpx.AsyncClient, teacher: Actor, course_id: str) -> dict:
    response = await client.get(f"/courses/{course_id}", headers=teacher.headers)
    assert response.status_code == 200, response.text
    return response.json()


@dataclass
class Cast:
    """Everyone who may knock on a course: its owner and all who must not touch it."""

    owner: Actor
    other_teacher: Actor
    unverified_teacher: Actor
    student: Actor
    admin: Actor


async def cast(client: httpx.AsyncClient, ctx: CommandContext) -> Cast:
    boss = await admin(client, ctx)
    owner, other = await sign_up(client, "teacher"), await sign_up(client, "teacher")
    for teacher in (owner, other):
        response = await client.post(f"/admin/teachers/{teacher.id}/verify", headers=boss.headers)
        assert response.status_code == 200, response.text
    return Cast(owner, other, await sign_up(client, "teacher"), await sign_up(client, "student"), boss)


async def scalar(ctx: CommandContext, sql: str, **params):
    return await sql_scalar(ctx, "catalog", sql, **params)


async def rows(ctx: CommandContext, sql: str, **params) -> list:
    return await sql_rows(ctx, "catalog", sql, **params)


async def version_of(ctx: CommandContext, course_id: str | uuid.UUID) -> int | None:
    return await scalar(ctx, "SELECT version FROM courses WHERE id = :id", id=str(course_id))


async def events_of(ctx: CommandContext, course_id: str | uuid.UUID) -> list:
    """The course's outbox rows, oldest first: (event_type, aggregate_version, payload)."""
    return await rows(
        ctx,
        "SELECT event_type, aggregate_version, payload FROM outbox"
        " WHERE aggregate_type = 'course' AND aggregate_id = :id ORDER BY id",
        id=str(course_id),
    )


async def snapshot(ctx: CommandContext, course_id: str | uuid.UUID) -> tuple:
    """What must not move when a command is refused: the version, the events, the curriculum rows."""
    return (
        await version_of(ctx, course_id),
        len(await events_of(ctx, course_id)),
        await rows(ctx, "SELECT id, position, title FROM modules WHERE course_id = :id ORDER BY id", id=str(course_id)),
        await rows(
            ctx,
            "SELECT id, module_id, position, title FROM lessons WHERE course_id = :id ORDER BY id",
            id=str(course_id),
        ),
        await rows(ctx, "SELECT title, status, price FROM courses WHERE id = :id", id=str(course_id)),
    )
