"""The refresher loops (``projectors.refresher``): in every worker process one loop per lane, of which one
at a time leads -- woken by marks, handing over when a leader stops, letting go while someone acts as the
refresher (``Runtime.as_refresher``: a rebuild's switch, a repair), and picking up retries that come due
without any event.

Each "process" here is a Runtime of its own (its own Redis pool, search engine and source connections) with
its loops on threads, on the module's platform; changes are made in the write side's tables and marked,
as an event job would."""

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from projectors.backlog import LANES, READ_MODEL, SEARCH_LANE
from projectors.refresher import Refreshers
from projectors.runtime import Runtime
from projectors.settings import ProjectorSettings
from tests.projectors.readmodel import card, execute, found
from tests.write.learning_helpers import published_course

FAST = ProjectorSettings(
    refresher_lock_seconds=2,
    refresher_idle_seconds=0.1,
    refresher_standby_seconds=0.05,
    search_commit_interval_seconds=0,
    old_version_grace_seconds=0,
    retry_base_seconds=0.3,
)


def wait_for(condition: Callable[[], object], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


@contextmanager
def worker_process(platform) -> Iterator[Refreshers]:
    rt = Runtime(platform.runtime.settings, FAST, platform.runtime.search_settings)
    loops = rt.refreshers()
    loops.start()
    try:
        yield loops
    finally:
        loops.stop()
        rt.close()


def leaders(*processes: Refreshers) -> dict[str, list[int]]:
    """lane -> the processes (by position) whose loop leads it."""
    return {
        lane: [n for n, p in enumerate(processes) for r in p.refreshers if r.lane == lane and r.leading]
        for lane in LANES
    }


def one_leader_each(*processes: Refreshers) -> bool:
    return all(len(found) == 1 for found in leaders(*processes).values())


def retitle(platform, course_id: str, title: str) -> None:
    """Changes the course in the write side and marks it, as its CourseUpdated event's job does."""
    execute(platform.settings, "catalog", "UPDATE courses SET title = %s WHERE id = %s", (title, course_id))
    platform.runtime.backlog.mark([uuid.UUID(course_id)], int(time.time() * 1000))


@pytest.fixture
async def course(platform, api, api_ctx) -> dict:
    _, course, _ = await published_course(api, api_ctx, category="design", title="Refresher course")
    await platform.settle()
    return course


def test_one_loop_per_lane_leads_projects_what_is_marked_and_hands_over_when_it_stops(platform, course):
    rt = platform.runtime
    with worker_process(platform) as first, worker_process(platform) as second:
        wait_for(lambda: one_leader_each(first, second), "one leader per lane")

        retitle(platform, course["id"], "Woken quasar")

        wait_for(lambda: card(rt, course["id"])["title"] == "Woken quasar", "the card")
        wait_for(lambda: found(rt, "quasar") == [course["id"]], "the search index")
        assert not rt.backlog.has_work() and not rt.search_backlog.has_work()

        read_model_leader = (first, second)[leaders(first, second)[READ_MODEL][0]]
        other = second if read_model_leader is first else first
        read_model_leader.stop()  # a worker shutting down lets go of its leases at once
        assert not any(r.leading for r in read_model_leader.refreshers)
        wait_for(lambda: all(r.leading for r in other.refreshers), "the other process to lead both lanes")

        retitle(platform, course["id"], "Handed-over nebula")

        wait_for(lambda: card(rt, course["id"])["title"] == "Handed-over nebula", "the card after the handover")
        wait_for(lambda: found(rt, "nebula") == [course["id"]], "the search index after the handover")


def test_acting_as_the_refresher_pauses_the_loops_and_wakes_them_after(platform, course):
    rt = platform.runtime
    with worker_process(platform) as loops:
        wait_for(lambda: all(r.leading for r in loops.refreshers), "the loops to lead")
        before = card(rt, course["id"])["title"]

        with rt.as_refresher():
            assert not any(r.leading for r in loops.refreshers)  # they let go of their leases (and writer)
            retitle(platform, course["id"], "Paused pulsar")
            time.sleep(0.5)  # several standby periods: no loop takes a lease while the pause holds
            assert card(rt, course["id"])["title"] == before
            assert not any(r.leading for r in loops.refreshers)
            assert rt.search_backlog.dirty_count() == 1

        wait_for(lambda: card(rt, course["id"])["title"] == "Paused pulsar", "the card after the pause")
        wait_for(lambda: found(rt, "pulsar") == [course["id"]], "the search index after the pause")
        assert all(r.leading for r in loops.refreshers)


def test_a_retry_that_comes_due_is_projected_without_any_event(platform, course):
    rt = platform.runtime
    retitle(platform, course["id"], "Retried comet")
    for lane in (rt.backlog, rt.search_backlog):  # as after a failed round: waiting for its retry
        assert not lane.fail(uuid.UUID(course["id"]), "boom", max_attempts=5, base_seconds=FAST.retry_base_seconds)
    rt.redis.delete(*(lane.keys.wake for lane in (rt.backlog, rt.search_backlog)))  # nothing will wake them
    assert not rt.backlog.has_work()  # not due yet

    with worker_process(platform):
        wait_for(lambda: card(rt, course["id"])["title"] == "Retried comet", "the retried card")
        wait_for(lambda: found(rt, "comet") == [course["id"]], "the retried search document")

    assert rt.backlog.pending() == set()
    assert not rt.redis.exists(*(rt.lane(lane).backlog.keys.refresher for lane in (READ_MODEL, SEARCH_LANE)))
