"""Who may author: a verified teacher, on their own courses only. Everyone else is refused and changes nothing.

anonymous -> 401, student and admin -> 403, unverified teacher -> 403 ``teacher_not_verified``, another
verified teacher -> 404 (someone else's course is never revealed), owner -> the command's success.
"""

import pytest

from tests.write.catalog_helpers import (
    COURSE,
    LESSON,
    add_lesson,
    add_module,
    assert_error,
    cast,
    create_course,
    scalar,
    snapshot,
)

# (method, path, body, the owner's status). {course}, {module}, {lesson} are the owner's.
COMMANDS = [
    ("GET", "/courses/{course}", None, 200),
    ("PATCH", "/courses/{course}", {"title": "Renamed by someone"}, 200),
    ("POST", "/courses/{course}/publish", None, 200),
    ("POST", "/courses/{course}/unpublish", None, 200),
    ("POST", "/courses/{course}/modules", {"title": "Intruding module"}, 201),
    ("PATCH", "/modules/{module}", {"title": "Renamed module", "position": 2}, 200),
    ("DELETE", "/modules/{module}", None, 204),
    ("POST", "/modules/{module}/lessons", LESSON, 201),
    ("PATCH", "/lessons/{lesson}", {"title": "Renamed lesson", "position": 2}, 200),
    ("DELETE", "/lessons/{lesson}", None, 204),
]
REFUSED = [
    ("anonymous", 401, "unauthenticated"),
    ("student", 403, "forbidden"),
    ("admin", 403, "forbidden"),
    ("unverified_teacher", 403, "teacher_not_verified"),
    ("other_teacher", 404, "not_found"),
]


@pytest.mark.parametrize(("method", "path", "body", "owner_status"), COMMANDS, ids=[f"{c[0]} {c[1]}" for c in COMMANDS])
async def test_only_the_owner_may_touch_a_course(client, ctx, method, path, body, owner_status):
    people = await cast(client, ctx)
    course = await create_course(client, people.owner)
    module = await add_module(client, people.owner, course["id"], "First")
    await add_module(client, people.owner, course["id"], "Second")
    lesson = await add_lesson(client, people.owner, module["id"], title="First lesson")
    await add_lesson(client, people.owner, module["id"], title="Second lesson")
    url = path.format(course=course["id"], module=module["id"], lesson=lesson["id"])
    before = await snapshot(ctx, course["id"])

    for who, status, code in REFUSED:
        headers = {} if who == "anonymous" else getattr(people, who).headers
        response = await client.request(method, url, json=body, headers=headers)
        assert_error(response, status, code)
        assert course["title"] not in response.text, who  # a refusal reveals nothing of the course
        assert await snapshot(ctx, course["id"]) == before, f"{who} changed something with {method} {url}"

    response = await client.request(method, url, json=body, headers=people.owner.headers)
    assert response.status_code == owner_status, response.text


CREATORS = [
    ("anonymous", 401, "unauthenticated"),
    ("student", 403, "forbidden"),
    ("admin", 403, "forbidden"),
    ("unverified_teacher", 403, "teacher_not_verified"),
    ("other_teacher", 201, None),
    ("owner", 201, None),
]


@pytest.mark.parametrize(("who", "status", "code"), CREATORS)
async def test_only_verified_teachers_create_courses(client, ctx, who, status, code):
    people = await cast(client, ctx)
    headers = {} if who == "anonymous" else getattr(people, who).headers
    actor_id = None if who == "anonymous" else str(getattr(people, who).id)

    response = await client.post("/courses", json=COURSE, headers=headers)

    if status == 201:
        assert response.status_code == 201, response.text
        assert response.json()["teacher_id"] == actor_id
        return
    assert_error(response, status, code)
    if actor_id is not None:
        assert await scalar(ctx, "SELECT count(*) FROM courses WHERE teacher_id = :t", t=actor_id) == 0
        assert await scalar(ctx, "SELECT count(*) FROM outbox WHERE payload->>'teacher_id' = :t", t=actor_id) == 0


async def test_teachers_list_only_their_own_courses(client, ctx):
    people = await cast(client, ctx)
    first = await create_course(client, people.owner, title="First course")
    second = await create_course(client, people.owner, title="Second course")
    await add_lesson(client, people.owner, (await add_module(client, people.owner, second["id"]))["id"])
    await create_course(client, people.other_teacher, title="Not yours")

    mine = await client.get("/me/courses", headers=people.owner.headers)
    assert mine.status_code == 200, mine.text
    items = mine.json()["items"]
    assert [c["id"] for c in items] == [second["id"], first["id"]]  # newest first
    assert (items[0]["module_count"], items[0]["lesson_count"]) == (1, 1)
    assert "description" not in items[0]
    paged = await client.get("/me/courses?limit=1&offset=1", headers=people.owner.headers)
    assert [c["id"] for c in paged.json()["items"]] == [first["id"]]

    for who, status, code in REFUSED[:4]:
        headers = {} if who == "anonymous" else getattr(people, who).headers
        assert_error(await client.get("/me/courses", headers=headers), status, code)


async def test_categories_are_public(client):
    response = await client.get("/categories")
    assert response.status_code == 200
    assert {"slug": "programming", "name": "Programming"} in response.json()["items"]


async def test_unknown_and_malformed_ids(client, ctx):
    people = await cast(client, ctx)
    h = people.owner.headers
    unknown = "00000000-0000-4000-8000-000000000000"
    for method, path, body, _ in COMMANDS:
        url = path.format(course=unknown, module=unknown, lesson=unknown)
        assert_error(await client.request(method, url, json=body, headers=h), 404, "not_found")
        malformed = path.format(course="nope", module="1", lesson="x' OR 1=1")
        assert_error(await client.request(method, malformed, json=body, headers=h), 422, "validation_failed")
