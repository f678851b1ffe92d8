"""The RQ side of the projections: queue names, the Redis connection RQ needs, and the job envelope.

RQ stores pickled/serialized bytes, so its Redis connection must not decode responses (the write side's
asyncio Redis is a different client). Jobs are serialized as JSON (no pickle read back from Redis): the job
function is a dotted path and its one argument a JSON-able dict of the outbox row (``event_to_job``).
"""

import dataclasses
import uuid
from typing import Any

from pydantic_core import to_jsonable_python
from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer

from write.outbox import DeliveredEvent
from write.settings import WriteSettings

EVENTS_JOB = "projectors.events.handle"
SERIALIZER = JSONSerializer


def events_queue_name(settings: WriteSettings) -> str:
    """One queue for every outbox event, named after the deployment's key prefix ("edu:" -> "edu-events"),
    so a test run or a second deployment on the same Redis has its own queue."""
    return f"{settings.redis_key_prefix.rstrip(':')}-events"


def rq_redis(settings: WriteSettings) -> Redis:
    return Redis.from_url(settings.redis_url, decode_responses=False, socket_connect_timeout=5)


def events_queue(settings: WriteSettings, connection: Redis | None = None, name: str | None = None) -> Queue:
    return Queue(
        name or events_queue_name(settings),
        connection=connection or rq_redis(settings),
        serializer=SERIALIZER,
    )


def event_to_job(event: DeliveredEvent) -> dict[str, Any]:
    return to_jsonable_python(dataclasses.asdict(event))


def new_job_id(queue: Queue) -> str:
    """Job ids carry the queue's name so that every key of one queue can be found (and a test's removed)."""
    return f"{queue.name}-{uuid.uuid4().hex}"
