"""The RQ side of the projections: queue names, the Redis connection RQ needs, the jobs and their retries.

One queue per deployment, named after its key prefix ("edu:" -> "edu-events"), so a test run or a second
deployment on the same Redis has its own. Workers take from this one queue only, on purpose: from a single
queue RQ dequeues with BLMOVE into an intermediate list, so a job handed to a worker that dies before
starting it is still recorded and RQ's maintenance gives it back; from several queues RQ uses BLPOP, and
such a job is gone for good (the crash test found exactly that). The only jobs are event jobs; the
re-projecting is done by the refresher loops (``projectors.refresher``), not by jobs.

RQ stores serialized bytes, so its Redis connection must not decode responses. Jobs are JSON (no pickle
read back from Redis): the job function is a dotted path and its argument a JSON-able dict.

Retries: a failed job is retried after 1, 5 and 30 seconds (RQ's scheduler runs inside every
``edu worker``), then stays in RQ's failed registry with its traceback -- parked -- until
``edu projections requeue`` puts it back. Jobs are independent, so a poison event blocks nothing else.
"""

import dataclasses
import uuid
from typing import Any

from pydantic_core import to_jsonable_python
from redis import Redis
from rq import Queue, Retry
from rq.serializers import JSONSerializer

from write.outbox import DeliveredEvent
from write.settings import WriteSettings

EVENTS_JOB = "projectors.events.handle"
SERIALIZER = JSONSerializer
RETRY_INTERVALS = [1, 5, 30]


def job_retry() -> Retry:
    return Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS)


def _base(settings: WriteSettings) -> str:
    return settings.redis_key_prefix.rstrip(":")


def events_queue_name(settings: WriteSettings) -> str:
    return f"{_base(settings)}-events"


def rq_redis(settings: WriteSettings) -> Redis:
    return Redis.from_url(settings.redis_url, decode_responses=False, socket_connect_timeout=5)


def events_queue(settings: WriteSettings, connection: Redis | None = None, name: str | None = None) -> Queue:
    return Queue(
        name or events_queue_name(settings), connection=connection or rq_redis(settings), serializer=SERIALIZER
    )


def all_queues(settings: WriteSettings, connection: Redis | None = None) -> list[Queue]:
    """Every queue workers take from: one."""
    return [events_queue(settings, connection)]


def event_to_job(event: DeliveredEvent) -> dict[str, Any]:
    return to_jsonable_python(dataclasses.asdict(event))


def new_job_id(queue: Queue) -> str:
    """Job ids carry the queue's name so that every key of one queue can be found (and a test's removed)."""
    return f"{queue.name}-{uuid.uuid4().hex}"
