"""The operations API (workers/ops_api.py), the projections console's endpoints: admins only; status as
``edu projections status`` reports it; rebuilds and verifications that run in the background, record their
progress and result, one of a kind at a time; parked failures requeued; bad input refused with nothing
started."""

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from projectors.layout import CARDS, PROJECTIONS
from projectors.operations import RUNNING, Operation, OperationLog
from tests.actors import admin, sign_up, verified_teacher
from tests.projectors.readmodel import card
from tests.write.learning_helpers import publish_many
from workers.ops_api import create_app

OPERATION_TIMEOUT_S = 60


@pytest.fixture(scope="module")
async def ops(platform) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(platform.settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ops-api") as client,
    ):
        yield client
        app.state.runner.join(OPERATION_TIMEOUT_S)


@pytest.fixture(scope="module")
async def boss(api, api_ctx):
    return await admin(api, api_ctx)


async def finished(ops: httpx.AsyncClient, boss, operation_id: str) -> dict:
    """The operation's record once it is no longer running (polling its recorded state)."""
    deadline = time.monotonic() + OPERATION_TIMEOUT_S
    while time.monotonic() < deadline:
        answer = await ops.get(f"/projections/operations/{operation_id}", headers=boss.headers)
        assert answer.status_code == 200, answer.text
        if answer.json()["state"] != RUNNING:
            return answer.json()
        await asyncio.sleep(0.1)
    raise AssertionError(f"operation {operation_id} still running after {OPERATION_TIMEOUT_S} s")


async def recent_ids(ops, boss) -> list[str]:
    answer = await ops.get("/projections/operations", params={"limit": 50}, headers=boss.headers)
    assert answer.status_code == 200, answer.text
    return [item["id"] for item in answer.json()["items"]]


async def test_only_admins_see_status_or_start_anything(ops, api, api_ctx, boss):
    before = await recent_ids(ops, boss)
    student, teacher = await sign_up(api, "student"), await verified_teacher(api, api_ctx)
    for headers, expected in (({}, 401), (student.headers, 403), (teacher.headers, 403)):
        for method, path, body in (("GET", "/projections", None), ("POST", "/projections/rebuild", {}),
                                   ("POST", "/projections/verify", {}), ("POST", "/projections/requeue", {}),
                                   ("GET", "/projections/operations", None)):  # fmt: skip
            answer = await ops.request(method, path, json=body, headers=headers)
            assert answer.status_code == expected, (method, path, answer.text)
            assert answer.json()["error"]["code"] in ("unauthenticated", "forbidden")
    assert await recent_ids(ops, boss) == before  # nothing was started


async def test_status_reports_every_projection_as_the_command_line_does(ops, platform, api, api_ctx, boss):
    await publish_many(api, api_ctx, await verified_teacher(api, api_ctx), 2, category="music")
    await platform.settle()
    answer = await ops.get("/projections", headers=boss.headers)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    rt = platform.runtime
    assert [p["name"] for p in report["projections"]] == list(PROJECTIONS)
    shown = {p["name"]: p for p in report["projections"]}
    active = rt.store.active()
    assert shown[CARDS]["active"] == str(active[CARDS])
    assert shown[CARDS]["documents"] == rt.store.count(CARDS, active[CARDS]) == rt.source.published_count()
    assert shown["search"]["documents"] == rt.source.published_count()
    assert report["read_model_missing"] is False and report["parked"] == []
    assert set(report["queues"]) and all(
        set(q) == {"waiting", "scheduled", "failed"} for q in report["queues"].values()
    )


async def test_a_rebuild_started_here_switches_every_projection_and_records_its_progress(
    ops, platform, api, api_ctx, boss
):
    await publish_many(api, api_ctx, await verified_teacher(api, api_ctx), 2, category="music")
    await platform.settle()
    rt = platform.runtime
    before, published = rt.store.active(), rt.source.published_count()

    started = await ops.post("/projections/rebuild", json={}, headers=boss.headers)
    assert started.status_code == 202, started.text
    assert started.json()["state"] == RUNNING and started.json()["started_by"] == boss.email
    done = await finished(ops, boss, started.json()["id"])

    assert done["state"] == "finished", done
    assert set(done["result"]["versions"]) == set(PROJECTIONS)
    now = rt.store.active()
    assert all(now[name] != before[name] for name in before)
    assert {name: str(version) for name, version in now.items()} == {
        name: version for name, version in done["result"]["versions"].items() if name != "search"
    }
    assert rt.engine.active_version().name == done["result"]["versions"]["search"]
    courses = next(phase for phase in done["phases"] if phase["name"] == "courses")
    assert courses["done"] == published == done["result"]["courses"]
    assert done["finished_at"] >= done["started_at"] and done["error"] is None


async def test_a_rebuild_of_some_projections_leaves_the_others(ops, platform, boss):
    rt = platform.runtime
    before = rt.store.active()
    started = await ops.post("/projections/rebuild", json={"projections": ["cards", "cards"]}, headers=boss.headers)
    assert started.status_code == 202, started.text
    done = await finished(ops, boss, started.json()["id"])
    assert done["state"] == "finished" and set(done["result"]["versions"]) == {"cards"}
    after = rt.store.active()
    assert after[CARDS] != before[CARDS]
    assert {k: v for k, v in after.items() if k != CARDS} == {k: v for k, v in before.items() if k != CARDS}


async def test_while_one_runs_another_of_its_kind_is_refused(ops, platform, boss):
    rt = platform.runtime
    log = OperationLog(rt.redis, platform.settings.redis_key_prefix)
    running = Operation(uuid.uuid4().hex, "verify", RUNNING, {"repair": False}, "someone@example.com", time.time())
    log.create(running)  # as a verify running in another process records itself
    try:
        refused = await ops.post("/projections/verify", json={}, headers=boss.headers)
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"]["code"] == "operation_running"
        assert refused.json()["error"]["details"]["operation_id"] == running.id
        # A rebuild from the command line holds the rebuild lock: refused too.
        rt.redis.set(rt.backlog.keys.rebuilding, "cli", px=30_000)
        before = await recent_ids(ops, boss)
        refused = await ops.post("/projections/rebuild", json={}, headers=boss.headers)
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "operation_running"
        assert await recent_ids(ops, boss) == before
    finally:
        rt.redis.delete(rt.backlog.keys.rebuilding)
        rt.redis.delete(log.record_key(running.id), log.heartbeat_key(running.id))


async def test_an_operation_whose_process_died_shows_as_abandoned(ops, platform, boss):
    rt = platform.runtime
    log = OperationLog(rt.redis, platform.settings.redis_key_prefix)
    lost = Operation(uuid.uuid4().hex, "verify", RUNNING, {"repair": False}, boss.email, time.time())
    log.create(lost)
    rt.redis.delete(log.heartbeat_key(lost.id))  # its heartbeat expired with the process
    shown = (await ops.get(f"/projections/operations/{lost.id}", headers=boss.headers)).json()
    assert shown["state"] == "abandoned" and "stopped" in shown["error"]
    started = await ops.post("/projections/verify", json={}, headers=boss.headers)  # not in the way any more
    assert started.status_code == 202, started.text
    assert (await finished(ops, boss, started.json()["id"]))["state"] == "finished"


async def test_verify_lists_a_damaged_card_and_repair_fixes_it(ops, platform, api, api_ctx, boss):
    course = (await publish_many(api, api_ctx, await verified_teacher(api, api_ctx), 1, category="music"))[0]
    await platform.settle()
    rt = platform.runtime
    good = card(rt, course["id"])
    damaged = dict(good, title="Tampered with")
    rt.redis.hset(rt.keys.data(CARDS, rt.store.active()[CARDS]), course["id"], json.dumps(damaged))

    found = await finished(
        ops, boss, (await ops.post("/projections/verify", json={}, headers=boss.headers)).json()["id"]
    )
    assert found["state"] == "finished" and found["result"]["clean"] is False
    assert {"projection": CARDS, "key": course["id"]} in [
        {"projection": d["projection"], "key": d["key"]} for d in found["result"]["differences"]
    ]
    assert found["result"]["difference_count"] == len(found["result"]["differences"])
    assert card(rt, course["id"])["title"] == "Tampered with"  # verify alone changes nothing

    started = await ops.post("/projections/verify", json={"repair": True}, headers=boss.headers)
    repaired = await finished(ops, boss, started.json()["id"])
    assert repaired["result"]["clean"] is True and repaired["result"]["repaired"] >= 1
    assert card(rt, course["id"]) == good


async def test_parked_courses_are_listed_and_requeued(ops, platform, api, api_ctx, boss):
    course = (await publish_many(api, api_ctx, await verified_teacher(api, api_ctx), 1, category="music"))[0]
    await platform.settle()
    rt = platform.runtime
    rt.backlog.park(uuid.UUID(course["id"]), "boom: the source row was unreadable")
    parked = (await ops.get("/projections", headers=boss.headers)).json()["parked"]
    assert [(p["course_id"], p["error"]) for p in parked] == [(course["id"], "boom: the source row was unreadable")]

    answer = await ops.post("/projections/requeue", json={"jobs": False}, headers=boss.headers)
    assert answer.status_code == 200 and answer.json() == {"courses": 1, "jobs": 0}
    assert (await ops.get("/projections", headers=boss.headers)).json()["parked"] == []
    assert uuid.UUID(course["id"]) in rt.backlog.pending()


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/projections/rebuild", {"projections": ["cards", "no-such-projection"]}),
        ("/projections/rebuild", {"projections": "cards"}),
        ("/projections/rebuild", {"everything": True}),
        ("/projections/verify", {"repair": "perhaps"}),
        ("/projections/requeue", {"course_ids": ["not-a-uuid"]}),
    ],
)
async def test_bad_input_is_a_422_and_starts_nothing(ops, boss, path, body):
    before = await recent_ids(ops, boss)
    answer = await ops.post(path, json=body, headers=boss.headers)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "validation_failed"
    assert await recent_ids(ops, boss) == before


@pytest.mark.parametrize("operation_id", ["0" * 32, "not-hex-at-all", "..%2F..%2Fetc"])
async def test_an_unknown_operation_is_a_404(ops, boss, operation_id):
    answer = await ops.get(f"/projections/operations/{operation_id}", headers=boss.headers)
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"
