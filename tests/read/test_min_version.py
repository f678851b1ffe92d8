"""Read-your-writes (``min_version``): a version the projection has answers at once; a newer one waits until
the projectors catch up (driven here while the request waits) and answers the new document; one never
reached is 503 ``projection_lagging`` with Retry-After after about EDU_MIN_VERSION_WAIT_SECONDS."""

import asyncio
import time

import pytest

from tests.actors import verified_teacher
from tests.errors import assert_error
from tests.read.conftest import read_settings, search_settings, start_read_app, stop_read_app
from tests.read.helpers import command, ok, unknown_id
from tests.write.catalog_helpers import add_lesson, add_module, create_course
from tests.write.learning_helpers import published_course

WAIT = 1.0  # the ``reader`` fixture's min_version_wait_seconds


@pytest.fixture(scope="module")
async def patient_reader(platform):
    """A read API that waits long enough for a settle of the platform (several seconds on a busy machine)."""
    client, lifespan = await start_read_app(
        read_settings(platform, min_version_wait_seconds=20), search_settings(platform)
    )
    yield client
    await stop_read_app(client, lifespan)


async def test_a_version_already_reached_answers_at_once(platform, api, api_ctx, reader):
    _, course, _ = await published_course(api, api_ctx, category="science")
    await platform.settle()
    for min_version in (1, course["version"]):
        for path in ("", "/curriculum"):
            started = time.monotonic()
            response = await reader.get(f"/courses/{course['id']}{path}", params={"min_version": min_version})
            assert time.monotonic() - started < 0.75 * WAIT  # no wait: the projection has it
            assert ok(response)["version"] == course["version"]
            assert response.headers["cache-control"] == "no-cache"  # read-your-writes: always revalidated


async def test_a_newer_version_waits_for_the_projection_and_answers_it(platform, api, api_ctx, patient_reader):
    teacher, course, _ = await published_course(api, api_ctx, category="finance", title="Before The Edit")
    await platform.settle()

    patched = await command(api, "PATCH", f"/courses/{course['id']}", teacher, json={"title": "After The Edit"})
    await add_module(api, teacher, course["id"], title="Added Module")
    version = (await command(api, "GET", f"/courses/{course['id']}", teacher))["version"]
    assert version > patched["version"] > course["version"]

    card = asyncio.create_task(patient_reader.get(f"/courses/{course['id']}", params={"min_version": version}))
    curriculum = asyncio.create_task(
        patient_reader.get(f"/courses/{course['id']}/curriculum", params={"min_version": version})
    )
    await asyncio.sleep(0.8)  # past RECHECK_SECONDS: the requests looked again and still wait
    assert not card.done() and not curriculum.done()
    # An ordinary read meanwhile answers the old card at once.
    assert ok(await patient_reader.get(f"/courses/{course['id']}"))["title"] == "Before The Edit"

    settle_started = time.monotonic()
    await platform.settle()
    card_response, curriculum_response = await asyncio.wait_for(asyncio.gather(card, curriculum), 10)
    answered_within = time.monotonic() - settle_started

    assert ok(card_response)["version"] == version
    assert card_response.json()["title"] == "After The Edit"
    assert ok(curriculum_response)["version"] == version
    assert [m["title"] for m in curriculum_response.json()["modules"]] == ["A module", "Added Module"]
    assert answered_within < 10


async def test_a_course_being_published_is_served_once_projected(platform, api, api_ctx, patient_reader):
    owner = await verified_teacher(api, api_ctx)
    course = await create_course(api, owner, category="writing")
    await add_lesson(api, owner, (await add_module(api, owner, course["id"]))["id"])
    published = await command(api, "POST", f"/courses/{course['id']}/publish", owner)

    waiting = asyncio.create_task(
        patient_reader.get(f"/courses/{course['id']}", params={"min_version": published["version"]})
    )
    await asyncio.sleep(0.3)
    assert not waiting.done()
    assert_error(await patient_reader.get(f"/courses/{course['id']}"), 404, "not_found")  # not projected yet
    await platform.settle()
    response = await asyncio.wait_for(waiting, 10)
    assert ok(response)["version"] == published["version"]


async def test_a_version_never_reached_is_projection_lagging_after_the_wait(platform, api, api_ctx, reader):
    _, course, _ = await published_course(api, api_ctx, category="business")
    await platform.settle()
    wanted = course["version"] + 100
    for path in ("", "/curriculum"):
        started = time.monotonic()
        response = await reader.get(f"/courses/{course['id']}{path}", params={"min_version": wanted})
        elapsed = time.monotonic() - started
        error = assert_error(response, 503, "projection_lagging")
        assert WAIT * 0.9 <= elapsed < WAIT + 1.5, elapsed
        assert int(response.headers["retry-after"]) >= 1
        assert response.headers["cache-control"] == "no-store"
        assert error["details"] == {"version": course["version"], "min_version": wanted}


async def test_min_version_of_an_unknown_course_is_404(reader):
    started = time.monotonic()
    assert_error(await reader.get(f"/courses/{unknown_id()}", params={"min_version": 3}), 404, "not_found")
    assert time.monotonic() - started < WAIT + 1.5
