"""Concurrent changes to one course run one after another: versions never repeat or skip, positions stay 1..n."""

import asyncio

from tests.actors import verified_teacher
from tests.write.catalog_helpers import LESSON, add_module, create_course, events_of, rows, version_of


async def test_concurrent_lesson_additions_serialize(client, ctx):
    teacher = await verified_teacher(client, ctx)
    cid = (await create_course(client, teacher))["id"]
    module = await add_module(client, teacher, cid)
    start = await version_of(ctx, cid)

    responses = await asyncio.gather(
        *(
            client.post(f"/modules/{module['id']}/lessons", json=LESSON | {"title": f"L{n}"}, headers=teacher.headers)
            for n in range(15)
        )
    )

    assert [r.status_code for r in responses] == [201] * 15, [r.text for r in responses if r.status_code != 201]
    versions = sorted(r.json()["course_version"] for r in responses)
    assert versions == list(range(start + 1, start + 16))
    assert sorted(r.json()["position"] for r in responses) == list(range(1, 16))
    stored = await rows(ctx, "SELECT position FROM lessons WHERE module_id = :m ORDER BY position", m=module["id"])
    assert [p for (p,) in stored] == list(range(1, 16))
    assert await version_of(ctx, cid) == start + 15
    added = [(t, v) for t, v, _ in await events_of(ctx, cid) if t == "LessonAdded"]
    assert sorted(v for _, v in added) == versions


async def test_concurrent_mixed_changes_keep_the_curriculum_consistent(client, ctx):
    teacher = await verified_teacher(client, ctx)
    h = teacher.headers
    cid = (await create_course(client, teacher))["id"]
    modules = [await add_module(client, teacher, cid, f"M{n}") for n in range(4)]
    start = await version_of(ctx, cid)

    calls = [
        client.post(f"/courses/{cid}/modules", json={"title": f"new {n}", "position": 1}, headers=h) for n in range(5)
    ]
    calls += [client.patch(f"/modules/{m['id']}", json={"position": 1}, headers=h) for m in modules]
    calls += [client.patch(f"/courses/{cid}", json={"title": f"Title number {n}"}, headers=h) for n in range(5)]
    responses = await asyncio.gather(*calls)

    assert all(r.status_code in (200, 201) for r in responses), [r.text for r in responses]
    stored = await rows(ctx, "SELECT position FROM modules WHERE course_id = :c ORDER BY position", c=cid)
    assert [p for (p,) in stored] == list(range(1, 10))
    history = [v for _, v, _ in await events_of(ctx, cid)]
    assert history == list(range(1, len(history) + 1))  # contiguous, no repeats
    assert await version_of(ctx, cid) == history[-1] and history[-1] >= start + 10
