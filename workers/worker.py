"""The projection worker (``edu worker``): an RQ worker for the event jobs, and a refresher loop per lane.

It is RQ's ``SimpleWorker``: jobs run in the worker process itself rather than in a child forked per job,
so the command context, database pools and event loop the job function builds on first use
(``projectors.events``) serve every later job, and no per-child state (e.g. metric files) piles up. Scale
out by running more worker processes.

It takes from the deployment's one queue (``projectors.queues``): event jobs only mark courses. Beside
RQ's job loop, each process runs every lane's refresher loop on a thread of its own
(``projectors.refresher``): one process at a time leads each lane and re-projects what was marked, the
others stand by to take over. ``--burst`` runs the queued jobs, then drains the lanes once, and exits.

It runs with RQ's scheduler (``with_scheduler``): a failed job is retried after an interval, i.e. put in
RQ's scheduled registry, and only a scheduler moves it back to its queue when it is due. Any number of
workers may run it; one at a time holds each queue's scheduler lock. In ``--burst`` mode the scheduler
enqueues the jobs due at start, then stops with the worker.

Metrics are per process: each worker serves its own ``/metrics`` (``workers.ops_http``; Prometheus scrapes
every worker, and sums). No ``PROMETHEUS_MULTIPROC_DIR`` is needed because no job runs in a forked child.
The one child there is, RQ's scheduler process, runs no jobs and so counts nothing.
"""

from redis import Redis
from rq import Queue, SimpleWorker

from projectors.queues import SERIALIZER, all_queues, rq_redis
from projectors.runtime import Runtime
from write.settings import WriteSettings

# How often a worker looks for jobs abandoned by a worker that died (SIGKILL, lost host) and retries them.
# RQ's default is 10 minutes; a job's heartbeat expires 90 s after it started (its time limit, capped at
# RQ's 30 s monitoring interval, plus 60 s), so a killed worker's job runs again within about 2 minutes. A
# job Redis handed to a worker that died while waiting for one (it sits in the queue's intermediate list)
# is given back after a minute there, at the next maintenance pass.
MAINTENANCE_SECONDS = 30


def build_worker(
    settings: WriteSettings, connection: Redis | None = None, queues: list[Queue] | None = None
) -> SimpleWorker:
    connection = connection or rq_redis(settings)
    return SimpleWorker(
        queues or all_queues(settings, connection),
        connection=connection,
        serializer=SERIALIZER,
        maintenance_interval=MAINTENANCE_SECONDS,
    )


def run_worker(settings: WriteSettings, *, burst: bool = False) -> bool:
    """Works the events queue until stopped (or, with ``burst``, until it is empty, then drains every lane
    once), with RQ's scheduler for retries and this process's refreshers; True if any job ran."""
    from projectors import events

    rt: Runtime = events.runtime()  # the one the jobs use: one Redis pool and search engine per process
    if burst:
        worked = build_worker(settings).work(burst=True, logging_level="INFO", with_scheduler=True)
        rt.drain()
        return worked
    refreshers = rt.refreshers()
    refreshers.start()
    try:
        return build_worker(settings).work(burst=False, logging_level="INFO", with_scheduler=True)
    finally:
        refreshers.stop()
