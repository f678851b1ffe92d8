"""POST /auth/register: the contract's body, lowercase unique emails, argon2id hashes, and the UserRegistered event."""

import asyncio
import uuid

import pytest
from sqlalchemy import select, text

from tests.actors import PASSWORD, unique_email
from tests.errors import assert_error
from tests.write.identity_helpers import argon2_parameters, events_of, user_by_email
from write.identity.models import User, outbox


def body(email: str | None = None, **changes) -> dict:
    return {"email": email or unique_email(), "password": PASSWORD, "name": "Ada Lovelace", "role": "student"} | changes


@pytest.mark.parametrize("role", ["student", "teacher"])
async def test_register_answers_201_with_the_contract_body(client, role):
    email = unique_email(role)

    response = await client.post("/auth/register", json=body(email, role=role, name="Ada Lovelace"))

    assert response.status_code == 201, response.text
    answer = response.json()
    assert set(answer) == {"id", "email", "name", "role", "is_verified"}
    assert uuid.UUID(answer["id"])
    assert answer == {"id": answer["id"], "email": email, "name": "Ada Lovelace", "role": role, "is_verified": False}


async def test_register_refuses_the_admin_role(client, ctx):
    email = unique_email("admin")

    response = await client.post("/auth/register", json=body(email, role="admin"))

    error = assert_error(response, 422, "validation_failed")
    assert ["body", "role"] in [detail["loc"] for detail in error["details"]]
    assert await user_by_email(ctx, email) is None


@pytest.mark.parametrize("field", [{"is_verified": True}, {"id": str(uuid.uuid4())}])
async def test_register_refuses_fields_a_user_may_not_set(client, ctx, field):
    email = unique_email()

    response = await client.post("/auth/register", json=body(email, role="teacher") | field)

    assert_error(response, 422, "validation_failed")
    assert await user_by_email(ctx, email) is None


async def test_duplicate_email_is_409_email_taken_in_any_case(client, ctx):
    email = unique_email()
    assert (await client.post("/auth/register", json=body(email))).status_code == 201

    same = await client.post("/auth/register", json=body(email, name="Someone Else"))
    shouted = await client.post("/auth/register", json=body(email.upper(), role="teacher"))

    assert_error(same, 409, "email_taken")
    assert_error(shouted, 409, "email_taken")
    user = await user_by_email(ctx, email)
    assert (user.name, user.role) == ("Ada Lovelace", "student")  # the first account is untouched
    assert len(await events_of(ctx, user.id, "UserRegistered")) == 1


async def test_concurrent_registrations_of_one_email_make_one_account_and_one_409(client, ctx):
    email = unique_email()

    responses = await asyncio.gather(*(client.post("/auth/register", json=body(email)) for _ in range(2)))

    assert sorted(r.status_code for r in responses) == [201, 409], [r.text for r in responses]
    assert_error(next(r for r in responses if r.status_code == 409), 409, "email_taken")
    async with ctx.databases.transaction("identity") as session:
        count = len(list(await session.scalars(select(User.id).where(User.email == email))))
        events = (
            await session.execute(
                select(outbox.c.id).where(
                    outbox.c.event_type == "UserRegistered", outbox.c.payload["email"].astext == email
                )
            )
        ).all()
    assert count == 1
    assert len(events) == 1


async def test_email_is_stored_and_answered_lowercase(client, ctx):
    email = "MiXeD-" + unique_email().upper()

    response = await client.post("/auth/register", json=body(email))

    assert response.status_code == 201, response.text
    assert response.json()["email"] == email.lower()
    assert (await user_by_email(ctx, email.lower())).id == uuid.UUID(response.json()["id"])
    assert await user_by_email(ctx, email) is None  # nothing stored in the original case


async def test_password_is_stored_as_an_argon2id_hash_at_the_owasp_parameters(client, ctx, settings):
    email = unique_email()

    assert (await client.post("/auth/register", json=body(email))).status_code == 201

    stored = (await user_by_email(ctx, email)).password_hash
    assert PASSWORD not in stored
    parameters = argon2_parameters(stored)
    assert parameters["variant"] == "argon2id"
    assert parameters["v"] == 19
    assert (parameters["m"], parameters["t"], parameters["p"]) == (19456, 2, 1)
    assert (settings.argon2_memory_kib, settings.argon2_time_cost, settings.argon2_parallelism) == (19456, 2, 1)
    assert len(parameters["salt"]) >= 22  # 16 random bytes, base64 without padding
    assert len(parameters["hash"]) >= 43  # 32 bytes


async def test_two_users_with_one_password_get_different_hashes(client, ctx):
    first, second = unique_email(), unique_email()
    for email in (first, second):
        assert (await client.post("/auth/register", json=body(email))).status_code == 201

    hashes = [(await user_by_email(ctx, email)).password_hash for email in (first, second)]

    assert hashes[0] != hashes[1]  # salted


async def test_user_registered_event_is_written_in_the_same_transaction(client, ctx):
    email = unique_email("teacher")

    response = await client.post("/auth/register", json=body(email, role="teacher", name="Grace Hopper"))

    user_id = uuid.UUID(response.json()["id"])
    [event] = await events_of(ctx, user_id)
    assert event.event_type == "UserRegistered"
    assert event.aggregate_type == "user"
    assert event.delivered_at is None
    assert event.payload == {"email": email, "name": "Grace Hopper", "role": "teacher", "is_verified": False}
    assert "password" not in str(event.payload) and PASSWORD not in str(event.payload)
    async with ctx.databases.transaction("identity") as session:
        user_xmin = await session.scalar(text("SELECT xmin::text FROM users WHERE id = :id"), {"id": user_id})
        event_xmin = await session.scalar(text("SELECT xmin::text FROM outbox WHERE id = :id"), {"id": event.id})
    assert user_xmin == event_xmin  # written by one transaction


async def test_refused_registration_leaves_no_row_and_no_event(client, ctx):
    email = unique_email()

    response = await client.post("/auth/register", json=body(email, password="short"))

    error = assert_error(response, 422, "validation_failed")
    assert ["body", "password"] in [detail["loc"] for detail in error["details"]]
    assert await user_by_email(ctx, email) is None
    async with ctx.databases.transaction("identity") as session:
        rows = (await session.execute(select(outbox.c.id).where(outbox.c.payload["email"].astext == email))).all()
    assert rows == []
