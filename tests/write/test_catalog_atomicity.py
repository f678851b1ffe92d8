"""Rows and events commit together or not at all.

A real PostgreSQL trigger makes the outbox insert -- the last statement of a command, after its rows are
written and the version bumped -- fail for events carrying this test's marker. The command must answer
500 ``internal_error`` and leave neither its rows nor its event behind.
"""

import uuid
from contextlib import asynccontextmanager

import httpx
import pytest
from sqlalchemy import text

from tests.actors import verified_teacher
from tests.write.catalog_helpers import (
    COURSE,
    LESSON,
    add_lesson,
    add_module,
    assert_error,
    create_course,
    scalar,
    snapshot,
)


@asynccontextmanager
async def failing_outbox(ctx, marker: str):
    """Makes any outbox insert whose payload mentions ``marker`` (a UUID) raise; only this test's events
    carry it, so other tests' commands are not disturbed."""
    uuid.UUID(marker)  # it goes into SQL text
    name = f"test_fail_{uuid.uuid4().hex}"
    async with ctx.databases.transaction("catalog") as session:
        await session.execute(
            text(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF NEW.payload::text LIKE '%{marker}%' THEN RAISE EXCEPTION 'forced failure {marker}'; END IF; "
                f"RETURN NEW; END $$"
            )
        )
        await session.execute(
            text(f"CREATE TRIGGER {name} BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION {name}()")
        )
    try:
        yield
    finally:
        async with ctx.databases.transaction("catalog") as session:
            await session.execute(text(f"DROP TRIGGER IF EXISTS {name} ON outbox"))
            await session.execute(text(f"DROP FUNCTION IF EXISTS {name}()"))


@pytest.fixture
async def lenient_client(client):
    """The same app, but a server error comes back as its 500 answer instead of being raised in the test."""
    transport = httpx.ASGITransport(app=client._transport.app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://command-api") as lenient:
        yield lenient


async def test_a_failed_course_creation_leaves_nothing(client, lenient_client, ctx):
    teacher = await verified_teacher(client, ctx)
    marker = uuid.uuid4().hex
    async with failing_outbox(ctx, marker):
        response = await lenient_client.post(
            "/courses", json=COURSE | {"title": f"Doomed {marker}"}, headers=teacher.headers
        )
    assert_error(response, 500, "internal_error")
    assert marker not in response.text
    assert await scalar(ctx, "SELECT count(*) FROM courses WHERE teacher_id = :t", t=str(teacher.id)) == 0
    assert await scalar(ctx, "SELECT count(*) FROM outbox WHERE payload::text LIKE :m", m=f"%{marker}%") == 0
    # The trigger is gone: the same command now succeeds.
    assert (await create_course(client, teacher, title=f"Fine {marker}"))["version"] == 1


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/modules/{module}/lessons", LESSON | {"title": "Doomed {marker}"}),
        ("PATCH", "/lessons/{lesson}", {"content": "Doomed {marker}", "position": 1}),
        ("POST", "/courses/{course}/modules", {"title": "Doomed {marker}", "position": 1}),
        ("PATCH", "/courses/{course}", {"description": "Doomed {marker}", "price": 0}),
        ("DELETE", "/modules/{module}", None),
    ],
)
async def test_a_failed_change_leaves_rows_version_and_outbox_untouched(
    client, lenient_client, ctx, method, path, body
):
    teacher = await verified_teacher(client, ctx)
    course = await create_course(client, teacher)
    module = await add_module(client, teacher, course["id"])
    await add_lesson(client, teacher, module["id"], title="Stays")
    lesson = await add_lesson(client, teacher, module["id"], title="Stays too")
    # DELETE carries no text of ours; its event names the module, so the module id is the marker.
    marker = module["id"] if method == "DELETE" else uuid.uuid4().hex
    url = path.format(course=course["id"], module=module["id"], lesson=lesson["id"])
    payload = {k: v.format(marker=marker) if isinstance(v, str) else v for k, v in body.items()} if body else None
    before = await snapshot(ctx, course["id"])

    async with failing_outbox(ctx, marker):
        response = await lenient_client.request(method, url, json=payload, headers=teacher.headers)

    assert_error(response, 500, "internal_error")
    assert await snapshot(ctx, course["id"]) == before
    assert (
        await scalar(ctx, "SELECT count(*) FROM lessons WHERE content LIKE :m OR title LIKE :m", m=f"%{marker}%") == 0
    )
