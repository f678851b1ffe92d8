"""Where the commit-to-visible time goes, from RQ's own records of the jobs that ran (kept for
``result_ttl``): for each event of the measured run, the relay (event occurred → job on the events queue),
the wait on the queue (→ a worker starts it) and the event job itself (marking the course, which wakes the
refreshers). What the refreshers did after that is in the projector's own lag samples. Read after the run;
nothing is added to the platform's own code paths."""

import time
from datetime import UTC, datetime

from rq.job import Job
from rq.registry import FinishedJobRegistry, StartedJobRegistry

from projectors.queues import EVENTS_JOB, SERIALIZER, events_queue, rq_redis
from write.settings import WriteSettings


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _ms(later: datetime | None, earlier: datetime | None) -> float | None:
    if later is None or earlier is None:
        return None
    return (_utc(later) - _utc(earlier)).total_seconds() * 1000


def _finished(queue) -> list[Job]:
    ids = FinishedJobRegistry(queue=queue).get_job_ids()
    return [job for job in Job.fetch_many(ids, connection=queue.connection, serializer=SERIALIZER) if job]


def wait_drained(settings: WriteSettings, timeout_s: float) -> bool:
    """Waits until no job waits or runs on the queue (a card can show its version while the events that
    led there still wait: a refresh reads the current source); True if they drained in time."""
    connection = rq_redis(settings)
    try:
        queues = (events_queue(settings, connection),)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not any(q.count or StartedJobRegistry(queue=q).count for q in queues):
                return True
            time.sleep(0.05)
        return False
    finally:
        connection.close()


def stage_samples(settings: WriteSettings, since: datetime) -> dict[str, list[float]]:
    """Stage name -> samples (ms) of the events that occurred after ``since``."""
    connection = rq_redis(settings)
    try:
        stages: dict[str, list[float]] = {
            "relay (event occurred → on the events queue)": [],
            "events queue wait (→ a worker starts the job)": [],
            "event job (marks the course, wakes the refreshers)": [],
        }
        names = list(stages)
        finished = list(_finished(events_queue(settings, connection)))
        for job in finished:
            if job.func_name != EVENTS_JOB:
                continue
            occurred = datetime.fromisoformat(job.args[0]["occurred_at"])
            if _utc(occurred) < since:
                continue
            for name, value in zip(
                names,
                (
                    _ms(job.enqueued_at, occurred),
                    _ms(job.started_at, job.enqueued_at),
                    _ms(job.ended_at, job.started_at),
                ),
                strict=True,
            ):
                if value is not None:
                    stages[name].append(value)
        return stages
    finally:
        connection.close()
