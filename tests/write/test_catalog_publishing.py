"""Publishing: a course goes public only with a lesson, and a published course never loses its last one."""

from tests.actors import verified_teacher
from tests.write.catalog_helpers import (
    add_lesson,
    add_module,
    assert_error,
    course_draft,
    create_course,
    events_of,
    snapshot,
    version_of,
)


async def test_a_course_without_lessons_cannot_be_published(client, ctx):
    teacher = await verified_teacher(client, ctx)
    course = await create_course(client, teacher)
    before = await snapshot(ctx, course["id"])
    assert_error(
        await client.post(f"/courses/{course['id']}/publish", headers=teacher.headers), 409, "course_has_no_lessons"
    )
    assert await snapshot(ctx, course["id"]) == before

    await add_module(client, teacher, course["id"], "Empty module")  # a module alone is not content
    before = await snapshot(ctx, course["id"])
    assert_error(
        await client.post(f"/courses/{course['id']}/publish", headers=teacher.headers), 409, "course_has_no_lessons"
    )
    assert await snapshot(ctx, course["id"]) == before
    assert (await course_draft(client, teacher, course["id"]))["status"] == "draft"


async def test_publish_unpublish_and_publish_again(client, ctx):
    teacher = await verified_teacher(client, ctx)
    h = teacher.headers
    course = await create_course(client, teacher)
    cid = course["id"]
    await add_lesson(client, teacher, (await add_module(client, teacher, cid))["id"])

    published = await client.post(f"/courses/{cid}/publish", headers=h)
    assert published.status_code == 200, published.text
    first = published.json()
    assert (first["status"], first["version"]) == ("published", 4) and first["published_at"]

    unpublished = (await client.post(f"/courses/{cid}/unpublish", headers=h)).json()
    assert (unpublished["status"], unpublished["version"]) == ("unpublished", 5)
    assert unpublished["published_at"] == first["published_at"]
    again = (await client.post(f"/courses/{cid}/unpublish", headers=h)).json()
    assert (again["status"], again["version"]) == ("unpublished", 5)

    republished = (await client.post(f"/courses/{cid}/publish", headers=h)).json()
    assert (republished["status"], republished["version"]) == ("published", 6)
    assert republished["published_at"] == first["published_at"]  # set by the first publication only
    types = [t for t, _, _ in await events_of(ctx, cid)]
    assert types[-3:] == ["CoursePublished", "CourseUnpublished", "CoursePublished"]


async def test_a_published_course_keeps_its_last_lesson(client, ctx):
    teacher = await verified_teacher(client, ctx)
    h = teacher.headers
    course = await create_course(client, teacher)
    cid = course["id"]
    module = await add_module(client, teacher, cid, "Has the lesson")
    empty = await add_module(client, teacher, cid, "Has nothing")
    lesson = await add_lesson(client, teacher, module["id"])
    assert (await client.post(f"/courses/{cid}/publish", headers=h)).status_code == 200

    before = await snapshot(ctx, cid)
    assert_error(await client.delete(f"/lessons/{lesson['id']}", headers=h), 409, "last_lesson_of_published_course")
    assert_error(await client.delete(f"/modules/{module['id']}", headers=h), 409, "last_lesson_of_published_course")
    assert await snapshot(ctx, cid) == before
    # Moving the only lesson elsewhere keeps the course's content: allowed.
    moved = await client.patch(f"/lessons/{lesson['id']}", json={"module_id": empty["id"]}, headers=h)
    assert moved.status_code == 200, moved.text
    assert (await client.delete(f"/modules/{module['id']}", headers=h)).status_code == 204  # it is empty now

    second = await add_lesson(client, teacher, empty["id"], title="Second")
    assert (await client.delete(f"/lessons/{lesson['id']}", headers=h)).status_code == 204
    assert_error(await client.delete(f"/lessons/{second['id']}", headers=h), 409, "last_lesson_of_published_course")

    assert (await client.post(f"/courses/{cid}/unpublish", headers=h)).status_code == 200
    version = await version_of(ctx, cid)
    deleted = await client.delete(f"/lessons/{second['id']}", headers=h)
    assert deleted.status_code == 204 and deleted.headers["Course-Version"] == str(version + 1)
    assert_error(await client.post(f"/courses/{cid}/publish", headers=h), 409, "course_has_no_lessons")
