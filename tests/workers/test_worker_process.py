"""`edu worker` and `edu relay` as processes: a burst worker re-projects what is marked; a long-running worker's
refresher loops lead and re-project a marked course with no job at all; both serve their ops endpoints
(/health/ready, /metrics with real numbers), refuse a port that is taken and free it on exit.

They run on a seeded platform of their own (six fresh databases, a key prefix, a search directory), with
its projections built first, as `edu seed` leaves them.
"""

import json
import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import psycopg
import pytest
from rq.job import JobStatus

from projectors.layout import CARDS
from projectors.queues import EVENTS_JOB, all_queues, job_retry, new_job_id
from projectors.rebuild import rebuild
from projectors.runtime import Runtime
from projectors.settings import ProjectorSettings
from search.settings import SearchSettings
from seed.runner import seed_platform
from seed.scales import tiny
from tests.environment import environment
from tests.workers.test_cli import EDU
from tests.workers.test_ops_http import remove_rq_keys
from workers.devstack import free_port
from write.settings import WriteSettings


@dataclass
class Seeded:
    settings: WriteSettings
    env: dict[str, str]
    rt: Runtime

    def edu(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run([EDU, *args], env=self.env | env, capture_output=True, text=True, timeout=90)

    def start(self, *args: str, **env: str) -> subprocess.Popen:
        return subprocess.Popen(
            [EDU, *args], env=self.env | env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )


@pytest.fixture(scope="module")
def seeded(fresh_databases, tmp_path_factory) -> Iterator[Seeded]:
    settings = fresh_databases()
    seed_platform(settings, tiny("ops", courses=30), seed=5)
    search_dir = tmp_path_factory.mktemp("search")
    rt = Runtime(settings, ProjectorSettings(old_version_grace_seconds=0), SearchSettings(search_dir=search_dir))
    rebuild(rt)
    rt.reset_engine()  # the worker processes write the index from now on
    env = {key: value for key, value in os.environ.items() if not key.startswith("EDU_")} | environment(settings)
    env |= {"EDU_ENV": "test", "EDU_SEARCH_DIR": str(search_dir), "EDU_OLD_VERSION_GRACE_SECONDS": "0"}
    yield Seeded(settings, env, rt)
    rt.close()
    remove_rq_keys(settings)


def a_published_course(settings: WriteSettings) -> uuid.UUID:
    with psycopg.connect(settings.libpq_url("catalog")) as connection:
        [(course_id,)] = connection.execute(
            "SELECT id FROM courses WHERE status = 'published' ORDER BY id LIMIT 1"
        ).fetchall()
    return course_id


def card(rt: Runtime, course_id: uuid.UUID) -> dict:
    return json.loads(rt.redis.hget(rt.keys.data(CARDS, rt.store.active()[CARDS]), str(course_id)))


def wait_for(condition, timeout: float = 30, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def answers(url: str) -> int | None:
    try:
        return httpx.get(url, timeout=2).status_code
    except httpx.HTTPError:
        return None


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    return output


def port_is_free(port: int) -> bool:
    """True if a new ops server could listen there (as it does: SO_REUSEADDR, so TIME_WAIT does not count)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def retitle(settings: WriteSettings, rt: Runtime, title: str) -> uuid.UUID:
    """Changes a published course in the write side and marks it, as its event's job would."""
    course_id = a_published_course(settings)
    with psycopg.connect(settings.libpq_url("catalog")) as connection:
        connection.execute("UPDATE courses SET title = %s WHERE id = %s", [title, course_id])
    rt.backlog.mark([course_id], int(time.time() * 1000))
    return course_id


def test_a_burst_worker_runs_the_queued_jobs_then_reprojects_what_is_marked(seeded):
    rt, settings = seeded.rt, seeded.settings
    course_id = retitle(settings, rt, "Refreshed by a burst worker")
    [queue] = all_queues(settings, rt.redis)
    assert queue.count == 0  # marking enqueues nothing: the refreshers take it

    worked = seeded.edu("worker", "--burst")

    assert worked.returncode == 0, worked.stdout + worked.stderr
    assert rt.backlog.dirty_count() == 0 and rt.search_backlog.dirty_count() == 0
    assert card(rt, course_id)["title"] == "Refreshed by a burst worker"
    assert not rt.redis.exists(rt.backlog.keys.refresher, rt.search_backlog.keys.refresher)  # let go


def test_a_worker_serves_ready_and_metrics_then_frees_its_port(seeded):
    rt, settings = seeded.rt, seeded.settings
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    worker = seeded.start("worker", EDU_WORKER_OPS_PORT=str(port))
    try:
        wait_for(lambda: answers(f"{base}/health/ready") == 200 or worker.poll() is not None, what="ready")
        assert worker.poll() is None
        assert httpx.get(f"{base}/health/live").json() == {"status": "ok"}

        [events] = all_queues(settings, rt.redis)
        event = {
            "event_id": str(uuid.uuid4()),
            "event_type": "OpsTestEvent",
            "aggregate_type": "test",
            "aggregate_id": str(uuid.uuid4()),
            "aggregate_version": 1,
            "payload": {},
            "occurred_at": datetime.now(UTC).isoformat(),
        }
        job = events.enqueue(EVENTS_JOB, event, job_id=new_job_id(events), retry=job_retry())
        wait_for(lambda: job.get_status(refresh=True) == JobStatus.FINISHED, what="the event job")

        course_id = retitle(settings, rt, "Refreshed by the leading loop")
        wait_for(lambda: card(rt, course_id)["title"] == "Refreshed by the leading loop", what="the refresher")

        leading = ('edu_refresher_leading{lane="read_model"} 1.0', 'edu_refresher_leading{lane="search"} 1.0')
        # the only worker leads both lanes (the second after passing it up a few times for another process)
        wait_for(lambda: all(line in httpx.get(f"{base}/metrics").text for line in leading), what="leading")
        metrics = httpx.get(f"{base}/metrics").text
        assert 'edu_projection_events_total{event_type="OpsTestEvent"} 1.0' in metrics
        assert f'edu_queue_depth{{queue="{events.name}"}} 0.0' in metrics
        assert 'edu_outbox_backlog{domain="catalog"} 0.0' in metrics
        assert 'edu_projection_backlog{state="parked"} 0.0' in metrics

        second = seeded.edu("worker", EDU_WORKER_OPS_PORT=str(port))  # a second worker needs its own port
        assert second.returncode == 1
        assert "EDU_WORKER_OPS_PORT" in second.stdout and "Traceback" not in second.stdout + second.stderr
    finally:
        output = stop(worker)
    assert worker.returncode == 0, output
    assert port_is_free(port)  # RQ's scheduler child did not keep the listening socket
    assert not rt.redis.exists(rt.backlog.keys.refresher, rt.search_backlog.keys.refresher)  # leases let go


def test_the_relay_serves_ready_and_metrics(seeded):
    rt, settings = seeded.rt, seeded.settings
    [events] = all_queues(settings, rt.redis)
    events.empty()
    rt.backlog.mark([a_published_course(settings)], int(time.time() * 1000))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    relay = seeded.start("relay", "--domain", "review", EDU_RELAY_OPS_PORT=str(port), EDU_RELAY_POLL_SECONDS="0.2")
    try:
        wait_for(lambda: answers(f"{base}/health/ready") == 200 or relay.poll() is not None, what="ready")
        assert relay.poll() is None

        with psycopg.connect(settings.libpq_url("review")) as connection:
            connection.execute(
                "INSERT INTO outbox (event_id, event_type, aggregate_type, aggregate_id, payload) "
                "VALUES (gen_random_uuid(), 'OpsTestEvent', 'test', gen_random_uuid(), '{}')"
            )
        wait_for(lambda: events.count == 1, what="the relay to deliver the event")

        metrics = httpx.get(f"{base}/metrics").text
        assert 'edu_outbox_backlog{domain="review"} 0.0' in metrics
        assert f'edu_queue_depth{{queue="{events.name}"}} 1.0' in metrics
        assert 'edu_projection_backlog{state="dirty"} 1.0' in metrics
    finally:
        output = stop(relay)
    assert relay.returncode == 0, output
    assert port_is_free(port)
    events.empty()
    rt.drain()
