"""Delivery is at least once and in any order: whatever duplicates and shuffles of the events arrive, the
projections end up byte for byte the same. Many changes to one course coalesce into few re-projections,
and a write built from older data than what is stored is refused."""

import asyncio
import dataclasses
import json
import random
import threading
import uuid

from projectors import events, metrics
from projectors.layout import CARDS, CURRICULA, LISTINGS, REDIS_PROJECTIONS, REVIEWS
from projectors.queues import EVENTS_JOB, event_to_job, events_queue, job_retry, new_job_id
from projectors.rebuild import rebuild
from projectors.views import course_views
from search import IndexVersion
from tests.actors import admin, sign_up, verified_teacher
from tests.projectors.readmodel import (
    card,
    delete_read_model,
    execute,
    listing,
    outbox_events,
    snapshot,
    undelivered,
)
from tests.write.catalog_helpers import add_lesson, add_module, create_course
from tests.write.learning_helpers import enrolled_student, published_course


async def ok(response, status: int = 200) -> None:
    assert response.status_code == status, response.text


async def a_busy_history(api, api_ctx) -> None:
    """A bit of everything the read model shows, none of it delivered yet."""
    names = ["Ann", "Ben", "Cai"]
    teachers = [await verified_teacher(api, api_ctx, name=f"Teacher {n}") for n in names]
    students = [await sign_up(api, "student", name=f"Student {n}") for n in names]
    courses = []
    for index, teacher in enumerate(teachers):
        for price, category in (("0", "programming"), ("15", "design")):
            _, course, _ = await published_course(
                api, api_ctx, price=price, teacher=teacher, category=category, title=f"Course {index} {category}"
            )
            courses.append((teacher, course))
    for rank, student in enumerate(students):
        for _, course in courses[rank : rank + 4]:
            await enrolled_student(api, api_ctx, course, student)
            review = {"rating": 3 + rank, "text": f"Worth {3 + rank}"}
            await ok(await api.post(f"/courses/{course['id']}/reviews", json=review, headers=student.headers), 201)
    teacher, course = courses[1]
    await ok(
        await api.patch(
            f"/courses/{course['id']}", json={"title": "Moved", "category": "music"}, headers=teacher.headers
        )
    )
    module = await add_module(api, teacher, course["id"], title="Extra", position=1)
    await add_lesson(api, teacher, module["id"], title="Extra lesson", duration_minutes=33)
    teacher, course = courses[2]
    await ok(await api.post(f"/courses/{course['id']}/unpublish", headers=teacher.headers))
    await ok(await api.patch("/auth/me", json={"name": "Renamed Teacher"}, headers=teachers[0].headers))
    await ok(await api.patch("/auth/me", json={"name": "Renamed Student"}, headers=students[1].headers))
    boss = await admin(api, api_ctx)
    await ok(await api.patch("/admin/categories/design", json={"name": "Design & UX"}, headers=boss.headers))
    draft = await create_course(api, teachers[2], title="Never published")
    await add_lesson(api, teachers[2], (await add_module(api, teachers[2], draft["id"]))["id"])


@dataclasses.dataclass
class History:
    snapshot: dict
    events: list


_history: History | None = None


async def settled_history(platform, api, api_ctx) -> History:
    """The busy history, settled the normal way (each domain's events in order, once), and its snapshot."""
    global _history
    if _history is None:
        await a_busy_history(api, api_ctx)
        assert undelivered(platform.settings) > 50
        await platform.settle()
        _history = History(snapshot(platform.runtime), outbox_events(platform.settings))
    return _history


def duplicated_and_shuffled(history: list, seed: int) -> list:
    rng = random.Random(seed)
    delivered = history + rng.sample(history, len(history) // 2) + rng.sample(history, len(history) // 3)
    rng.shuffle(delivered)
    return delivered


def assert_same(found: dict, expected: dict) -> None:
    assert found.keys() == expected.keys()
    for key in expected:
        assert found[key] == expected[key], key


async def test_rebuilt_then_redelivered_shuffled_and_duplicated_gives_the_same_bytes(platform, api, api_ctx):
    history = await settled_history(platform, api, api_ctx)
    rt = platform.runtime
    assert delete_read_model(rt) > 0

    await asyncio.to_thread(rebuild, rt)
    assert_same(snapshot(rt), history.snapshot)

    rng = random.Random(1)
    for event in duplicated_and_shuffled(history.events, seed=1):
        events.mark(rt, event)
        if rng.random() < 0.1:  # some rounds in between, on partial knowledge
            await asyncio.to_thread(rt.projector.drain)
    await platform.settle()
    assert_same(snapshot(rt), history.snapshot)


async def test_redelivered_shuffled_and_duplicated_into_empty_projections_gives_the_same_bytes(platform, api, api_ctx):
    """No rebuild to lean on: empty live versions, then only the events, through RQ jobs."""
    history = await settled_history(platform, api, api_ctx)
    rt = platform.runtime
    delete_read_model(rt)
    empty = {name: str(rt.store.new_version()) for name in REDIS_PROJECTIONS}
    rt.redis.hset(rt.keys.active, mapping=empty)
    index = rt.engine.create_version()
    old_index = rt.engine.active_version()
    rt.engine.activate(index)
    rt.engine.drop(old_index)
    assert all(rt.store.count(name, int(version)) == 0 for name, version in empty.items())
    assert rt.engine.count(IndexVersion(index.name)) == 0

    queue = events_queue(platform.settings, rt.redis)
    for event in duplicated_and_shuffled(history.events, seed=2):
        queue.enqueue(EVENTS_JOB, event_to_job(event), job_id=new_job_id(queue), retry=job_retry())
    await platform.settle()

    assert_same(snapshot(rt), history.snapshot)


async def test_many_enrollments_in_one_course_are_projected_a_few_times(platform, api, api_ctx):
    rt = platform.runtime
    _, course, _ = await published_course(api, api_ctx, category="finance")
    await platform.settle()
    students = [s for _ in range(5) for s in await asyncio.gather(*(sign_up(api) for _ in range(20)))]
    for student in students:
        await enrolled_student(api, api_ctx, course, student)
    enrolled = [
        e
        for e in outbox_events(platform.settings)
        if e.event_type == "StudentEnrolled" and e.payload["course_id"] == course["id"]
    ]
    assert len(enrolled) == 100
    projected_before = metrics.COURSES._value.get()

    # The 100 events arrive (all within a second, each marking the course); one refresher drains.
    for event in enrolled:
        events.mark(rt, event)
    drained = await asyncio.to_thread(rt.projector.drain)

    assert drained == 1
    assert metrics.COURSES._value.get() - projected_before == 1
    assert card(rt, course["id"])["enrollment_count"] == 100
    # Delivered by hand: the relay must not hand them over once more (100 events, each waking a refresh).
    execute(platform.settings, "enrollment", "UPDATE outbox SET delivered_at = now() WHERE delivered_at IS NULL")


async def test_a_burst_of_events_through_the_worker_is_projected_a_few_times(platform, api, api_ctx):
    rt = platform.runtime
    _, course, _ = await published_course(api, api_ctx, category="finance")
    await platform.settle()
    students = [s for _ in range(2) for s in await asyncio.gather(*(sign_up(api) for _ in range(15)))]
    for student in students:
        await enrolled_student(api, api_ctx, course, student)
    projected_before = metrics.COURSES._value.get()

    # The relay hands over all 30 events at once; the worker takes them before the refresh they wake.
    await platform.settle()

    assert card(rt, course["id"])["enrollment_count"] == 30
    assert metrics.COURSES._value.get() - projected_before <= 5


async def test_marks_arriving_during_a_round_coalesce_into_the_next_one(platform, api, api_ctx):
    rt = platform.runtime
    _, course, _ = await published_course(api, api_ctx, category="finance")
    await platform.settle()
    event = next(e for e in outbox_events(platform.settings) if str(e.aggregate_id) == course["id"])
    projected_before = metrics.COURSES._value.get()

    stop = threading.Event()

    def keep_marking() -> int:
        count = 0
        while not stop.is_set() and count < 2000:
            events.mark(rt, event)
            count += 1
        return count

    marker = asyncio.ensure_future(asyncio.to_thread(keep_marking))
    drains = 0
    while not marker.done() and drains < 5:
        await asyncio.to_thread(rt.projector.drain)
        drains += 1
    stop.set()
    marks = await marker
    await asyncio.to_thread(rt.projector.drain)

    projected = metrics.COURSES._value.get() - projected_before
    # Each round takes every mark made since the one before (how many depends on the machine's speed), so
    # the course was re-projected fewer times than it was marked -- and nothing is left over.
    assert 1 <= projected < marks, (projected, marks)
    assert not rt.backlog.has_work()


async def test_a_write_built_from_older_data_is_refused(platform, api, api_ctx):
    rt = platform.runtime
    _, course, _ = await published_course(api, api_ctx, category="languages", title="Newer Title")
    await platform.settle()
    course_id = uuid.UUID(course["id"])
    current = rt.source.courses([course_id])[course_id]
    older = dataclasses.replace(current, title="Older Title", price=current.price + 1, modules=[], enrollment_count=7)
    new_view, old_view = course_views(current), course_views(older)
    # A scratch set of versions: the live read model is not touched.
    versions = {name: rt.store.new_version() for name in (CARDS, CURRICULA, LISTINGS, REVIEWS)}

    rt.store.put_courses(versions, [new_view], [], {course_id: 10})
    rt.store.put_courses(versions, [old_view], [], {course_id: 9})
    rt.store.put_courses(versions, [], [course_id], {course_id: 8})  # an old "unpublished" too

    stored_card = rt.redis.hget(rt.keys.data(CARDS, versions[CARDS]), course["id"])
    assert json.loads(stored_card)["title"] == "Newer Title"
    assert rt.redis.hget(rt.keys.data(CURRICULA, versions[CURRICULA]), course["id"]) == new_view.curriculum
    assert rt.redis.hget(rt.keys.data(REVIEWS, versions[REVIEWS]), course["id"]) == new_view.reviews
    assert rt.redis.hget(rt.keys.data(LISTINGS, versions[LISTINGS]), course["id"]) == new_view.listing
    prefix = rt.keys.listing_prefix(versions[LISTINGS])
    for suffix, member in new_view.listing_entries:
        assert rt.redis.zrange(prefix + suffix, 0, -1) == [member.encode()], suffix
    assert rt.redis.hget(rt.keys.stamps(CARDS, versions[CARDS]), course["id"]) == b"10"

    # The same stamp again is the same data: written (a repair re-writes at the current counter).
    rt.store.put_courses(versions, [old_view], [], {course_id: 10})
    assert json.loads(rt.redis.hget(rt.keys.data(CARDS, versions[CARDS]), course["id"]))["title"] == "Older Title"
    # A newer removal removes, listing entries included.
    rt.store.put_courses(versions, [], [course_id], {course_id: 11})
    assert rt.redis.hget(rt.keys.data(CARDS, versions[CARDS]), course["id"]) is None
    assert not any(rt.redis.exists(prefix + suffix) for suffix, _ in old_view.listing_entries)
    for name, version in versions.items():
        rt.store.drop_version(name, version)
    assert card(rt, course["id"])["title"] == "Newer Title"  # the live one never moved
    assert course["id"] in listing(rt, "newest", "languages")
