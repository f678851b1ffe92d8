"""PATCH /auth/me: a user renames themselves; the rename and its UserRenamed event commit together."""

import json

import pytest
from sqlalchemy import text

from tests.actors import admin, sign_up, verified_teacher
from tests.errors import assert_error
from tests.write.identity_helpers import events_of, user_by_id


async def rename(client, actor, name, **extra):
    return await client.patch("/auth/me", json={"name": name, **extra}, headers=actor.headers)


@pytest.mark.parametrize("role", ["student", "teacher", "admin"])
async def test_any_signed_in_user_may_rename_themselves(client, ctx, role):
    actor = await admin(client, ctx) if role == "admin" else await sign_up(client, role, name="Old Name")
    before = await user_by_id(ctx, actor.id)

    response = await rename(client, actor, "  Ada   King  ")

    assert response.status_code == 200, response.text
    assert response.json() == {
        "id": str(actor.id),
        "email": actor.email,
        "name": "Ada King",  # the PersonName rules: whitespace collapsed
        "role": role,
        "is_verified": role == "admin",
    }
    after = await user_by_id(ctx, actor.id)
    assert after.name == "Ada King" and after.updated_at > before.updated_at
    me = await client.get("/auth/me", headers=actor.headers)
    assert me.json()["name"] == "Ada King"


async def test_the_rename_records_user_renamed_in_the_same_transaction(client, ctx):
    teacher = await verified_teacher(client, ctx, name="Grace Brewster")

    await rename(client, teacher, "Grace Hopper")

    [event] = await events_of(ctx, teacher.id, "UserRenamed")
    assert event.aggregate_type == "user" and event.aggregate_id == teacher.id
    assert event.aggregate_version is None and event.delivered_at is None
    assert event.payload == {"name": "Grace Hopper", "role": "teacher"}
    async with ctx.databases.transaction("identity") as session:
        user_xmin = await session.scalar(text("SELECT xmin::text FROM users WHERE id = :id"), {"id": teacher.id})
        event_xmin = await session.scalar(text("SELECT xmin::text FROM outbox WHERE id = :id"), {"id": event.id})
    assert user_xmin == event_xmin  # written by one transaction


async def test_each_rename_is_an_event_in_order(client, ctx):
    student = await sign_up(client, "student", name="First")

    for name in ("Second", "Third"):
        assert (await rename(client, student, name)).status_code == 200

    events = await events_of(ctx, student.id, "UserRenamed")
    assert [event.payload for event in events] == [
        {"name": "Second", "role": "student"},
        {"name": "Third", "role": "student"},
    ]


async def test_renaming_to_the_same_name_changes_nothing(client, ctx):
    student = await sign_up(client, "student", name="Same Name")
    before = await user_by_id(ctx, student.id)

    response = await rename(client, student, " Same  Name ")  # the same once normalised

    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Same Name"
    assert await events_of(ctx, student.id, "UserRenamed") == []
    assert (await user_by_id(ctx, student.id)).updated_at == before.updated_at


async def test_a_rename_is_case_sensitive(client, ctx):
    student = await sign_up(client, "student", name="ada lovelace")

    assert (await rename(client, student, "Ada Lovelace")).status_code == 200

    [event] = await events_of(ctx, student.id, "UserRenamed")
    assert event.payload["name"] == "Ada Lovelace"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "   "},
        {"name": None},
        {"name": 42},
        {"name": "x" * 101},
        {"name": "Bad\x00Name"},
        {"name": "Bad\nName"},
        {"name": "Bad\x1bName"},
        {"name": "\ud800"},
        {"name": "Fine", "role": "admin"},  # unknown fields are refused: no promoting oneself
        {"name": "Fine", "email": "other@example.com"},
    ],
    ids=[
        "missing",
        "empty",
        "blank",
        "null",
        "number",
        "too-long",
        "nul",
        "newline",
        "escape",
        "lone-surrogate",
        "extra-role",
        "extra-email",
    ],
)
async def test_an_invalid_rename_is_422_and_changes_nothing(client, ctx, body):
    student = await sign_up(client, "student", name="Unchanged")
    before = await user_by_id(ctx, student.id)

    # json.dumps escapes what httpx would not encode (a lone surrogate becomes the text \ud800)
    headers = student.headers | {"content-type": "application/json"}
    response = await client.patch("/auth/me", content=json.dumps(body).encode(), headers=headers)

    error = assert_error(response, 422, "validation_failed")
    assert error["details"] and all(detail["loc"][0] == "body" for detail in error["details"])
    after = await user_by_id(ctx, student.id)
    assert (after.name, after.role, after.email, after.updated_at) == (
        before.name,
        before.role,
        before.email,
        before.updated_at,
    )
    assert await events_of(ctx, student.id, "UserRenamed") == []


async def test_a_name_of_exactly_100_characters_is_accepted(client, ctx):
    student = await sign_up(client, "student")

    response = await rename(client, student, "n" * 100)

    assert response.status_code == 200, response.text
    assert (await user_by_id(ctx, student.id)).name == "n" * 100


async def test_renaming_needs_a_signed_in_user(client):
    assert_error(await client.patch("/auth/me", json={"name": "Nobody"}), 401, "unauthenticated")
    response = await client.patch("/auth/me", json={"name": "Nobody"}, headers={"Authorization": "Bearer nope"})
    assert_error(response, 401, "invalid_token")


async def test_renaming_without_a_token_is_401_even_with_a_bad_body(client):
    assert_error(await client.patch("/auth/me", json={"name": ""}), 401)
