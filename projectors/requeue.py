"""Retrying what failed, once its cause is fixed: parked courses go back to their lanes and RQ's failed
jobs back to the queue (``edu projections requeue``, the operators' console)."""

import uuid

from rq.registry import FailedJobRegistry

from projectors.queues import all_queues
from projectors.runtime import Runtime


def requeue_failures(rt: Runtime, course_ids: list[uuid.UUID] | None = None, *, jobs: bool = True) -> tuple[int, int]:
    """Requeues the parked courses (``course_ids``, or all) and, with ``jobs``, every failed job; returns
    how many of each."""
    courses = rt.backlog.requeue(course_ids)
    requeued_jobs = 0
    if jobs:
        for queue in all_queues(rt.settings, rt.redis):
            registry = FailedJobRegistry(queue=queue)
            for job_id in registry.get_job_ids():
                registry.requeue(job_id)
                requeued_jobs += 1
    return courses, requeued_jobs
