"""Failures stay where they happen: a course whose projection fails is retried with a growing delay, then
parked with its error, while every other course goes on being projected; ``edu projections requeue`` brings
it back once the cause is fixed. An event job that fails is retried by RQ, then kept in RQ's failed
registry, and holds back no other job."""

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta

from rq.job import JobStatus
from rq.registry import FailedJobRegistry, ScheduledJobRegistry
from typer.testing import CliRunner

from projectors import events, metrics
from projectors.queues import EVENTS_JOB, RETRY_INTERVALS, events_queue, job_retry, new_job_id
from projectors.status import status
from projectors.verify import verify
from tests.projectors.readmodel import card, execute, outbox_events
from tests.write.learning_helpers import published_course
from workers.projections_cli import projections_app


async def test_a_course_that_cannot_be_read_is_retried_then_parked_and_holds_back_no_other(platform, api, api_ctx):
    rt = platform.runtime
    settings = rt.projector_settings
    assert (settings.max_attempts, settings.retry_base_seconds) == (5, 0.05)  # EDU_RETRY_BASE_SECONDS
    courses = [await published_course(api, api_ctx, category="science", title=f"Course {n}") for n in range(4)]
    await platform.settle()
    for teacher, course, _ in courses:
        response = await api.patch(f"/courses/{course['id']}", json={"title": "Renamed"}, headers=teacher.headers)
        assert response.status_code == 200, response.text
    poison = courses[0][1]["id"]
    # PostgreSQL keeps dates Python cannot hold ('infinity', or past year 9999): the course's row can no
    # longer be read by the projector. (Set after the command: the write side cannot load it either.)
    [(good_date,)] = execute(
        platform.settings, "catalog", "SELECT published_at::text FROM courses WHERE id = %s", (poison,)
    )
    execute(platform.settings, "catalog", "UPDATE courses SET published_at = 'infinity' WHERE id = %s", (poison,))
    changed = [e for e in outbox_events(platform.settings) if e.event_type == "CourseUpdated"]
    execute(platform.settings, "catalog", "UPDATE outbox SET delivered_at = now() WHERE delivered_at IS NULL")
    for event in changed:  # all four marked, then one round takes them together
        events.mark(rt, event)
    failures_before = metrics.FAILURES.labels("course")._value.get()

    # Five rounds: the first takes all four and projects three; the poison course is retried after 0.05,
    # 0.1, 0.2 and 0.4 s, and its fifth failure parks it.
    for attempt in range(1, settings.max_attempts + 1):
        before = time.time()
        claimed = await asyncio.to_thread(rt.projector.round)
        after = time.time()
        if attempt == 1:
            assert claimed == 4
            for _, course, _ in courses[1:]:
                assert card(rt, course["id"])["title"] == "Renamed"
        else:
            assert claimed == 1
        assert card(rt, poison)["title"] == "Course 0"  # its last good projection stays
        assert metrics.FAILURES.labels("course")._value.get() == failures_before + attempt
        if attempt == settings.max_attempts:
            break
        assert rt.redis.hget(rt.backlog.keys.attempts, poison) == str(attempt).encode()
        assert rt.redis.zscore(rt.backlog.keys.dirty, poison) is None
        retry_at = rt.redis.zscore(rt.backlog.keys.delayed, poison) / 1000
        delay = settings.retry_base_seconds * 2 ** (attempt - 1)
        assert before + delay - 0.002 <= retry_at <= after + delay + 0.002, (attempt, retry_at - before)
        if retry_at - time.time() > 0.01:
            assert not rt.backlog.has_work()  # nothing to do before the retry is due
        await asyncio.sleep(max(0.0, retry_at - time.time()) + 0.005)
        assert rt.backlog.has_work()

    parked = rt.backlog.parked()
    assert set(parked) == {uuid.UUID(poison)}
    assert parked[uuid.UUID(poison)]["attempts"] == settings.max_attempts
    assert "DataError" in parked[uuid.UUID(poison)]["error"]
    assert uuid.UUID(poison) not in rt.backlog.pending(every_lane=False)  # (the search lane retries on its own)
    assert not rt.backlog.has_work()
    assert status(rt).parked.keys() == {poison}
    assert card(rt, poison)["title"] == "Course 0"

    # Fixed, then requeued as an operator does: it projects.
    execute(platform.settings, "catalog", "UPDATE courses SET published_at = %s WHERE id = %s", (good_date, poison))
    result = await asyncio.to_thread(CliRunner().invoke, projections_app, ["requeue", poison])
    assert result.exit_code == 0, result.output
    assert "Requeued 1 parked courses" in result.output
    assert rt.backlog.parked() == {}
    await platform.settle()
    assert card(rt, poison)["title"] == "Renamed"
    assert rt.redis.hget(rt.backlog.keys.attempts, poison) is None
    report = await asyncio.to_thread(verify, rt)
    assert report.clean and report.pending == 0, report.differences


async def test_the_real_worker_parks_a_poison_course_and_projects_the_rest(platform, api, api_ctx):
    rt = platform.runtime
    teacher, poison, _ = await published_course(api, api_ctx, category="music")
    await platform.settle()
    response = await api.patch(f"/courses/{poison['id']}", json={"price": "1"}, headers=teacher.headers)
    assert response.status_code == 200, response.text
    execute(
        platform.settings, "catalog", "UPDATE courses SET updated_at = '20000-01-01' WHERE id = %s", (poison["id"],)
    )
    _, other, _ = await published_course(api, api_ctx, category="music")

    deadline = time.monotonic() + 10
    while uuid.UUID(poison["id"]) not in rt.backlog.parked():
        assert time.monotonic() < deadline, rt.backlog.pending()
        await platform.settle()
        await asyncio.sleep(0.05)

    assert card(rt, other["id"]) is not None
    assert card(rt, poison["id"])["price"] == "0.00"
    execute(platform.settings, "catalog", "UPDATE courses SET updated_at = now() WHERE id = %s", (poison["id"],))
    assert rt.backlog.requeue() == 1
    await platform.settle()
    assert card(rt, poison["id"])["price"] == "1.00"


def fast_forward_retries(queue) -> int:
    """What RQ's scheduler does once a retry's interval has passed, without waiting 1, 5 and 30 s."""
    registry = ScheduledJobRegistry(queue=queue)
    job_ids = registry.get_jobs_to_schedule(int(time.time()) + 3600)
    for job_id in job_ids:
        queue.enqueue_job(queue.fetch_job(job_id))
        registry.remove(job_id)
    return len(job_ids)


async def test_a_failing_event_job_is_retried_then_failed_and_blocks_no_other_job(platform, api, api_ctx):
    rt = platform.runtime
    queue = events_queue(platform.settings, rt.redis)
    malformed = {  # a review event without the course it is about
        "event_id": str(uuid.uuid4()),
        "event_type": "ReviewEdited",
        "aggregate_type": "review",
        "aggregate_id": str(uuid.uuid4()),
        "aggregate_version": 2,
        "payload": {"changes": {"rating": 1}},
        "occurred_at": datetime.now(UTC).isoformat(),
    }
    bad = queue.enqueue(EVENTS_JOB, malformed, job_id=new_job_id(queue), retry=job_retry())
    _, course, _ = await published_course(api, api_ctx, category="writing")  # its events queue up behind
    failed_before = metrics.FAILURES.labels("event")._value.get()
    settling = datetime.now(UTC)

    await platform.settle()

    assert card(rt, course["id"]) is not None
    bad.refresh()
    assert bad.get_status() == JobStatus.SCHEDULED
    assert bad.retries_left == len(RETRY_INTERVALS) - 1
    scheduled_at = ScheduledJobRegistry(queue=queue).get_scheduled_time(bad)  # whole seconds
    assert settling - timedelta(seconds=1) < scheduled_at <= datetime.now(UTC) + timedelta(seconds=RETRY_INTERVALS[0])

    for retries_left in range(len(RETRY_INTERVALS) - 2, -1, -1):
        assert fast_forward_retries(queue) == 1
        await asyncio.to_thread(platform.work)
        bad.refresh()
        assert (bad.get_status(), bad.retries_left) == (JobStatus.SCHEDULED, retries_left)
    assert fast_forward_retries(queue) == 1
    await asyncio.to_thread(platform.work)

    bad.refresh()
    assert bad.get_status() == JobStatus.FAILED
    assert bad.id in FailedJobRegistry(queue=queue).get_job_ids()
    assert "KeyError: 'course_id'" in bad.latest_result().exc_string
    assert metrics.FAILURES.labels("event")._value.get() == failed_before + len(RETRY_INTERVALS) + 1
    assert status(rt).queues[queue.name] == {"waiting": 0, "scheduled": 0, "failed": 1}

    # Requeued, it runs (and fails) again, since nothing fixed it; other jobs still pass it by.
    result = await asyncio.to_thread(CliRunner().invoke, projections_app, ["requeue"])
    assert result.exit_code == 0, result.output
    assert "Requeued 0 parked courses and 1 failed jobs" in result.output
    _, later, _ = await published_course(api, api_ctx, category="writing")
    await platform.settle()
    assert card(rt, later["id"]) is not None
    assert metrics.FAILURES.labels("event")._value.get() == failed_before + len(RETRY_INTERVALS) + 2
    FailedJobRegistry(queue=queue).remove(bad, delete_job=True)
