"""Notifications: ``handle_event`` fed with real outbox rows of every domain, and the user's side of the API.

Events are produced through the command API, read back from each domain's own outbox, wrapped as the
projections workers will (``DeliveredEvent.from_row``) and handed to the handler -- twice, since delivery
is at least once. What users got is then checked through ``GET /notifications``.
"""

import asyncio
import base64
import importlib
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.actors import sign_up, verified_teacher
from tests.errors import assert_error
from tests.write.learning_helpers import complete, enrolled_student, published_course
from write.notification.handlers import handle_event
from write.notification.models import Notification
from write.notification.models import outbox as notification_outbox
from write.outbox import DeliveredEvent


async def outbox_events(
    ctx, domain: str, event_type: str, aggregate_id: uuid.UUID | None = None, **payload
) -> list[DeliveredEvent]:
    """``domain``'s outbox rows of this type (about this aggregate, whose payload has these values), oldest
    first, as the projections workers will deliver them."""
    outbox = importlib.import_module(f"write.{domain}.models").outbox
    query = select(outbox).where(outbox.c.event_type == event_type).order_by(outbox.c.id)
    if aggregate_id is not None:
        query = query.where(outbox.c.aggregate_id == aggregate_id)
    for key, value in payload.items():
        query = query.where(outbox.c.payload[key].astext == str(value))
    async with ctx.databases.transaction(domain) as session:
        return [DeliveredEvent.from_row(row) for row in (await session.execute(query)).all()]


async def deliver(ctx, event: DeliveredEvent, times: int = 2) -> list[int]:
    """Hands the event to the handler ``times`` times (redelivery); how many notifications each call made."""
    return [await handle_event(ctx, event) for _ in range(times)]


async def inbox(client, actor, **params) -> dict:
    response = await client.get("/notifications", params=params, headers=actor.headers)
    assert response.status_code == 200, response.text
    return response.json()


def summary(page: dict) -> list[tuple]:
    return [(item["kind"], item["title"], item["is_read"]) for item in page["items"]]


def synthetic(event_type: str, aggregate_id: uuid.UUID, occurred_at: datetime, **payload) -> DeliveredEvent:
    return DeliveredEvent(
        event_id=uuid.uuid4(),
        event_type=event_type,
        aggregate_type="test",
        aggregate_id=aggregate_id,
        aggregate_version=None,
        payload=payload,
        occurred_at=occurred_at,
    )


async def test_a_verified_teacher_is_told(client, ctx):
    teacher = await verified_teacher(client, ctx)
    [event] = await outbox_events(ctx, "identity", "TeacherVerified", aggregate_id=teacher.id)

    assert await deliver(ctx, event) == [1, 0]

    page = await inbox(client, teacher)
    assert summary(page) == [("teacher_verified", "Your teacher account is verified", False)]
    [item] = page["items"]
    assert set(item) == {"id", "kind", "title", "body", "data", "created_at", "read_at", "is_read"}
    assert item["data"] == {} and item["read_at"] is None and item["body"]
    assert datetime.fromisoformat(item["created_at"]) == event.occurred_at  # dated when it happened
    assert (page["unread_count"], page["next_cursor"]) == (1, None)


async def test_an_enrollment_tells_the_student_and_the_teacher(client, ctx):
    teacher, course, _ = await published_course(client, ctx, lessons=1, title="Cooking with <Fire> & Ice")
    student, _ = await enrolled_student(client, ctx, course)
    [event] = await outbox_events(ctx, "enrollment", "StudentEnrolled", student_id=student.id)
    assert {"student_id", "course_id", "teacher_id", "course_title"} <= set(event.payload)

    assert await deliver(ctx, event, times=3) == [2, 0, 0]

    student_page, teacher_page = await inbox(client, student), await inbox(client, teacher)
    assert summary(student_page) == [("enrolled", "You are enrolled in Cooking with <Fire> & Ice", False)]
    assert student_page["items"][0]["data"] == {"course_id": course["id"]}
    new_student = [item for item in teacher_page["items"] if item["kind"] == "new_student"]
    assert [(n["title"], n["data"]) for n in new_student] == [
        ("New student in Cooking with <Fire> & Ice", {"course_id": course["id"]})
    ]
    assert student_page["unread_count"] == 1


async def test_concurrent_redeliveries_make_each_notification_once(client, ctx):
    teacher, course, _ = await published_course(client, ctx, lessons=1)
    student, _ = await enrolled_student(client, ctx, course)
    [event] = await outbox_events(ctx, "enrollment", "StudentEnrolled", student_id=student.id)

    made = await asyncio.gather(*(handle_event(ctx, event) for _ in range(6)))

    assert sum(made) == 2
    assert len((await inbox(client, student))["items"]) == 1
    assert [i["kind"] for i in (await inbox(client, teacher))["items"]].count("new_student") == 1


async def test_a_review_tells_the_teacher_its_text_as_plain_data(client, ctx):
    teacher, course, _ = await published_course(client, ctx, lessons=1)
    student, _ = await enrolled_student(client, ctx, course)
    text = "Great course!\n<img src=x onerror=alert(1)>"
    response = await client.post(
        f"/courses/{course['id']}/reviews", json={"rating": 4, "text": text}, headers=student.headers
    )
    assert response.status_code == 201, response.text
    [event] = await outbox_events(ctx, "review", "ReviewPosted", student_id=student.id)

    assert await deliver(ctx, event) == [1, 0]

    reviews = [item for item in (await inbox(client, teacher))["items"] if item["kind"] == "review_posted"]
    assert len(reviews) == 1
    assert reviews[0]["title"] == f"New review (4/5) of {course['title']}"
    assert reviews[0]["body"] == text  # data, not HTML: whoever shows it escapes it
    assert reviews[0]["data"] == {"course_id": course["id"], "review_id": response.json()["id"], "rating": 4}
    assert [i["kind"] for i in (await inbox(client, student))["items"]] == []  # nothing delivered to them yet


async def test_completing_a_course_tells_the_student(client, ctx):
    _, course, lessons = await published_course(client, ctx, lessons=2, title="Knots for Sailors")
    student, _ = await enrolled_student(client, ctx, course)
    for lesson_id in lessons:
        assert (await complete(client, student, lesson_id)).status_code == 200
    [event] = await outbox_events(ctx, "enrollment", "CourseCompleted", student_id=student.id)
    [enrolled] = await outbox_events(ctx, "enrollment", "StudentEnrolled", student_id=student.id)

    assert await deliver(ctx, event) == [1, 0]
    assert await deliver(ctx, enrolled) == [2, 0]

    page = await inbox(client, student)
    assert summary(page) == [
        ("course_completed", "You completed Knots for Sailors", False),
        ("enrolled", "You are enrolled in Knots for Sailors", False),
    ]  # newest first, by when it happened, whatever order they were delivered in
    assert page["items"][0]["data"] == {"course_id": course["id"]}
    assert page["unread_count"] == 2


async def test_events_no_rule_knows_are_ignored(client, ctx):
    teacher, course, _ = await published_course(client, ctx, lessons=1)
    student = await sign_up(client, "student")
    course_id = uuid.UUID(course["id"])
    others = [
        *await outbox_events(ctx, "identity", "UserRegistered", aggregate_id=student.id),
        *await outbox_events(ctx, "identity", "UserLoggedIn", aggregate_id=teacher.id),
        *await outbox_events(ctx, "catalog", "CoursePublished", aggregate_id=course_id),
        *await outbox_events(ctx, "catalog", "LessonAdded", aggregate_id=course_id),
        synthetic("SomethingNobodyKnows", student.id, datetime.now(UTC), student_id=str(student.id)),
    ]
    assert len(others) >= 5

    async with ctx.databases.transaction("notification") as session:
        before = await session.scalar(select(func.count()).select_from(Notification))
    for event in others:
        assert await handle_event(ctx, event) == 0
    async with ctx.databases.transaction("notification") as session:
        assert await session.scalar(select(func.count()).select_from(Notification)) == before
    assert (await inbox(client, student))["items"] == []


async def test_long_titles_and_texts_are_clipped_to_fit(client, ctx):
    student, teacher = await sign_up(client, "student"), await sign_up(client, "teacher")
    title = "T" * 200
    enrolled = synthetic(
        "StudentEnrolled",
        uuid.uuid4(),
        datetime.now(UTC),
        student_id=str(student.id),
        teacher_id=str(teacher.id),
        course_id=str(uuid.uuid4()),
        course_title=title,
    )
    reviewed = synthetic(
        "ReviewPosted",
        uuid.uuid4(),
        datetime.now(UTC),
        student_id=str(student.id),
        teacher_id=str(teacher.id),
        course_id=str(uuid.uuid4()),
        course_title=title,
        rating=5,
        text="x" * 5000,
    )

    assert await handle_event(ctx, enrolled) == 2
    assert await handle_event(ctx, reviewed) == 1

    for item in (await inbox(client, student))["items"] + (await inbox(client, teacher))["items"]:
        assert len(item["title"]) <= 200 and item["title"].endswith("…")
        assert len(item["body"]) <= 5000


async def make_notifications(
    ctx, user_id: uuid.UUID, count: int, ties: int = 0, start: datetime = datetime(2030, 1, 1, tzinfo=UTC)
) -> None:
    """``count`` notifications an hour apart from ``start``, then ``ties`` more that share one earlier instant
    (the id breaks their tie)."""
    for n in range(count):
        assert await handle_event(ctx, synthetic("TeacherVerified", user_id, start + timedelta(hours=n))) == 1
    for _ in range(ties):
        assert await handle_event(ctx, synthetic("TeacherVerified", user_id, start - timedelta(days=1))) == 1


async def all_pages(client, actor, limit: int) -> list[dict]:
    pages, cursor = [], None
    while True:
        params = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        pages.append(await inbox(client, actor, **params))
        cursor = pages[-1]["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 50, "the cursor never ends"


async def test_pages_of_two_cover_every_notification_once_newest_first(client, ctx):
    teacher = await sign_up(client, "teacher")
    await make_notifications(ctx, teacher.id, count=4, ties=3)

    pages = await all_pages(client, teacher, limit=2)

    assert [len(p["items"]) for p in pages] == [2, 2, 2, 1]
    items = [item for page in pages for item in page["items"]]
    ids = [item["id"] for item in items]
    assert len(set(ids)) == 7
    keys = [(datetime.fromisoformat(i["created_at"]), uuid.UUID(i["id"])) for i in items]
    assert keys == sorted(keys, reverse=True)
    assert {p["unread_count"] for p in pages} == {7}
    async with ctx.databases.transaction("notification") as session:
        stored = await session.scalars(
            select(Notification.id)
            .where(Notification.user_id == teacher.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
        )
        assert ids == [str(i) for i in stored]


async def test_new_notifications_between_pages_cause_no_repeats_or_gaps(client, ctx):
    teacher = await sign_up(client, "teacher")
    await make_notifications(ctx, teacher.id, count=5)
    first = await inbox(client, teacher, limit=2)

    await make_notifications(ctx, teacher.id, count=3, start=datetime(2031, 1, 1, tzinfo=UTC))  # newer, on top
    rest, cursor = [], first["next_cursor"]
    while cursor:
        page = await inbox(client, teacher, limit=2, cursor=cursor)
        rest += page["items"]
        cursor = page["next_cursor"]

    seen = [i["id"] for i in first["items"] + rest]
    assert len(seen) == len(set(seen)) == 5  # the first page's older neighbours, each exactly once
    async with ctx.databases.transaction("notification") as session:
        total = await session.scalar(select(func.count()).where(Notification.user_id == teacher.id))
    assert total == 8


async def test_a_first_inbox_is_empty(client):
    student = await sign_up(client, "student")
    assert await inbox(client, student) == {"items": [], "next_cursor": None, "unread_count": 0}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


async def test_cursors_that_do_not_decode_are_refused(client, ctx):
    teacher, other = await sign_up(client, "teacher"), await sign_up(client, "teacher")
    await make_notifications(ctx, teacher.id, count=3)
    await make_notifications(ctx, other.id, count=3)
    real = (await inbox(client, teacher, limit=1))["next_cursor"]
    forged = [
        "garbage",
        ".",
        "a.b.c",
        "ünïcode.x",
        "%00",
        "\x00",
        real[:-3],
        _b64(b"2030-01-01T00:00:00|" + str(uuid.uuid4()).encode()),  # no time zone
        base64.urlsafe_b64encode(b"2030-01-01T00:00:00+00:00|not-a-uuid").decode(),
        "x" * 301,
    ]

    for cursor in forged:
        response = await client.get("/notifications", params={"cursor": cursor}, headers=teacher.headers)
        assert_error(response, 422)
        if len(cursor) <= 300:
            assert_error(response, 422, "invalid_cursor")
    # Someone else's cursor only moves the window over your own notifications.
    theirs = await client.get("/notifications", params={"cursor": real}, headers=other.headers)
    assert {item["id"] for item in theirs.json()["items"]} <= {
        item["id"] for item in (await inbox(client, other))["items"]
    }
    ok = await client.get("/notifications", params={"cursor": real}, headers=teacher.headers)
    assert ok.status_code == 200 and len(ok.json()["items"]) == 2


@pytest.mark.parametrize("limit", ["0", "101", "-1", "two", "1.5", ""])
async def test_bad_limits_are_422(client, limit):
    student = await sign_up(client, "student")
    response = await client.get("/notifications", params={"limit": limit}, headers=student.headers)
    assert_error(response, 422, "validation_failed")


async def test_the_api_needs_a_signed_in_user(client):
    assert_error(await client.get("/notifications"), 401, "unauthenticated")
    assert_error(await client.post(f"/notifications/{uuid.uuid4()}/read"), 401, "unauthenticated")
    bad = {"Authorization": "Bearer nope"}
    assert_error(await client.get("/notifications", headers=bad), 401)


async def read_events(ctx, notification_id) -> list:
    async with ctx.databases.transaction("notification") as session:
        query = select(notification_outbox).where(notification_outbox.c.aggregate_id == uuid.UUID(notification_id))
        return list((await session.execute(query)).all())


async def test_reading_a_notification_once_and_again(client, ctx):
    teacher = await sign_up(client, "teacher")
    await make_notifications(ctx, teacher.id, count=2)
    newest = (await inbox(client, teacher))["items"][0]

    response = await client.post(f"/notifications/{newest['id']}/read", headers=teacher.headers)

    assert response.status_code == 200, response.text
    read = response.json()
    assert read["id"] == newest["id"] and read["is_read"] is True and read["read_at"]
    assert {k: v for k, v in read.items() if k not in ("is_read", "read_at")} == {
        k: v for k, v in newest.items() if k not in ("is_read", "read_at")
    }
    page = await inbox(client, teacher)
    assert [i["is_read"] for i in page["items"]] == [True, False] and page["unread_count"] == 1
    [event] = await read_events(ctx, newest["id"])
    assert (event.event_type, event.aggregate_type) == ("NotificationRead", "notification")
    assert event.payload["user_id"] == str(teacher.id)
    assert datetime.fromisoformat(event.payload["read_at"]) == datetime.fromisoformat(read["read_at"])

    again = await client.post(f"/notifications/{newest['id']}/read", headers=teacher.headers)

    assert again.status_code == 200
    assert datetime.fromisoformat(again.json()["read_at"]) == datetime.fromisoformat(read["read_at"])
    assert len(await read_events(ctx, newest["id"])) == 1


async def test_racing_reads_record_one_event(client, ctx):
    teacher = await sign_up(client, "teacher")
    await make_notifications(ctx, teacher.id, count=1)
    [item] = (await inbox(client, teacher))["items"]

    responses = await asyncio.gather(
        *(client.post(f"/notifications/{item['id']}/read", headers=teacher.headers) for _ in range(6))
    )

    assert [r.status_code for r in responses] == [200] * 6
    assert len({r.json()["read_at"] for r in responses}) == 1
    assert len(await read_events(ctx, item["id"])) == 1


async def test_only_the_owner_may_read_a_notification(client, ctx):
    teacher, other = await sign_up(client, "teacher"), await sign_up(client, "student")
    await make_notifications(ctx, teacher.id, count=1)
    [item] = (await inbox(client, teacher))["items"]

    response = await client.post(f"/notifications/{item['id']}/read", headers=other.headers)
    assert_error(response, 404, "not_found")
    assert item["title"] not in response.text
    assert_error(await client.post(f"/notifications/{uuid.uuid4()}/read", headers=teacher.headers), 404)
    assert_error(await client.post("/notifications/123/read", headers=teacher.headers), 422)

    assert (await inbox(client, teacher))["unread_count"] == 1
    assert await read_events(ctx, item["id"]) == []
