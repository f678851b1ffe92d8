"""Course versions and events: one change, one version, one event -- and nothing for a change of nothing."""

from tests.actors import verified_teacher
from tests.write.catalog_helpers import (
    COURSE,
    add_lesson,
    add_module,
    course_draft,
    create_course,
    events_of,
    version_of,
)


async def test_create_answers_the_full_draft_at_version_one(client, ctx, settings):
    teacher = await verified_teacher(client, ctx)
    course = await create_course(client, teacher, price=25, language="EN")

    assert course["version"] == 1 and course["status"] == "draft"
    assert course["teacher_id"] == str(teacher.id)
    assert course["price"] == "25.00" and course["currency"] == settings.currency
    assert course["language"] == "en" and course["category"] == COURSE["category"]
    assert course["title"] == COURSE["title"] and course["description"] == COURSE["description"]
    assert course["published_at"] is None and course["created_at"] and course["updated_at"]
    [(event_type, version, payload)] = await events_of(ctx, course["id"])
    assert (event_type, version) == ("CourseCreated", 1)
    assert payload["price"] == "25.00" and payload["category"] == "programming"
    assert payload["category_name"] == "Programming" and payload["teacher_id"] == str(teacher.id)
    assert payload["description"] == COURSE["description"]  # markdown as written, never rendered


async def test_every_change_bumps_the_version_once_and_records_one_event(client, ctx):
    teacher = await verified_teacher(client, ctx)
    h = teacher.headers
    course = await create_course(client, teacher)
    cid = course["id"]
    answers = []

    async def step(method: str, url: str, expected: int = 200, **kwargs):
        response = await client.request(method, url, headers=h, **kwargs)
        assert response.status_code == expected, response.text
        answers.append(response)
        return response.json() if response.content else None

    await step("PATCH", f"/courses/{cid}", json={"title": "Practical Testing, 2nd edition", "price": "29"})
    module = await step("POST", f"/courses/{cid}/modules", 201, json={"title": "Basics"})
    await step("PATCH", f"/modules/{module['id']}", json={"title": "The basics"})
    second = await step("POST", f"/courses/{cid}/modules", 201, json={"title": "More"})
    await step("PATCH", f"/modules/{second['id']}", json={"position": 1})
    lesson = await step(
        "POST", f"/modules/{module['id']}/lessons", 201, json={"title": "One", "content": "", "duration_minutes": 5}
    )
    await step("PATCH", f"/lessons/{lesson['id']}", json={"content": "# Now with words", "is_preview": True})
    await step("PATCH", f"/lessons/{lesson['id']}", json={"module_id": second["id"]})
    await step("POST", f"/courses/{cid}/publish")
    await step("POST", f"/courses/{cid}/unpublish")
    await step("DELETE", f"/lessons/{lesson['id']}", 204)
    await step("DELETE", f"/modules/{module['id']}", 204)

    def answered_version(response):
        if response.status_code == 204:
            return int(response.headers["Course-Version"])
        body = response.json()
        return body.get("version", body.get("course_version"))

    assert [answered_version(r) for r in answers] == list(range(2, 14))
    assert await version_of(ctx, cid) == 13
    history = await events_of(ctx, cid)
    assert [(t, v) for t, v, _ in history] == [
        ("CourseCreated", 1),
        ("CourseUpdated", 2),
        ("ModuleAdded", 3),
        ("ModuleUpdated", 4),
        ("ModuleAdded", 5),
        ("ModuleUpdated", 6),
        ("LessonAdded", 7),
        ("LessonUpdated", 8),
        ("LessonUpdated", 9),
        ("CoursePublished", 10),
        ("CourseUnpublished", 11),
        ("LessonRemoved", 12),
        ("ModuleRemoved", 13),
    ]
    payloads = [p for _, _, p in history]
    assert payloads[1]["changes"] == {"title": "Practical Testing, 2nd edition", "price": "29.00"}
    assert payloads[3]["changes"] == {"title": "The basics"} and payloads[3]["module_order"] is None
    assert payloads[5]["changes"] == {"position": 1}
    assert payloads[5]["module_order"] == [second["id"], module["id"]]
    assert payloads[7]["changes"] == {"content": "# Now with words", "is_preview": True}
    assert payloads[8]["changes"] == {"module_id": second["id"], "position": 1}
    assert payloads[8]["lesson_orders"] == {module["id"]: [], second["id"]: [lesson["id"]]}
    assert payloads[12]["module_order"] == [second["id"]] and payloads[12]["removed_lesson_ids"] == []


async def test_a_change_of_nothing_keeps_the_version_and_records_nothing(client, ctx):
    teacher = await verified_teacher(client, ctx)
    h = teacher.headers
    course = await create_course(client, teacher)
    cid = course["id"]
    module = await add_module(client, teacher, cid, "Only module")
    lesson = await add_lesson(client, teacher, module["id"], title="Only lesson")
    version, events = await version_of(ctx, cid), len(await events_of(ctx, cid))

    same_course = {key: COURSE[key] for key in ("title", "category", "level", "language")} | {"price": 19.99}
    no_ops = [
        ("PATCH", f"/courses/{cid}", {}),
        ("PATCH", f"/courses/{cid}", same_course),
        ("PATCH", f"/courses/{cid}", {"price": "19.990", "language": "EN", "title": f"  {COURSE['title']} "}),
        ("PATCH", f"/modules/{module['id']}", {"title": "Only module", "position": 1}),
        ("PATCH", f"/modules/{module['id']}", {"position": 50}),  # clamped to the end: where it already is
        ("PATCH", f"/lessons/{lesson['id']}", {"title": "Only lesson", "module_id": module["id"], "position": 1}),
        ("PATCH", f"/lessons/{lesson['id']}", {"video_url": None, "is_preview": False, "duration_minutes": 10}),
        ("POST", f"/courses/{cid}/unpublish", None),  # a draft is not published: nothing to undo
    ]
    for method, url, body in no_ops:
        response = await client.request(method, url, json=body, headers=h)
        assert response.status_code == 200, (url, body, response.text)
        answer = response.json()
        assert answer.get("version", answer.get("course_version")) == version, (url, body)
    assert await version_of(ctx, cid) == version
    assert len(await events_of(ctx, cid)) == events

    published = await client.post(f"/courses/{cid}/publish", headers=h)
    assert published.json()["version"] == version + 1
    again = await client.post(f"/courses/{cid}/publish", headers=h)
    assert again.status_code == 200 and again.json()["version"] == version + 1
    assert again.json()["published_at"] == published.json()["published_at"]
    assert len(await events_of(ctx, cid)) == events + 1


async def test_answers_carry_course_version_and_fields(client, ctx):
    teacher = await verified_teacher(client, ctx)
    course = await create_course(client, teacher)
    module = await add_module(client, teacher, course["id"], "Intro")
    assert module == {
        "id": module["id"],
        "course_id": course["id"],
        "course_version": 2,
        "title": "Intro",
        "position": 1,
    }
    lesson = await add_lesson(client, teacher, module["id"], video_url="https://videos.example.com/v/1?t=3")
    assert lesson == {
        "id": lesson["id"],
        "course_id": course["id"],
        "module_id": module["id"],
        "course_version": 3,
        "title": "A lesson",
        "content": "Some *markdown*.",
        "video_url": "https://videos.example.com/v/1?t=3",
        "duration_minutes": 10,
        "is_preview": False,
        "position": 1,
    }
    cleared = await client.patch(f"/lessons/{lesson['id']}", json={"video_url": None}, headers=teacher.headers)
    assert cleared.status_code == 200 and cleared.json()["video_url"] is None
    assert cleared.json()["course_version"] == 4


async def test_the_owner_reads_the_whole_draft(client, ctx):
    teacher = await verified_teacher(client, ctx)
    course = await create_course(client, teacher)
    first = await add_module(client, teacher, course["id"], "First")
    second = await add_module(client, teacher, course["id"], "Second", position=1)
    lesson = await add_lesson(client, teacher, first["id"], content="# Heading\n\n<script>x</script>", is_preview=True)

    draft = await course_draft(client, teacher, course["id"])

    assert {k: v for k, v in draft.items() if k != "modules"} == course | {
        "version": 4,
        "updated_at": draft["updated_at"],
    }
    assert draft["modules"] == [
        {"id": second["id"], "title": "Second", "position": 1, "lessons": []},
        {
            "id": first["id"],
            "title": "First",
            "position": 2,
            "lessons": [
                {
                    "id": lesson["id"],
                    "title": "A lesson",
                    "content": "# Heading\n\n<script>x</script>",  # the markdown as written, for the editor
                    "video_url": None,
                    "duration_minutes": 10,
                    "is_preview": True,
                    "position": 1,
                }
            ],
        },
    ]
