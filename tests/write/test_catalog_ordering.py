"""Positions stay 1..n: inserting shifts later siblings, moving shifts the ones in between, removing closes
the gap, and a position past the end means "last"."""

from tests.actors import verified_teacher
from tests.write.catalog_helpers import (
    add_lesson,
    add_module,
    assert_error,
    course_draft,
    create_course,
    events_of,
    rows,
    snapshot,
)


async def module_titles(client, teacher, course_id) -> list[str]:
    modules = (await course_draft(client, teacher, course_id))["modules"]
    assert [m["position"] for m in modules] == list(range(1, len(modules) + 1))
    return [m["title"] for m in modules]


async def lesson_titles(client, teacher, course_id) -> dict[str, list[str]]:
    modules = (await course_draft(client, teacher, course_id))["modules"]
    for module in modules:
        assert [lesson["position"] for lesson in module["lessons"]] == list(range(1, len(module["lessons"]) + 1))
    return {m["title"]: [lesson["title"] for lesson in m["lessons"]] for m in modules}


async def test_modules_insert_move_and_close_gaps(client, ctx):
    teacher = await verified_teacher(client, ctx)
    h = teacher.headers
    cid = (await create_course(client, teacher))["id"]
    ids = {title: (await add_module(client, teacher, cid, title))["id"] for title in ("A", "B", "C")}

    d = await add_module(client, teacher, cid, "D", position=2)
    assert d["position"] == 2
    e = await add_module(client, teacher, cid, "E", position=99)
    assert e["position"] == 5  # clamped to the end
    assert await module_titles(client, teacher, cid) == ["A", "D", "B", "C", "E"]

    moved = await client.patch(f"/modules/{ids['C']}", json={"position": 1}, headers=h)
    assert moved.json()["position"] == 1
    assert await module_titles(client, teacher, cid) == ["C", "A", "D", "B", "E"]
    moved = await client.patch(f"/modules/{ids['A']}", json={"position": 4}, headers=h)
    assert await module_titles(client, teacher, cid) == ["C", "D", "B", "A", "E"]
    moved = await client.patch(f"/modules/{ids['C']}", json={"position": 1000}, headers=h)
    assert moved.json()["position"] == 5
    assert await module_titles(client, teacher, cid) == ["D", "B", "A", "E", "C"]

    assert (await client.delete(f"/modules/{d['id']}", headers=h)).status_code == 204
    assert await module_titles(client, teacher, cid) == ["B", "A", "E", "C"]
    _, _, removed = (await events_of(ctx, cid))[-1]
    assert removed["module_order"] == [ids["B"], ids["A"], e["id"], ids["C"]]


async def test_lessons_insert_move_within_and_across_modules(client, ctx):
    teacher = await verified_teacher(client, ctx)
    h = teacher.headers
    cid = (await create_course(client, teacher))["id"]
    first = await add_module(client, teacher, cid, "First")
    second = await add_module(client, teacher, cid, "Second")
    one = await add_lesson(client, teacher, first["id"], title="one")
    two = await add_lesson(client, teacher, first["id"], title="two")
    zero = await add_lesson(client, teacher, first["id"], title="zero", position=1)
    assert (zero["position"], one["position"]) == (1, 1)
    x = await add_lesson(client, teacher, second["id"], title="x")
    y = await add_lesson(client, teacher, second["id"], title="y")
    assert await lesson_titles(client, teacher, cid) == {"First": ["zero", "one", "two"], "Second": ["x", "y"]}

    async def patch(lesson, **body):
        response = await client.patch(f"/lessons/{lesson['id']}", json=body, headers=h)
        assert response.status_code == 200, response.text
        return response.json()

    assert (await patch(two, position=1))["position"] == 1
    assert await lesson_titles(client, teacher, cid) == {"First": ["two", "zero", "one"], "Second": ["x", "y"]}

    moved = await patch(zero, module_id=second["id"], position=2)
    assert (moved["module_id"], moved["position"]) == (second["id"], 2)
    assert await lesson_titles(client, teacher, cid) == {"First": ["two", "one"], "Second": ["x", "zero", "y"]}
    _, _, event = (await events_of(ctx, cid))[-1]
    assert event["changes"] == {"module_id": second["id"], "position": 2}
    assert event["lesson_orders"] == {first["id"]: [two["id"], one["id"]], second["id"]: [x["id"], zero["id"], y["id"]]}

    last = await patch(two, module_id=second["id"], title="two, renamed")  # no position: goes last
    assert last["position"] == 4
    assert await lesson_titles(client, teacher, cid) == {"First": ["one"], "Second": ["x", "zero", "y", "two, renamed"]}

    assert (await client.delete(f"/lessons/{y['id']}", headers=h)).status_code == 204
    assert await lesson_titles(client, teacher, cid) == {"First": ["one"], "Second": ["x", "zero", "two, renamed"]}
    positions = await rows(ctx, "SELECT position FROM lessons WHERE module_id = :m ORDER BY position", m=second["id"])
    assert [p for (p,) in positions] == [1, 2, 3]


async def test_a_lesson_moves_only_within_its_course(client, ctx):
    teacher = await verified_teacher(client, ctx)
    stranger = await verified_teacher(client, ctx)
    cid = (await create_course(client, teacher))["id"]
    lesson = await add_lesson(client, teacher, (await add_module(client, teacher, cid))["id"])
    other_course = (await create_course(client, teacher, title="Another course"))["id"]
    elsewhere = await add_module(client, teacher, other_course)
    strangers = await add_module(client, stranger, (await create_course(client, stranger))["id"])
    before = await snapshot(ctx, cid)

    for module_id in (elsewhere["id"], strangers["id"], "00000000-0000-4000-8000-000000000000"):
        response = await client.patch(
            f"/lessons/{lesson['id']}", json={"module_id": module_id}, headers=teacher.headers
        )
        assert_error(response, 422, "unknown_module")
    assert await snapshot(ctx, cid) == before
