"""POST /enrollments and GET /me/enrollments: free courses at once, paid ones with the student's own payment."""

import asyncio
import uuid

from tests.actors import admin, sign_up
from tests.errors import assert_error
from tests.write.learning_helpers import (
    enroll,
    enrolled_student,
    enrollment_events,
    enrollment_rows,
    pay,
    published_course,
    unavailable_course_ids,
)
from write.enrollment import public as enrollment_public

ENROLLMENT_FIELDS = {"id", "course_id", "status", "payment_id", "enrolled_at"}


async def enrollments_of(ctx, student) -> list:
    return await enrollment_rows(
        ctx, "SELECT id, course_id, payment_id, status FROM enrollments WHERE student_id = :s", s=str(student.id)
    )


async def nothing_recorded(ctx, student) -> None:
    assert await enrollments_of(ctx, student) == []
    assert await enrollment_events(ctx, student.id) == []


async def paid_for(client, student, course) -> str:
    response = await pay(client, student, course["id"])
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def test_a_student_enrolls_in_a_free_course(client, ctx):
    teacher, course, _ = await published_course(client, ctx, price="0", title="Free Testing")
    student = await sign_up(client, "student")

    response = await enroll(client, student, course["id"])

    assert response.status_code == 201, response.text
    enrollment = response.json()
    assert set(enrollment) == ENROLLMENT_FIELDS
    assert (enrollment["course_id"], enrollment["status"], enrollment["payment_id"]) == (course["id"], "active", None)
    assert enrollment["enrolled_at"]
    [(event_type, aggregate_id, payload)] = await enrollment_events(ctx, student.id)
    assert (event_type, str(aggregate_id)) == ("StudentEnrolled", enrollment["id"])
    assert payload == {
        "student_id": str(student.id),
        "course_id": course["id"],
        "teacher_id": str(teacher.id),
        "course_title": "Free Testing",
        "payment_id": None,
    }
    assert await enrollment_public.is_enrolled(ctx, student.id, uuid.UUID(course["id"]))


async def test_a_student_enrolls_in_a_paid_course_with_their_payment(client, ctx):
    teacher, course, _ = await published_course(client, ctx, price="19.99")
    student = await sign_up(client, "student")
    payment_id = await paid_for(client, student, course)

    response = await enroll(client, student, course["id"], payment_id)

    assert response.status_code == 201, response.text
    assert (response.json()["status"], response.json()["payment_id"]) == ("active", payment_id)
    [(_, _, payload)] = await enrollment_events(ctx, student.id)
    assert payload == {
        "student_id": str(student.id),
        "course_id": course["id"],
        "teacher_id": str(teacher.id),
        "course_title": course["title"],
        "payment_id": payment_id,
    }
    sql = "SELECT aggregate_type FROM outbox WHERE aggregate_id = :id"
    assert [row for (row,) in await enrollment_rows(ctx, sql, id=response.json()["id"])] == ["enrollment"]


async def test_a_payment_made_before_a_price_change_still_enrolls(client, ctx):
    teacher, course, _ = await published_course(client, ctx, price="10")
    student = await sign_up(client, "student")
    payment_id = await paid_for(client, student, course)
    repriced = await client.patch(f"/courses/{course['id']}", json={"price": "99"}, headers=teacher.headers)
    assert repriced.status_code == 200, repriced.text

    assert (await enroll(client, student, course["id"], payment_id)).status_code == 201


async def test_a_paid_course_needs_a_completed_payment_of_this_student_for_it(client, ctx):
    _, course, _ = await published_course(client, ctx, price="10")
    _, other_course, _ = await published_course(client, ctx, price="10")
    student, classmate = await sign_up(client, "student"), await sign_up(client, "student")
    classmates_payment = await paid_for(client, classmate, course)
    payment_for_other_course = await paid_for(client, student, other_course)

    for payment_id in (None, uuid.uuid4(), classmates_payment, payment_for_other_course):
        assert_error(await enroll(client, student, course["id"], payment_id), 402, "payment_required")
    await nothing_recorded(ctx, student)
    # The classmate's payment is still theirs to use.
    assert (await enroll(client, classmate, course["id"], classmates_payment)).status_code == 201


async def test_a_payment_enrolls_once(client, ctx):
    _, course, _ = await published_course(client, ctx, price="10")
    student = await sign_up(client, "student")
    payment_id = await paid_for(client, student, course)
    assert (await enroll(client, student, course["id"], payment_id)).status_code == 201

    assert_error(await enroll(client, student, course["id"], payment_id), 409, "payment_already_used")
    assert len(await enrollments_of(ctx, student)) == 1
    assert len(await enrollment_events(ctx, student.id)) == 1


async def test_enrolling_twice_is_a_conflict(client, ctx):
    _, free, _ = await published_course(client, ctx, price="0")
    student, _ = await enrolled_student(client, ctx, free)

    assert_error(await enroll(client, student, free["id"]), 409, "already_enrolled")

    _, paid, _ = await published_course(client, ctx, price="10")
    first_payment, second_payment = await paid_for(client, student, paid), await paid_for(client, student, paid)
    assert (await enroll(client, student, paid["id"], first_payment)).status_code == 201
    # The second payment is unused and valid: what would be duplicated is the enrollment.
    assert_error(await enroll(client, student, paid["id"], second_payment), 409, "already_enrolled")
    assert len(await enrollments_of(ctx, student)) == 2
    assert len(await enrollment_events(ctx, student.id)) == 2


async def test_a_payment_id_for_a_free_course_is_refused(client, ctx):
    _, course, _ = await published_course(client, ctx, price="0")
    student = await sign_up(client, "student")

    error = assert_error(await enroll(client, student, course["id"], uuid.uuid4()), 422, "course_is_free")

    assert error["details"][0]["loc"] == ["body", "payment_id"]
    await nothing_recorded(ctx, student)


async def test_unknown_and_unpublished_courses_are_not_found(client, ctx):
    unavailable = await unavailable_course_ids(client, ctx, price="0")
    student = await sign_up(client, "student")

    for course_id in unavailable:
        assert_error(await enroll(client, student, course_id), 404, "not_found")
    await nothing_recorded(ctx, student)


async def test_bad_bodies_are_refused(client, ctx):
    _, course, _ = await published_course(client, ctx, price="0", lessons=1)
    student = await sign_up(client, "student")
    bodies = [
        {},
        {"course_id": "not-a-uuid"},
        {"course_id": course["id"], "payment_id": "nope"},
        {"course_id": course["id"], "student_id": str(student.id)},
    ]

    for body in bodies:
        assert_error(await client.post("/enrollments", json=body, headers=student.headers), 422, "validation_failed")
    await nothing_recorded(ctx, student)


async def test_only_students_enroll(client, ctx):
    teacher, course, _ = await published_course(client, ctx, price="0")

    assert_error(await client.post("/enrollments", json={"course_id": course["id"]}), 401, "unauthenticated")
    assert_error(await client.get("/me/enrollments"), 401, "unauthenticated")
    for actor in (teacher, await admin(client, ctx)):
        assert_error(await enroll(client, actor, course["id"]), 403, "forbidden")
        assert_error(await client.get("/me/enrollments", headers=actor.headers), 403, "forbidden")
        await nothing_recorded(ctx, actor)


async def test_concurrent_enrollments_make_one(client, ctx):
    _, course, _ = await published_course(client, ctx, price="0")
    student = await sign_up(client, "student")

    responses = await asyncio.gather(*(enroll(client, student, course["id"]) for _ in range(4)))

    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409], [r.text for r in responses]
    for refused in (r for r in responses if r.status_code == 409):
        assert_error(refused, 409, "already_enrolled")
    assert len(await enrollments_of(ctx, student)) == 1
    assert len(await enrollment_events(ctx, student.id)) == 1


async def test_concurrent_enrollments_with_one_payment_make_one(client, ctx):
    _, course, _ = await published_course(client, ctx, price="10")
    student = await sign_up(client, "student")
    payment_id = await paid_for(client, student, course)

    responses = await asyncio.gather(*(enroll(client, student, course["id"], payment_id) for _ in range(3)))

    assert sorted(r.status_code for r in responses) == [201, 409, 409], [r.text for r in responses]
    for refused in (r for r in responses if r.status_code == 409):
        assert assert_error(refused, 409)["code"] in ("payment_already_used", "already_enrolled")
    assert len(await enrollments_of(ctx, student)) == 1


async def test_my_enrollments_newest_first_with_progress(client, ctx):
    _, first, _ = await published_course(client, ctx, price="0", lessons=2)
    _, second, lessons = await published_course(client, ctx, price="10", lessons=3)
    student, older = await enrolled_student(client, ctx, first)
    _, newer = await enrolled_student(client, ctx, second, student)
    completed = await client.post(f"/lessons/{lessons[0]}/complete", headers=student.headers)
    assert completed.status_code == 200, completed.text

    response = await client.get("/me/enrollments", headers=student.headers)

    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [item["id"] for item in items] == [newer["id"], older["id"]]
    assert items[0] == {
        "id": newer["id"],
        "course_id": second["id"],
        "status": "active",
        "progress_percent": 33,
        "completed_lessons": 1,
        "total_lessons": 3,
        "enrolled_at": newer["enrolled_at"],
        "completed_at": None,
    }
    assert (items[1]["progress_percent"], items[1]["completed_lessons"], items[1]["total_lessons"]) == (0, 0, 2)


async def test_a_student_without_enrollments_has_none(client):
    student = await sign_up(client, "student")

    response = await client.get("/me/enrollments", headers=student.headers)

    assert (response.status_code, response.json()) == (200, {"items": []})
