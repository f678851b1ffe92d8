"""The RQ worker that runs the projections' jobs (``edu worker``).

It is RQ's ``SimpleWorker``: jobs run in the worker process itself rather than in a child forked per job,
so the command context, database pools and event loop the job function builds on first use
(``projectors.events``) serve every later job, and no per-child state (e.g. metric files) piles up. Scale
out by running more worker processes.
"""

from redis import Redis
from rq import SimpleWorker

from workers.queues import SERIALIZER, events_queue, rq_redis
from write.settings import WriteSettings


def build_worker(
    settings: WriteSettings, connection: Redis | None = None, queue_name: str | None = None
) -> SimpleWorker:
    connection = connection or rq_redis(settings)
    queue = events_queue(settings, connection, queue_name)
    return SimpleWorker([queue], connection=connection, serializer=SERIALIZER)


def run_worker(settings: WriteSettings, *, burst: bool = False) -> bool:
    """Works the events queue until stopped (or, with ``burst``, until it is empty); True if any job ran."""
    return build_worker(settings).work(burst=burst, logging_level="INFO")
