"""RQ keeps its keys under ``rq:``, outside our key prefix: removing a test run's queues, jobs and registries."""

from projectors.queues import rq_redis
from write.settings import WriteSettings


def remove_rq_keys(settings: WriteSettings) -> None:
    """Deletes every RQ key of this run's queues (their names carry the run's key prefix)."""
    connection = rq_redis(settings)
    run = settings.redis_key_prefix.rstrip(":")
    for key in connection.scan_iter(match=f"rq:*{run}*"):
        connection.delete(key)
    mine = [q for q in connection.smembers("rq:queues") if run.encode() in q]
    if mine:
        connection.srem("rq:queues", *mine)
    connection.close()
