"""Rebuild and verify: a rebuild loses no change made while it runs, brings back a read model Redis lost,
leaves the live versions serving when interrupted; verify finds every kind of damage and repair fixes it;
and the ``edu projections`` commands say so with their output and exit codes."""

import asyncio
import dataclasses
import json
import threading
import uuid

import pytest

from projectors.layout import (
    CARDS,
    CATEGORIES,
    CURRICULA,
    LISTINGS,
    PROJECTIONS,
    REDIS_PROJECTIONS,
    REVIEWS,
    SEARCH,
    member_course_id,
)
from projectors.rebuild import rebuild
from projectors.runtime import Runtime
from projectors.settings import get_projector_settings
from projectors.status import status
from projectors.verify import NOT_A_COURSE, verify
from projectors.views import course_views
from search.settings import SearchSettings
from tests.actors import sign_up, verified_teacher
from tests.projectors.readmodel import card, delete_run_keys, listing, run_edu, snapshot
from tests.write.catalog_helpers import add_lesson, add_module, create_course
from tests.write.learning_helpers import enrolled_student, publish_many, published_course
from write.settings import get_settings


async def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json() if response.content else {}


def own_runtime(**projector_settings) -> Runtime:
    """A runtime of its own, as `edu projections rebuild` has in its process (the worker keeps its own)."""
    settings = get_projector_settings().model_copy(update=projector_settings)
    return Runtime(get_settings(), settings, SearchSettings())


class Hooked:
    """A rebuild's progress that runs ``hook`` once, after the first batch of courses is scanned."""

    def __init__(self, hook, *, pause: float = 0.0) -> None:
        self.hook, self.pause, self.phase, self.fired = hook, pause, None, False

    def start(self, phase: str, total: int | None) -> None:
        self.phase = phase

    def advance(self, done: int) -> None:
        if self.phase == "courses" and not self.fired:
            self.fired = True
            self.hook()
        threading.Event().wait(self.pause)


async def assert_verified(rt: Runtime) -> None:
    report = await asyncio.to_thread(verify, rt)
    assert report.clean, report.differences
    assert report.pending == 0


async def test_changes_made_during_a_rebuild_are_all_in_the_versions_it_switches_to(platform, api, api_ctx):
    rt = platform.runtime
    teacher = await verified_teacher(api, api_ctx)
    courses = await publish_many(api, api_ctx, teacher, 12, category="programming")
    await platform.settle()
    in_id_order = sorted(c["id"] for c in courses)
    scanned, unscanned = in_id_order[:10], in_id_order[10:]  # batches of 10 in id order
    assert [str(i) for i in next(rt.source.published_ids(10))] == scanned  # (the module's first test)
    loop = asyncio.get_running_loop()
    made: dict[str, str] = {}

    async def meanwhile() -> None:
        await ok(
            await api.patch(f"/courses/{scanned[0]}", json={"title": "Changed meanwhile"}, headers=teacher.headers)
        )
        await ok(await api.post(f"/courses/{scanned[1]}/unpublish", headers=teacher.headers))
        await enrolled_student(api, api_ctx, {"id": scanned[2], "price": "0"})
        await enrolled_student(api, api_ctx, {"id": unscanned[0], "price": "0"})
        made["new"] = (await published_course(api, api_ctx, teacher=teacher, category="programming"))[1]["id"]
        await ok(await api.patch("/auth/me", json={"name": "Renamed Meanwhile"}, headers=teacher.headers))

    def hook() -> None:  # in the rebuild's thread, after the first batch: commands, then the worker
        asyncio.run_coroutine_threadsafe(meanwhile(), loop).result(timeout=60)
        platform.sync()
        assert card(rt, scanned[0])["title"] == "Changed meanwhile"  # the live versions got it at once

    builder = own_runtime(rebuild_batch_size=10)
    before = rt.store.active()
    try:
        report = await asyncio.to_thread(rebuild, builder, None, Hooked(hook))
    finally:
        builder.close()

    assert report.caught_up >= 4
    assert rt.store.active() != before and rt.store.building() == {}
    # The new versions have every change, though no event reached them after the switch.
    assert card(rt, scanned[0])["title"] == "Changed meanwhile"
    assert card(rt, scanned[1]) is None and scanned[1] not in listing(rt, "newest")
    assert card(rt, scanned[2])["enrollment_count"] == 1
    assert card(rt, unscanned[0])["enrollment_count"] == 1
    assert card(rt, made["new"]) is not None
    assert {card(rt, i)["teacher"]["name"] for i in in_id_order if i != scanned[1]} == {"Renamed Meanwhile"}
    await assert_verified(rt)


async def test_a_rebuild_loses_nothing_of_a_steady_stream_of_commands(platform, api, api_ctx):
    rt = platform.runtime
    teacher = await verified_teacher(api, api_ctx)
    courses = await publish_many(api, api_ctx, teacher, 8, category="design")
    await platform.settle()
    builder = own_runtime(rebuild_batch_size=10)
    slowly = Hooked(lambda: None, pause=1.0)  # batches of 10, a second each: a rebuild of a few seconds
    rebuilding = asyncio.ensure_future(asyncio.to_thread(rebuild, builder, None, slowly))
    created, during = [], 0
    try:
        while not rebuilding.done() or len(created) < 2:
            during += not rebuilding.done()
            course = await create_course(api, teacher, category="design", title=f"Stream {len(created)}")
            await add_lesson(api, teacher, (await add_module(api, teacher, course["id"]))["id"])
            await ok(await api.post(f"/courses/{course['id']}/publish", headers=teacher.headers))
            created.append(course["id"])
            victim = courses[len(created) % len(courses)]["id"]
            title = {"title": f"Edit {len(created)}"}
            await ok(await api.patch(f"/courses/{victim}", json=title, headers=teacher.headers))
            await enrolled_student(api, api_ctx, {"id": victim, "price": "0"})
            await platform.settle()
        await rebuilding
    finally:
        builder.close()
    await platform.settle()

    assert during >= 2  # rounds of commands started while the rebuild ran
    for course_id in created:
        assert card(rt, course_id) is not None
    await assert_verified(rt)


async def test_a_read_model_lost_with_redis_is_noticed_and_rebuilt(platform, api, api_ctx):
    rt = platform.runtime
    await publish_many(api, api_ctx, await verified_teacher(api, api_ctx), 2, category="music")
    await platform.settle()
    expected = snapshot(rt)

    delete_run_keys(rt)  # Redis restarted without its data (only this run's keys: Redis is shared)

    report = await asyncio.to_thread(status, rt)
    assert report.read_model_missing
    assert [p.active for p in report.projections if p.name in REDIS_PROJECTIONS] == [None] * len(REDIS_PROJECTIONS)
    shown = await asyncio.to_thread(run_edu, platform.env, "projections", "status")
    assert shown.returncode == 0, shown.stdout + shown.stderr
    for name in PROJECTIONS:
        assert name in shown.stdout
    assert "The read model is missing" in shown.stdout and "edu projections rebuild" in shown.stdout
    lost = await asyncio.to_thread(verify, rt)
    assert {d.projection for d in lost.differences} >= set(REDIS_PROJECTIONS)

    await asyncio.to_thread(rebuild, rt)

    assert not (await asyncio.to_thread(status, rt)).read_model_missing
    await assert_verified(rt)
    assert snapshot(rt) == expected


def corrupt_everything(rt: Runtime, courses: list[str], unpublished: str) -> dict[str, set]:
    """Damage of every kind; returns the (projection, key) pairs verify must report."""
    active = rt.store.active()
    a, b, c, d = courses
    changed = json.loads(rt.redis.hget(rt.keys.data(CARDS, active[CARDS]), a))
    rt.redis.hset(rt.keys.data(CARDS, active[CARDS]), a, json.dumps(changed | {"title": "Defaced"}))
    rt.redis.hset(rt.keys.data(CARDS, active[CARDS]), unpublished, json.dumps(changed))
    rt.redis.hset(rt.keys.data(CARDS, active[CARDS]), "not-a-course", "{}")
    rt.redis.hdel(rt.keys.data(CURRICULA, active[CURRICULA]), b)
    rt.redis.hset(rt.keys.data(REVIEWS, active[REVIEWS]), c, "[]")
    newest = rt.keys.listing(active[LISTINGS], None, None, "newest")
    [member] = [m for m in rt.redis.zrange(newest, 0, -1) if member_course_id(m) == d]
    rt.redis.zrem(newest, member)
    stray_key = rt.keys.listing(active[LISTINGS], "finance", None, "rating")
    rt.redis.zadd(stray_key, {f"00000000000000:{a}": 0})
    rt.engine.delete([b])
    source = rt.source.courses([uuid.UUID(c)])
    stale = dataclasses.replace(next(iter(source.values())), title="Stale title")
    rt.engine.upsert([course_views(stale).document])
    categories_key = rt.keys.data(CATEGORIES, active[CATEGORIES])
    counts = json.loads(rt.redis.get(categories_key))
    counts[0]["course_count"] += 5
    rt.redis.set(categories_key, json.dumps(counts))
    return {
        (CARDS, a),
        (CARDS, unpublished),
        (CARDS, "not-a-course"),
        (CURRICULA, b),
        (REVIEWS, c),
        (LISTINGS, "_|_|newest"),
        (LISTINGS, "finance|_|rating"),
        (SEARCH, b),
        (SEARCH, c),
        (CATEGORIES, CATEGORIES),
    }


async def test_verify_finds_every_kind_of_damage_and_repair_fixes_it(platform, api, api_ctx):
    rt = platform.runtime
    teacher = await verified_teacher(api, api_ctx)
    courses = await publish_many(api, api_ctx, teacher, 5, category="cloud-devops")
    for course in courses[:3]:
        student, _ = await enrolled_student(api, api_ctx, course)
        await ok(
            await api.post(
                f"/courses/{course['id']}/reviews", json={"rating": 4, "text": "Ok"}, headers=student.headers
            ),
            201,
        )
    await ok(await api.post(f"/courses/{courses[4]['id']}/unpublish", headers=teacher.headers))
    await platform.settle()
    await assert_verified(rt)
    healthy = snapshot(rt)

    expected = corrupt_everything(rt, [c["id"] for c in courses[:4]], courses[4]["id"])

    report = await asyncio.to_thread(verify, rt)
    found = {(d.projection, d.key) for d in report.differences}
    assert found == expected, report.differences
    problems = {(d.projection, d.key): d.problem for d in report.differences}
    assert problems[(CARDS, "not-a-course")] == NOT_A_COURSE
    assert "not published" in problems[(CARDS, courses[4]["id"])]
    assert problems[(CURRICULA, courses[1]["id"])] == "missing"
    assert problems[(LISTINGS, "_|_|newest")] == "1 entries missing, 0 unexpected"
    assert problems[(LISTINGS, "finance|_|rating")] == "0 entries missing, 1 unexpected"

    repaired = await asyncio.to_thread(verify, rt, repair=True)

    assert repaired.clean, repaired.differences
    assert repaired.repaired > 0
    await assert_verified(rt)
    assert snapshot(rt) == healthy


class Interrupting:
    """Progress whose ``phase`` is cut short, as Ctrl-C does."""

    def __init__(self, phase: str) -> None:
        self.phase, self.current = phase, None

    def start(self, phase: str, total: int | None) -> None:
        self.current = phase
        if phase == self.phase and phase != "courses":
            raise KeyboardInterrupt

    def advance(self, done: int) -> None:
        if self.current == self.phase:
            raise KeyboardInterrupt


@pytest.mark.parametrize("phase", ["courses", "changes made meanwhile"])
async def test_an_interrupted_rebuild_leaves_the_live_versions_serving(platform, api, api_ctx, phase):
    rt = platform.runtime
    await publish_many(api, api_ctx, await verified_teacher(api, api_ctx), 2, category="languages")
    await platform.settle()
    active, index, before = rt.store.active(), rt.engine.active_version(), snapshot(rt)

    def interrupted() -> BaseException | None:
        try:
            rebuild(rt, progress=Interrupting(phase))
        except KeyboardInterrupt as interruption:
            return interruption
        return None

    assert isinstance(await asyncio.to_thread(interrupted), KeyboardInterrupt)

    assert rt.store.active() == active
    assert rt.engine.active_version() == index
    assert rt.store.building() == {}
    for name in REDIS_PROJECTIONS:
        assert rt.store.stored_versions(name) == {active[name]}, name
    assert rt.engine.versions() == [index]
    assert not rt.redis.exists(rt.backlog.keys.rebuilding)
    assert snapshot(rt) == before

    report = await asyncio.to_thread(rebuild, rt)
    assert set(report.versions) == set(PROJECTIONS)
    assert rt.store.active() != active and rt.engine.active_version() != index
    await assert_verified(rt)
    assert snapshot(rt) == before


async def test_a_rebuild_clears_what_a_killed_one_left(platform):
    rt = platform.runtime
    active = rt.store.active()
    # What a rebuild killed outright (no chance to clean up) leaves: registered versions with some keys,
    # and a search index that was never activated.
    left = {name: str(rt.store.new_version()) for name in REDIS_PROJECTIONS}
    for name, version in left.items():
        rt.redis.hset(rt.keys.data(name, int(version)), "x", "y")
    orphan = rt.engine.create_version()
    rt.redis.hset(rt.keys.building, mapping=left | {SEARCH: orphan.name})

    await asyncio.to_thread(rebuild, rt)

    assert rt.store.building() == {}
    for name in REDIS_PROJECTIONS:
        assert rt.store.stored_versions(name) == {rt.store.active()[name]}
        assert rt.store.active()[name] not in (active[name], int(left[name]))
    assert rt.engine.versions() == [rt.engine.active_version()]
    await assert_verified(rt)


async def test_the_projections_commands(platform, api, api_ctx):
    rt = platform.runtime
    teacher = await verified_teacher(api, api_ctx)
    [course] = await publish_many(api, api_ctx, teacher, 1, category="finance")
    await platform.settle()

    clean = await asyncio.to_thread(run_edu, platform.env, "projections", "verify")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Every projection agrees" in clean.stdout

    rt.redis.hset(rt.keys.data(CARDS, rt.store.active()[CARDS]), course["id"], b'{"title": "Defaced"}')
    dirty = await asyncio.to_thread(run_edu, platform.env, "projections", "verify")
    assert dirty.returncode == 1, dirty.stdout + dirty.stderr
    assert course["id"] in dirty.stdout and "differs from the source" in dirty.stdout
    assert "Traceback" not in dirty.stdout + dirty.stderr

    active, index = rt.store.active(), rt.engine.active_version()
    rebuilt = await asyncio.to_thread(run_edu, platform.env, "projections", "rebuild", "cards")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    now_active = rt.store.active()
    assert now_active[CARDS] != active[CARDS]
    assert {n: v for n, v in now_active.items() if n != CARDS} == {n: v for n, v in active.items() if n != CARDS}
    assert rt.engine.active_version() == index
    assert card(rt, course["id"])["title"] == course["title"]  # rebuilt from the source: the damage is gone
    assert rt.store.stored_versions(CARDS) == {now_active[CARDS]}

    student = await sign_up(api)
    await enrolled_student(api, api_ctx, course, student)
    await platform.settle()
    assert card(rt, course["id"])["enrollment_count"] == 1  # the refresher writes into the new version
    await assert_verified(rt)


async def test_repair_from_the_command_line_after_a_worker_wrote_the_search_index(platform, api, api_ctx):
    """A refresher lets go of the search index's writer when it stops refreshing, so another process --
    `verify --repair`, the next worker's refresh -- can write it."""
    rt = platform.runtime
    [course] = await publish_many(api, api_ctx, await verified_teacher(api, api_ctx), 1, category="finance")
    await platform.settle()  # this process is the worker: it has written the search index, and holds its writer
    rt.redis.hset(rt.keys.data(CARDS, rt.store.active()[CARDS]), course["id"], b'{"title": "Defaced"}')

    fixed = await asyncio.to_thread(run_edu, platform.env, "projections", "verify", "--repair")

    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert card(rt, course["id"])["title"] == course["title"]
