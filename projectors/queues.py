"""The RQ side of the projections: queue names, the Redis connection RQ needs, the jobs and their retries.

Two queues per deployment, named after its key prefix ("edu:" -> "edu-events", "edu-refresh"), so a test
run or a second deployment on the same Redis has its own. Workers take from ``events`` first: an event job
is cheap (it marks courses and wakes the refresher), so a worker drains what has arrived and the refresh
that follows re-projects every course those events marked at once. Taking refresh jobs first would run one
refresh per event, each re-projecting a single course, and fall behind under load.

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
REFRESH_JOB = "projectors.events.refresh"
SERIALIZER = JSONSerializer
RETRY_INTERVALS = [1, 5, 30]


def job_retry() -> Retry:
    return Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS)


def _base(settings: WriteSettings) -> str:
    return settings.redis_key_prefix.rstrip(":")


def events_queue_name(settings: WriteSettings) -> str:
    return f"{_base(settings)}-events"


def refresh_queue_name(settings: WriteSettings) -> str:
    return f"{_base(settings)}-refresh"


def rq_redis(settings: WriteSettings) -> Redis:
    return Redis.from_url(settings.redis_url, decode_responses=False, socket_connect_timeout=5)


def events_queue(settings: WriteSettings, connection: Redis | None = None, name: str | None = None) -> Queue:
    return Queue(
        name or events_queue_name(settings), connection=connection or rq_redis(settings), serializer=SERIALIZER
    )


def refresh_queue(settings: WriteSettings, connection: Redis | None = None) -> Queue:
    return Queue(refresh_queue_name(settings), connection=connection or rq_redis(settings), serializer=SERIALIZER)


def all_queues(settings: WriteSettings, connection: Redis | None = None) -> list[Queue]:
    """In the order workers take from them (events first: see the module's docstring)."""
    connection = connection or rq_redis(settings)
    return [events_queue(settings, connection), refresh_queue(settings, connection)]


def event_to_job(event: DeliveredEvent) -> dict[str, Any]:
    return to_jsonable_python(dataclasses.asdict(event))


def new_job_id(queue: Queue) -> str:
    """Job ids carry the queue's name so that every key of one queue can be found (and a test's removed)."""
    return f"{queue.name}-{uuid.uuid4().hex}"


def enqueue_refresh(queue: Queue, lane: str) -> None:
    queue.enqueue(
        REFRESH_JOB, lane, job_id=new_job_id(queue), retry=job_retry(), description=f"refresh projections: {lane}"
    )
