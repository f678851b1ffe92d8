"""The outbox relay and the RQ worker against real PostgreSQL and Redis (docs/adr/0002-outbox.md).

Every test uses RQ queues named after this run's key prefix (``rq:*`` keys holding it are removed at the
end); tests of the relay itself insert their own rows into the review outbox and only count those.
"""

import asyncio
import os
import subprocess
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import psycopg
import pytest
from rq import Queue
from rq.job import Job

from projectors.queues import SERIALIZER, events_queue, rq_redis
from tests.actors import verified_teacher
from tests.rq_keys import remove_rq_keys
from tests.workers.test_cli import EDU, run_edu
from workers.relay import OutboxRelay, conninfo
from write.settings import DOMAINS

DOMAIN = "review"


@pytest.fixture(scope="module")
def rq(settings):
    connection = rq_redis(settings)
    yield connection
    remove_rq_keys(settings)
    assert not list(connection.scan_iter(match=f"rq:*{settings.redis_key_prefix.rstrip(':')}*"))
    connection.close()


def fresh_queue(settings, rq, label: str) -> Queue:
    return events_queue(settings, rq, f"{settings.redis_key_prefix.rstrip(':')}-{label}-{uuid.uuid4().hex[:6]}")


def insert_events(connection: psycopg.Connection, n: int) -> list[str]:
    """Adds ``n`` events to the outbox in the connection's current transaction; their event ids, in id order."""
    event_ids = [uuid.uuid4() for _ in range(n)]
    connection.execute(
        "INSERT INTO outbox (event_id, event_type, aggregate_type, aggregate_id, payload) "
        "SELECT e, 'RelayTestEvent', 'test', gen_random_uuid(), '{}' "
        "FROM unnest(%s::uuid[]) WITH ORDINALITY AS t(e, n) ORDER BY n",
        [event_ids],
    )
    return [str(e) for e in event_ids]


def committed_events(settings, n: int) -> list[str]:
    with psycopg.connect(conninfo(settings, DOMAIN)) as connection:
        return insert_events(connection, n)


def delivered_at(settings, event_ids: list[str], domain: str = DOMAIN) -> dict[str, object]:
    with psycopg.connect(conninfo(settings, domain)) as connection:
        rows = connection.execute(
            "SELECT event_id::text, delivered_at FROM outbox WHERE event_id = ANY(%s::uuid[])", [event_ids]
        ).fetchall()
    return dict(rows)


def jobs_per_event(queue: Queue) -> Counter:
    jobs = Job.fetch_many(queue.get_job_ids(), connection=queue.connection, serializer=SERIALIZER)
    assert all(job.func_name == "projectors.events.handle" for job in jobs)
    return Counter(job.args[0]["event_id"] for job in jobs)


async def test_a_verified_teacher_is_notified_through_the_relay_and_a_worker(settings, client, ctx, rq):
    teacher = await verified_teacher(client, ctx)
    queue = events_queue(settings, rq)  # the run's own events queue, the one `edu worker` works
    relay = OutboxRelay(settings, queue, domains=("identity",))
    try:
        assert await asyncio.to_thread(relay.pass_once) >= 1
    finally:
        relay.close()
    with psycopg.connect(conninfo(settings, "identity")) as connection:
        [(event_id, delivered, attempts)] = connection.execute(
            "SELECT event_id::text, delivered_at, attempts FROM outbox "
            "WHERE event_type = 'TeacherVerified' AND aggregate_id = %s",
            [teacher.id],
        ).fetchall()
    assert delivered is not None and attempts == 1
    assert jobs_per_event(queue)[event_id] == 1

    worked = await asyncio.to_thread(run_edu, settings, "worker", "--burst")
    assert worked.returncode == 0, worked.stdout + worked.stderr
    assert queue.count == 0 and queue.failed_job_registry.count == 0

    response = await client.get("/notifications", headers=teacher.headers)
    assert response.status_code == 200, response.text
    assert [item["kind"] for item in response.json()["items"]] == ["teacher_verified"]


def test_an_event_that_commits_after_a_later_numbered_one_is_still_delivered(settings, rq):
    queue = fresh_queue(settings, rq, "gap")
    relay = OutboxRelay(settings, queue, domains=(DOMAIN,))
    try:
        with (
            psycopg.connect(conninfo(settings, DOMAIN)) as early,
            psycopg.connect(conninfo(settings, DOMAIN)) as late,
        ):
            [first] = insert_events(early, 1)  # takes the lower id, commits last
            [second] = insert_events(late, 1)
            late.commit()
            relay.pass_once()
            assert set(jobs_per_event(queue)) >= {second} and first not in jobs_per_event(queue)

            early.commit()
            relay.pass_once()
        assert jobs_per_event(queue)[first] == 1 and jobs_per_event(queue)[second] == 1
        assert all(delivered_at(settings, [first, second]).values())
    finally:
        relay.close()


def test_two_relays_at_once_enqueue_every_event_exactly_once(settings, rq):
    event_ids = committed_events(settings, 600)
    queue = fresh_queue(settings, rq, "pair")
    relays = [
        OutboxRelay(settings, events_queue(settings, rq_redis(settings), queue.name), domains=(DOMAIN,), batch_size=7)
        for _ in range(2)
    ]
    start = threading.Barrier(2)

    def run(relay: OutboxRelay) -> int:
        start.wait()
        try:
            return relay.pass_once()
        finally:
            relay.close()

    with ThreadPoolExecutor(2) as pool:
        counts = list(pool.map(run, relays))

    per_event = jobs_per_event(queue)
    assert all(per_event[e] == 1 for e in event_ids)
    assert all(counts), counts  # both did part of the work
    assert all(delivered_at(settings, event_ids).values())


def test_a_relay_killed_mid_stream_loses_nothing_once_restarted(settings, rq):
    event_ids = committed_events(settings, 1500)
    prefix = f"{settings.redis_key_prefix.rstrip(':')}-kill{uuid.uuid4().hex[:6]}:"
    env = {key: value for key, value in os.environ.items() if not key.startswith("EDU_")}
    env |= {f"EDU_{d.upper()}_DATABASE_URL": settings.database_url(d) for d in DOMAINS}
    # No ops endpoint: its default port may be taken by a dev stack running on this machine.
    env |= {"EDU_REDIS_URL": settings.redis_url, "EDU_REDIS_KEY_PREFIX": prefix, "EDU_RELAY_OPS_PORT": "0"}
    queue = events_queue(settings, rq, f"{prefix.rstrip(':')}-events")

    relay = subprocess.Popen(
        [EDU, "relay", "--domain", DOMAIN, "--batch-size", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while queue.count < 30 and time.monotonic() < deadline and relay.poll() is None:
            time.sleep(0.01)
        assert relay.poll() is None, "the relay exited by itself"
    finally:
        relay.kill()  # SIGKILL
        relay.wait()
    before = delivered_at(settings, event_ids)
    assert 0 < sum(1 for at in before.values() if at) < len(event_ids), "the relay was not killed mid-stream"

    again = subprocess.run(
        [EDU, "relay", "--once", "--domain", DOMAIN], env=env, capture_output=True, text=True, timeout=60
    )
    assert again.returncode == 0, again.stdout + again.stderr
    per_event = jobs_per_event(queue)
    assert set(event_ids) <= set(per_event)  # every event at least once
    assert all(delivered_at(settings, event_ids).values())


def test_a_notify_wakes_a_running_relay_long_before_its_next_poll(settings, rq):
    queue = fresh_queue(settings, rq, "wake")
    relay = OutboxRelay(settings, queue, domains=(DOMAIN,), poll_interval=30)
    thread = threading.Thread(target=relay.run, daemon=True)
    thread.start()
    try:
        time.sleep(0.5)  # listening, first pass done
        [event_id] = committed_events(settings, 1)
        deadline = time.monotonic() + 5
        while event_id not in jobs_per_event(queue) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert jobs_per_event(queue)[event_id] == 1
    finally:
        relay.stop()
        thread.join(timeout=5)
    assert not thread.is_alive()


def test_prune_removes_only_delivered_rows_older_than_the_retention(settings, rq):
    old, recent, pending = committed_events(settings, 5), committed_events(settings, 3), committed_events(settings, 2)
    with psycopg.connect(conninfo(settings, DOMAIN)) as connection:
        for ids, age in ((old, "2 hours"), (recent, "10 minutes")):
            connection.execute(
                "UPDATE outbox SET delivered_at = now() - %s::interval, attempts = 1 WHERE event_id = ANY(%s::uuid[])",
                [age, ids],
            )
    relay = OutboxRelay(
        settings, fresh_queue(settings, rq, "prune"), domains=(DOMAIN,), retention=timedelta(hours=1), prune_batch=2
    )
    try:
        assert relay.prune() >= len(old)
    finally:
        relay.close()
    assert set(delivered_at(settings, old + recent + pending)) == set(recent + pending)
    with psycopg.connect(conninfo(settings, DOMAIN)) as connection:  # leave nothing pending for others
        connection.execute("DELETE FROM outbox WHERE event_id = ANY(%s::uuid[])", [pending])
