"""POST /lessons/{id}/complete: progress against the course's current lessons, and completing a course once."""

import asyncio
import uuid

from tests.actors import admin, sign_up
from tests.errors import assert_error
from tests.write.catalog_helpers import add_lesson, course_draft
from tests.write.learning_helpers import (
    complete,
    enroll,
    enrolled_student,
    enrollment_events,
    enrollment_scalar,
    pay,
    published_course,
)


async def progress_rows(ctx, student) -> int:
    return await enrollment_scalar(
        ctx,
        "SELECT count(*) FROM lesson_progress p JOIN enrollments e ON e.id = p.enrollment_id WHERE e.student_id = :s",
        s=str(student.id),
    )


async def my_enrollment(client, student, course_id: str) -> dict:
    response = await client.get("/me/enrollments", headers=student.headers)
    assert response.status_code == 200, response.text
    [item] = [item for item in response.json()["items"] if item["course_id"] == course_id]
    return item


async def done(client, student, lesson_id: str) -> dict:
    response = await complete(client, student, lesson_id)
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_whole_journey_pay_enroll_learn_complete(client, ctx):
    teacher, course, lessons = await published_course(client, ctx, price="29.90", lessons=3, title="Deep Testing")
    student = await sign_up(client, "student")
    paid = await pay(client, student, course["id"])
    assert paid.status_code == 201, paid.text
    enrolled = await enroll(client, student, course["id"], paid.json()["id"])
    assert enrolled.status_code == 201, enrolled.text
    enrollment_id = enrolled.json()["id"]

    answers = [await done(client, student, lesson) for lesson in lessons]

    assert answers == [
        {"course_id": course["id"], "progress_percent": 33, "course_completed": False},
        {"course_id": course["id"], "progress_percent": 66, "course_completed": False},
        {"course_id": course["id"], "progress_percent": 100, "course_completed": True},
    ]
    mine = await my_enrollment(client, student, course["id"])
    assert (mine["status"], mine["progress_percent"], mine["completed_lessons"], mine["total_lessons"]) == (
        "completed",
        100,
        3,
        3,
    )
    assert mine["completed_at"]
    events = await enrollment_events(ctx, student.id)
    assert [event_type for event_type, _, _ in events] == [
        "StudentEnrolled",
        "LessonCompleted",
        "LessonCompleted",
        "LessonCompleted",
        "CourseCompleted",
    ]
    assert {str(aggregate_id) for _, aggregate_id, _ in events} == {enrollment_id}
    assert [payload for event_type, _, payload in events if event_type == "LessonCompleted"] == [
        {"student_id": str(student.id), "course_id": course["id"], "lesson_id": lesson, "progress_percent": percent}
        for lesson, percent in zip(lessons, (33, 66, 100), strict=True)
    ]
    assert events[-1][2] == {
        "student_id": str(student.id),
        "course_id": course["id"],
        "course_title": "Deep Testing",
        "teacher_id": str(teacher.id),
    }


async def test_completing_a_lesson_again_changes_nothing(client, ctx):
    _, course, lessons = await published_course(client, ctx, lessons=2)
    student, _ = await enrolled_student(client, ctx, course)
    first = await done(client, student, lessons[0])
    before = (await progress_rows(ctx, student), len(await enrollment_events(ctx, student.id)))

    again = await done(client, student, lessons[0])

    assert again == first == {"course_id": course["id"], "progress_percent": 50, "course_completed": False}
    assert (await progress_rows(ctx, student), len(await enrollment_events(ctx, student.id))) == before


async def test_a_completed_course_is_completed_once(client, ctx):
    _, course, [only] = await published_course(client, ctx, lessons=1)
    student, _ = await enrolled_student(client, ctx, course)
    assert (await done(client, student, only))["course_completed"]
    again = await done(client, student, only)

    assert again == {"course_id": course["id"], "progress_percent": 100, "course_completed": True}
    types = [event_type for event_type, _, _ in await enrollment_events(ctx, student.id)]
    assert types.count("CourseCompleted") == 1


async def test_concurrent_completions_complete_the_course_once(client, ctx):
    _, course, lessons = await published_course(client, ctx, lessons=6)
    student, _ = await enrolled_student(client, ctx, course)

    responses = await asyncio.gather(*(complete(client, student, lesson) for lesson in lessons + lessons))

    assert [r.status_code for r in responses] == [200] * 12, [r.text for r in responses]
    types = [event_type for event_type, _, _ in await enrollment_events(ctx, student.id)]
    assert (types.count("LessonCompleted"), types.count("CourseCompleted")) == (6, 1)
    assert sorted(r.json()["progress_percent"] for r in responses)[-1] == 100
    assert await progress_rows(ctx, student) == 6
    assert (await my_enrollment(client, student, course["id"]))["status"] == "completed"


async def test_an_added_lesson_lowers_the_percent_and_a_removed_one_raises_it(client, ctx):
    teacher, course, lessons = await published_course(client, ctx, lessons=3)
    student, _ = await enrolled_student(client, ctx, course)
    await done(client, student, lessons[0])
    await done(client, student, lessons[1])
    assert (await my_enrollment(client, student, course["id"]))["progress_percent"] == 66

    module_id = (await course_draft(client, teacher, course["id"]))["modules"][0]["id"]
    await add_lesson(client, teacher, module_id, title="Lesson 4")
    mine = await my_enrollment(client, student, course["id"])
    assert (mine["progress_percent"], mine["completed_lessons"], mine["total_lessons"]) == (50, 2, 4)

    removed = await client.delete(f"/lessons/{lessons[2]}", headers=teacher.headers)
    assert removed.status_code == 204, removed.text
    mine = await my_enrollment(client, student, course["id"])
    assert (mine["progress_percent"], mine["completed_lessons"], mine["total_lessons"]) == (66, 2, 3)

    removed = await client.delete(f"/lessons/{lessons[0]}", headers=teacher.headers)  # a completed one
    assert removed.status_code == 204, removed.text
    mine = await my_enrollment(client, student, course["id"])
    assert (mine["progress_percent"], mine["completed_lessons"], mine["total_lessons"]) == (50, 1, 2)
    assert mine["status"] == "active"


async def test_a_completed_course_stays_completed_when_lessons_are_added(client, ctx):
    teacher, course, lessons = await published_course(client, ctx, lessons=2)
    student, _ = await enrolled_student(client, ctx, course)
    for lesson in lessons:
        await done(client, student, lesson)
    completed_at = (await my_enrollment(client, student, course["id"]))["completed_at"]

    module_id = (await course_draft(client, teacher, course["id"]))["modules"][0]["id"]
    new_lesson = (await add_lesson(client, teacher, module_id, title="Bonus"))["id"]

    mine = await my_enrollment(client, student, course["id"])
    assert (mine["status"], mine["progress_percent"], mine["completed_at"]) == ("completed", 66, completed_at)
    assert await done(client, student, new_lesson) == {
        "course_id": course["id"],
        "progress_percent": 100,
        "course_completed": True,
    }
    types = [event_type for event_type, _, _ in await enrollment_events(ctx, student.id)]
    assert (types.count("LessonCompleted"), types.count("CourseCompleted")) == (3, 1)


async def test_removing_the_last_missing_lesson_lets_the_next_completion_complete_the_course(client, ctx):
    teacher, course, lessons = await published_course(client, ctx, lessons=2)
    student, _ = await enrolled_student(client, ctx, course)
    await done(client, student, lessons[0])
    assert (await client.delete(f"/lessons/{lessons[1]}", headers=teacher.headers)).status_code == 204
    assert (await my_enrollment(client, student, course["id"]))["status"] == "active"

    assert await done(client, student, lessons[0]) == {
        "course_id": course["id"],
        "progress_percent": 100,
        "course_completed": True,
    }
    types = [event_type for event_type, _, _ in await enrollment_events(ctx, student.id)]
    assert types == ["StudentEnrolled", "LessonCompleted", "CourseCompleted"]  # no second LessonCompleted


async def test_a_course_without_lessons_is_at_zero(client, ctx):
    teacher, course, [only] = await published_course(client, ctx, lessons=1)
    student, _ = await enrolled_student(client, ctx, course)
    assert (await client.post(f"/courses/{course['id']}/unpublish", headers=teacher.headers)).status_code == 200
    assert (await client.delete(f"/lessons/{only}", headers=teacher.headers)).status_code == 204

    mine = await my_enrollment(client, student, course["id"])

    assert (mine["progress_percent"], mine["completed_lessons"], mine["total_lessons"]) == (0, 0, 0)


async def test_an_enrolled_student_keeps_learning_after_unpublishing(client, ctx):
    teacher, course, lessons = await published_course(client, ctx, lessons=2)
    student, _ = await enrolled_student(client, ctx, course)
    assert (await client.post(f"/courses/{course['id']}/unpublish", headers=teacher.headers)).status_code == 200

    assert (await done(client, student, lessons[0]))["progress_percent"] == 50


async def test_unknown_lessons_are_not_found(client, ctx):
    student = await sign_up(client, "student")

    assert_error(await complete(client, student, uuid.uuid4()), 404, "not_found")
    assert_error(await complete(client, student, "not-a-uuid"), 422, "validation_failed")
    assert await progress_rows(ctx, student) == 0


async def test_lessons_of_a_course_you_are_not_enrolled_in_are_refused(client, ctx):
    _, _, lessons = await published_course(client, ctx, lessons=2)
    _, other_course, _ = await published_course(client, ctx, lessons=1)
    stranger = await sign_up(client, "student")
    student, _ = await enrolled_student(client, ctx, other_course)  # enrolled, but elsewhere

    for actor in (stranger, student):
        assert_error(await complete(client, actor, lessons[0]), 403, "not_enrolled")
        assert await progress_rows(ctx, actor) == 0
    assert [event_type for event_type, _, _ in await enrollment_events(ctx, student.id)] == ["StudentEnrolled"]
    assert await enrollment_events(ctx, stranger.id) == []


async def test_only_students_complete_lessons(client, ctx):
    teacher, _, lessons = await published_course(client, ctx, lessons=1)

    assert_error(await client.post(f"/lessons/{lessons[0]}/complete"), 401, "unauthenticated")
    for actor in (teacher, await admin(client, ctx)):
        assert_error(await complete(client, actor, lessons[0]), 403, "forbidden")
    count = "SELECT count(*) FROM lesson_progress WHERE lesson_id = :l"
    assert await enrollment_scalar(ctx, count, l=lessons[0]) == 0
