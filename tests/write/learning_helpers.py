"""Shared steps of the learning tests (payment, enrollment, progress), through the real API.

Other domains' tests (review, notification, lesson access) import these too, so the signatures stay stable:
``published_course``, ``pay``, ``enroll``, ``enrolled_student``, ``complete``, ``payment_events``,
``enrollment_events``, ``enrollment_scalar``, ``enrollment_rows``, ``payment_scalar``, ``payment_rows``.
"""

import uuid
from decimal import Decimal

import httpx

from tests.actors import Actor, sign_up, verified_teacher
from tests.sql import sql_rows, sql_scalar
from tests.write.catalog_helpers import COURSE, add_lesson, add_module, create_course
from write.context import CommandContext


async def published_course(
    client: httpx.AsyncClient,
    ctx: CommandContext,
    price: str = "0",
    lessons: int = 3,
    teacher: Actor | None = None,
    **fields,
) -> tuple[Actor, dict, list[str]]:
    """A published course of a (new, verified) teacher with ``lessons`` lessons in one module.

    Returns ``(teacher, course, lesson_ids)``; ``course`` is the publish answer (id, title, price, ...),
    ``lesson_ids`` are in curriculum order. ``fields`` override the course body (title, category, ...).
    """
    teacher = teacher or await verified_teacher(client, ctx)
    course = await create_course(client, teacher, price=price, **fields)
    module = await add_module(client, teacher, course["id"])
    lesson_ids = [
        (await add_lesson(client, teacher, module["id"], title=f"Lesson {number}"))["id"]
        for number in range(1, lessons + 1)
    ]
    response = await client.post(f"/courses/{course['id']}/publish", headers=teacher.headers)
    assert response.status_code == 200, response.text
    return teacher, response.json(), lesson_ids


async def publish_many(
    client: httpx.AsyncClient, ctx: CommandContext, teacher: Actor, count: int, **fields
) -> list[dict]:
    """``count`` published courses of ``teacher`` (the publish answers), as ``published_course`` makes them."""
    return [(await published_course(client, ctx, teacher=teacher, **fields))[1] for _ in range(count)]


async def unavailable_course_ids(client: httpx.AsyncClient, ctx: CommandContext, price: str) -> list:
    """An unknown id, a draft and an unpublished course of that price: none may be paid for or joined."""
    teacher, course, _ = await published_course(client, ctx, price=price)
    draft = (await client.post("/courses", json=COURSE | {"price": price}, headers=teacher.headers)).json()
    assert (await client.post(f"/courses/{course['id']}/unpublish", headers=teacher.headers)).status_code == 200
    return [uuid.uuid4(), draft["id"], course["id"]]


async def pay(
    client: httpx.AsyncClient, student: Actor, course_id: str, idempotency_key: str | None = None
) -> httpx.Response:
    """POST /payments as the student (a fresh idempotency key unless given); the raw response."""
    body = {"course_id": str(course_id), "idempotency_key": idempotency_key or f"key-{uuid.uuid4()}"}
    return await client.post("/payments", json=body, headers=student.headers)


async def enroll(
    client: httpx.AsyncClient, student: Actor, course_id: str, payment_id: str | None = None
) -> httpx.Response:
    """POST /enrollments as the student; the raw response."""
    body: dict = {"course_id": str(course_id)}
    if payment_id is not None:
        body["payment_id"] = str(payment_id)
    return await client.post("/enrollments", json=body, headers=student.headers)


async def enrolled_student(
    client: httpx.AsyncClient, ctx: CommandContext, course: dict, student: Actor | None = None
) -> tuple[Actor, dict]:
    """A (new) student enrolled in ``course`` (a course dict with ``id`` and ``price``), paying first when
    the course is not free. Returns ``(student, enrollment)``, the enrollment as POST /enrollments answered."""
    student = student or await sign_up(client, "student")
    payment_id = None
    if Decimal(course["price"]) > 0:
        paid = await pay(client, student, course["id"])
        assert paid.status_code == 201, paid.text
        payment_id = paid.json()["id"]
    response = await enroll(client, student, course["id"], payment_id)
    assert response.status_code == 201, response.text
    return student, response.json()


async def complete(client: httpx.AsyncClient, student: Actor, lesson_id: str) -> httpx.Response:
    """POST /lessons/{id}/complete as the student; the raw response."""
    return await client.post(f"/lessons/{lesson_id}/complete", headers=student.headers)


async def enrollment_scalar(ctx: CommandContext, sql: str, **params):
    return await sql_scalar(ctx, "enrollment", sql, **params)


async def enrollment_rows(ctx: CommandContext, sql: str, **params) -> list:
    return await sql_rows(ctx, "enrollment", sql, **params)


async def payment_scalar(ctx: CommandContext, sql: str, **params):
    return await sql_scalar(ctx, "payment", sql, **params)


async def payment_rows(ctx: CommandContext, sql: str, **params) -> list:
    return await sql_rows(ctx, "payment", sql, **params)


async def enrollment_events(ctx: CommandContext, student_id: str | uuid.UUID) -> list:
    """Enrollment's outbox rows about the student, oldest first: (event_type, aggregate_id, payload)."""
    return await enrollment_rows(
        ctx,
        "SELECT event_type, aggregate_id, payload FROM outbox WHERE payload->>'student_id' = :student ORDER BY id",
        student=str(student_id),
    )


async def payment_events(ctx: CommandContext, student_id: str | uuid.UUID) -> list:
    """Payment's outbox rows about the student, oldest first: (event_type, aggregate_id, payload)."""
    return await payment_rows(
        ctx,
        "SELECT event_type, aggregate_id, payload FROM outbox WHERE payload->>'student_id' = :student ORDER BY id",
        student=str(student_id),
    )
