"""POST /payments: a student pays the course's current price, once per idempotency key."""

import asyncio
import uuid
from decimal import Decimal

import pytest

from tests.actors import admin, sign_up
from tests.errors import assert_error
from tests.write.learning_helpers import (
    enrolled_student,
    pay,
    payment_events,
    payment_rows,
    payment_scalar,
    published_course,
    unavailable_course_ids,
)
from write.payment import providers
from write.payment.providers import ChargeOutcome

PAYMENT_FIELDS = {"id", "course_id", "status", "amount", "currency", "created_at"}


async def payments_of(ctx, student) -> list:
    return await payment_rows(
        ctx,
        "SELECT id, course_id, idempotency_key, amount, status FROM payments WHERE student_id = :s ORDER BY created_at",
        s=str(student.id),
    )


async def nothing_recorded(ctx, student) -> None:
    assert await payments_of(ctx, student) == []
    assert await payment_events(ctx, student.id) == []


async def test_a_student_pays_the_current_price_of_a_course(client, ctx, settings):
    _, course, _ = await published_course(client, ctx, price="19.99")
    student = await sign_up(client, "student")

    response = await pay(client, student, course["id"], "checkout-1")

    assert response.status_code == 201, response.text
    payment = response.json()
    assert set(payment) == PAYMENT_FIELDS
    assert payment["status"] == "completed"
    assert (payment["course_id"], payment["amount"], payment["currency"]) == (course["id"], "19.99", settings.currency)
    [(status, amount, provider, reference, completed_at)] = await payment_rows(
        ctx,
        "SELECT status, amount, provider, provider_reference, completed_at FROM payments WHERE id = :id",
        id=payment["id"],
    )
    assert (status, amount, provider) == ("completed", Decimal("19.99"), "mock") and reference and completed_at
    [(event_type, aggregate_id, payload)] = await payment_events(ctx, student.id)
    assert (event_type, str(aggregate_id)) == ("PaymentCompleted", payment["id"])
    assert payload == {
        "student_id": str(student.id),
        "course_id": course["id"],
        "amount": "19.99",
        "currency": settings.currency,
        "provider": "mock",
        "provider_reference": reference,
    }
    sql = "SELECT aggregate_type FROM outbox WHERE aggregate_id = :id"
    assert await payment_scalar(ctx, sql, id=payment["id"]) == "payment"


async def test_the_same_key_again_answers_200_with_the_same_payment(client, ctx):
    _, course, _ = await published_course(client, ctx, price="10")
    student = await sign_up(client, "student")
    first = await pay(client, student, course["id"], "double-click")
    assert first.status_code == 201, first.text

    again = await pay(client, student, course["id"], "double-click")

    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    assert len(await payments_of(ctx, student)) == 1
    assert len(await payment_events(ctx, student.id)) == 1


async def test_a_replay_is_answered_even_after_enrolling_or_unpublishing(client, ctx):
    teacher, course, _ = await published_course(client, ctx, price="10")
    student = await sign_up(client, "student")
    first = await pay(client, student, course["id"], "k")
    enrolled = await client.post(
        "/enrollments", json={"course_id": course["id"], "payment_id": first.json()["id"]}, headers=student.headers
    )
    assert enrolled.status_code == 201, enrolled.text
    assert (await client.post(f"/courses/{course['id']}/unpublish", headers=teacher.headers)).status_code == 200

    again = await pay(client, student, course["id"], "k")

    assert (again.status_code, again.json()) == (200, first.json())


async def test_a_key_used_for_another_course_is_refused(client, ctx):
    _, first_course, _ = await published_course(client, ctx, price="10")
    _, second_course, _ = await published_course(client, ctx, price="20")
    student = await sign_up(client, "student")
    assert (await pay(client, student, first_course["id"], "my-key")).status_code == 201

    assert_error(await pay(client, student, second_course["id"], "my-key"), 409, "idempotency_key_reused")
    assert [row.course_id for row in await payments_of(ctx, student)] == [uuid.UUID(first_course["id"])]


async def test_the_same_key_of_two_students_is_two_payments(client, ctx):
    _, course, _ = await published_course(client, ctx, price="10")
    alice, bob = await sign_up(client, "student"), await sign_up(client, "student")

    paid = [await pay(client, student, course["id"], "shared-key") for student in (alice, bob)]

    assert [r.status_code for r in paid] == [201, 201]
    assert paid[0].json()["id"] != paid[1].json()["id"]


async def test_concurrent_payments_with_one_key_make_one_payment(client, ctx):
    _, course, _ = await published_course(client, ctx, price="10")
    student = await sign_up(client, "student")

    responses = await asyncio.gather(*(pay(client, student, course["id"], "racing-key") for _ in range(4)))

    assert sorted(r.status_code for r in responses) == [200, 200, 200, 201], [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    assert len(await payments_of(ctx, student)) == 1
    assert len(await payment_events(ctx, student.id)) == 1


async def test_the_amount_is_the_price_at_payment_time(client, ctx):
    teacher, course, _ = await published_course(client, ctx, price="10.00")
    early = await sign_up(client, "student")
    before = await pay(client, early, course["id"])
    repriced = await client.patch(f"/courses/{course['id']}", json={"price": "25.50"}, headers=teacher.headers)
    assert repriced.status_code == 200, repriced.text
    late = await sign_up(client, "student")

    after = await pay(client, late, course["id"])

    assert (before.json()["amount"], after.json()["amount"]) == ("10.00", "25.50")
    [(_, _, _, earlier_amount, _)] = await payments_of(ctx, early)
    assert earlier_amount == Decimal("10.00")  # what was paid stays what was paid
    [(_, _, payload)] = await payment_events(ctx, late.id)
    assert payload["amount"] == "25.50"


async def test_an_amount_from_the_client_is_refused(client, ctx):
    _, course, _ = await published_course(client, ctx, price="10")
    student = await sign_up(client, "student")
    body = {"course_id": course["id"], "idempotency_key": "k", "amount": "0.01"}

    error = assert_error(await client.post("/payments", json=body, headers=student.headers), 422, "validation_failed")

    assert error["details"][0]["loc"] == ["body", "amount"]
    await nothing_recorded(ctx, student)


@pytest.mark.parametrize(
    "key",
    ["", "x" * 101, "tab\there", "new\nline", "nul\x00", 12345, None],
    ids=["empty", "101 chars", "tab", "newline", "NUL", "number", "null"],
)
async def test_bad_idempotency_keys_are_refused(client, ctx, key):
    _, course, _ = await published_course(client, ctx, price="10", lessons=1)
    student = await sign_up(client, "student")
    body = {"course_id": course["id"], "idempotency_key": key}

    assert_error(await client.post("/payments", json=body, headers=student.headers), 422, "validation_failed")
    await nothing_recorded(ctx, student)


async def test_a_100_character_printable_key_is_accepted(client, ctx):
    _, course, _ = await published_course(client, ctx, price="10", lessons=1)
    student = await sign_up(client, "student")

    assert (await pay(client, student, course["id"], "é-" + "k" * 98)).status_code == 201


async def test_body_fields_are_required(client, ctx):
    student = await sign_up(client, "student")
    bodies = [{}, {"course_id": str(uuid.uuid4())}, {"idempotency_key": "k"}, {"course_id": "x", "idempotency_key": 1}]
    for body in bodies:
        assert_error(await client.post("/payments", json=body, headers=student.headers), 422, "validation_failed")
    await nothing_recorded(ctx, student)


async def test_unknown_and_unpublished_courses_are_not_found(client, ctx):
    unavailable = await unavailable_course_ids(client, ctx, price="10")
    student = await sign_up(client, "student")

    for course_id in unavailable:
        assert_error(await pay(client, student, course_id), 404, "not_found")
    await nothing_recorded(ctx, student)


async def test_a_free_course_is_not_paid_for(client, ctx):
    _, course, _ = await published_course(client, ctx, price="0")
    student = await sign_up(client, "student")

    assert_error(await pay(client, student, course["id"]), 409, "course_is_free")
    await nothing_recorded(ctx, student)


async def test_an_enrolled_student_does_not_pay_again(client, ctx):
    _, course, _ = await published_course(client, ctx, price="10")
    student, _ = await enrolled_student(client, ctx, course)

    assert_error(await pay(client, student, course["id"]), 409, "already_enrolled")
    assert len(await payments_of(ctx, student)) == 1  # only the payment that enrolled them


async def test_only_students_pay(client, ctx):
    teacher, course, _ = await published_course(client, ctx, price="10")
    body = {"course_id": course["id"], "idempotency_key": "k"}

    assert_error(await client.post("/payments", json=body), 401, "unauthenticated")
    for actor in (teacher, await sign_up(client, "teacher"), await admin(client, ctx)):
        assert_error(await client.post("/payments", json=body, headers=actor.headers), 403, "forbidden")
        await nothing_recorded(ctx, actor)


class DecliningProvider:
    name = "declining"

    async def charge(self, *, payment_id, amount, currency, idempotency_key) -> ChargeOutcome:
        return ChargeOutcome(reference=f"declined_{payment_id.hex}", completed=False)


@pytest.fixture
def declining_provider():
    previous = providers.install(lambda ctx: DecliningProvider())
    yield
    providers.install(previous)


async def test_a_declined_charge_is_kept_as_failed_and_stays_declined(client, ctx, declining_provider):
    _, course, _ = await published_course(client, ctx, price="10")
    student = await sign_up(client, "student")

    assert_error(await pay(client, student, course["id"], "card"), 402, "payment_declined")
    assert_error(await pay(client, student, course["id"], "card"), 402, "payment_declined")  # not charged again

    [(payment_id, _, _, _, status)] = await payments_of(ctx, student)
    assert status == "failed"
    [(event_type, aggregate_id, payload)] = await payment_events(ctx, student.id)  # one event, not one per try
    assert (event_type, aggregate_id, payload["course_id"]) == ("PaymentDeclined", payment_id, course["id"])
    enrolled = await client.post(
        "/enrollments", json={"course_id": course["id"], "payment_id": str(payment_id)}, headers=student.headers
    )
    assert_error(enrolled, 402, "payment_required")
