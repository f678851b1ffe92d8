"""The worker's and relay's ops endpoints (workers/ops_http.py) and the depths they report
(projectors/depths.py), in this process against real PostgreSQL and Redis."""

import time
import uuid
from datetime import timedelta

import httpx
import psycopg
import pytest
from prometheus_client import CollectorRegistry

from projectors.backlog import Backlog
from projectors.depths import depths, register_collector
from projectors.queues import all_queues, events_queue, rq_redis
from tests.rq_keys import remove_rq_keys
from workers.devstack import free_port
from workers.ops_http import NotReady, OpsServer, PortInUse, dependencies_ready, serve_process_ops
from write.migrations import upgrade_all
from write.settings import DOMAINS


@pytest.fixture(scope="module")
def platform(fresh_databases):
    """Six migrated databases and a key prefix of their own (the depths below are exact counts)."""
    settings = fresh_databases()
    upgrade_all(settings)
    yield settings
    remove_rq_keys(settings)


def insert_undelivered(settings, domain: str, n: int) -> None:
    with psycopg.connect(settings.libpq_url(domain)) as connection:
        connection.execute(
            "INSERT INTO outbox (event_id, event_type, aggregate_type, aggregate_id, payload) "
            "SELECT gen_random_uuid(), 'OpsTestEvent', 'test', gen_random_uuid(), '{}' FROM generate_series(1, %s)",
            [n],
        )


# -- the endpoints -----------------------------------------------------------------------------------------


@pytest.fixture
def readiness():
    """A readiness callable the test steers: ``state["answer"]`` is returned, or raised if an exception."""
    state: dict = {"answer": True}

    def ready():
        if isinstance(state["answer"], Exception):
            raise state["answer"]
        return state["answer"]

    with OpsServer(ready, port=0) as server:
        yield server, state


def test_live_and_ready_answer_ok(readiness):
    server, _ = readiness
    assert server.host == "127.0.0.1"
    live = httpx.get(f"{server.url}/health/live")
    ready = httpx.get(f"{server.url}/health/ready")
    assert (live.status_code, live.json()) == (200, {"status": "ok"})
    assert (ready.status_code, ready.json()) == (200, {"status": "ok"})
    assert live.headers["content-type"] == "application/json"


def test_ready_is_503_with_the_reason_when_the_callable_says_no(readiness):
    server, state = readiness
    state["answer"] = False
    answer = httpx.get(f"{server.url}/health/ready")
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "not_ready" and answer.json()["error"]["message"]

    state["answer"] = NotReady("Redis does not answer (ConnectionError).")
    answer = httpx.get(f"{server.url}/health/ready")
    assert answer.status_code == 503
    assert answer.json() == {"error": {"code": "not_ready", "message": "Redis does not answer (ConnectionError)."}}

    state["answer"] = RuntimeError("secret://user:password@host")  # only the type is shown
    answer = httpx.get(f"{server.url}/health/ready")
    assert answer.status_code == 503 and "RuntimeError" in answer.text and "password" not in answer.text

    state["answer"] = True
    assert httpx.get(f"{server.url}/health/ready").status_code == 200


def test_unknown_paths_and_methods_answer_in_the_error_shape(readiness):
    server, _ = readiness
    missing = httpx.get(f"{server.url}/nothing/here?x=1")
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": "not_found", "message": "Nothing at /nothing/here."}}
    posted = httpx.post(f"{server.url}/metrics", content=b"x")
    assert posted.status_code == 405 and posted.json()["error"]["code"] == "method_not_allowed"
    assert httpx.head(f"{server.url}/health/live").status_code == 200


def test_metrics_serve_the_process_registry_in_prometheus_text(readiness):
    server, _ = readiness
    answer = httpx.get(f"{server.url}/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert "# TYPE edu_projection_events_total counter" in answer.text
    assert "edu_projection_lag_seconds_bucket" in answer.text or "edu_projection_lag_seconds" in answer.text
    openmetrics = httpx.get(f"{server.url}/metrics", headers={"Accept": "application/openmetrics-text"})
    assert openmetrics.headers["content-type"].startswith("application/openmetrics-text")
    assert openmetrics.text.rstrip().endswith("# EOF")


def test_a_taken_port_is_refused_with_the_setting_to_change(settings, monkeypatch):
    monkeypatch.setattr("workers.ops_http.register_collector", lambda settings: True)  # keep REGISTRY as it is
    port = free_port()
    with OpsServer(lambda: True, port=port), pytest.raises(PortInUse, match="EDU_WORKER_OPS_PORT"):
        serve_process_ops(settings, port, setting="EDU_WORKER_OPS_PORT")
    assert serve_process_ops(settings, 0, setting="EDU_WORKER_OPS_PORT") is None  # 0: turned off


# -- the depths ------------------------------------------------------------------------------------------


def test_depths_count_queues_outboxes_and_the_projection_backlog(platform):
    settings = platform
    connection = rq_redis(settings)
    [events] = all_queues(settings, connection)
    for n in range(4):
        events.enqueue("projectors.events.handle", {"n": n})
    events.enqueue_in(timedelta(minutes=5), "projectors.events.handle", {"n": "later"})  # as a retry waits
    failed = events.create_job("projectors.events.handle", args=({"n": "bad"},))
    failed.save()
    events.failed_job_registry.add(failed, ttl=600)
    backlog = Backlog(connection, settings.redis_key_prefix)
    backlog.mark([uuid.uuid4() for _ in range(4)], int(time.time() * 1000))
    backlog.fail(uuid.uuid4(), "boom", max_attempts=5, base_seconds=60)  # delayed for a retry
    backlog.fail(uuid.uuid4(), "boom", max_attempts=1, base_seconds=60)  # parked
    insert_undelivered(settings, "review", 3)
    insert_undelivered(settings, "catalog", 1)

    found = depths(settings)

    q = "edu_queue_depth", "queue"
    assert found[(*q, events.name)] == 4
    assert found[(*q, f"{events.name}:failed")] == 1
    assert found[(*q, f"{events.name}:scheduled")] == 1
    assert {d: found[("edu_outbox_backlog", "domain", d)] for d in DOMAINS} == {
        d: {"review": 3, "catalog": 1}.get(d, 0) for d in DOMAINS
    }
    state = "edu_projection_backlog", "state"
    assert (found[(*state, "dirty")], found[(*state, "delayed")], found[(*state, "parked")]) == (4, 1, 1)
    search_lane = (found[(*state, "search:dirty")], found[(*state, "search:delayed")], found[(*state, "search:parked")])
    assert search_lane == (4, 0, 0)  # a mark marks both lanes; the delay and the parking were the read model's
    assert len(found) == 3 + len(DOMAINS) + 6

    # ... and on /metrics, with real numbers, through the collector the ops server registers.
    registry = CollectorRegistry()
    register_collector(settings, registry)
    with OpsServer(lambda: True, port=0, registry=registry) as server:
        text = httpx.get(f"{server.url}/metrics").text
    assert f'edu_queue_depth{{queue="{events.name}"}} 4.0' in text
    assert f'edu_queue_depth{{queue="{events.name}:scheduled"}} 1.0' in text
    assert 'edu_outbox_backlog{domain="review"} 3.0' in text
    assert 'edu_projection_backlog{state="dirty"} 4.0' in text
    assert "# TYPE edu_queue_depth gauge" in text
    events.empty()


def test_depths_leave_out_what_does_not_answer(platform):
    settings = platform
    no_redis = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    found = depths(no_redis)
    assert {key[0] for key in found} == {"edu_outbox_backlog"} and len(found) == len(DOMAINS)

    url = settings.database_url("payment").rsplit("/", 1)[0] + "/edu_no_such_database"
    no_payment = settings.model_copy(update={"payment_database_url": url})
    found = depths(no_payment)
    assert ("edu_outbox_backlog", "domain", "payment") not in found
    assert ("edu_outbox_backlog", "domain", "catalog") in found
    assert ("edu_queue_depth", "queue", events_queue(settings).name) in found


def test_dependencies_ready_names_what_does_not_answer(platform):
    settings = platform
    assert dependencies_ready(settings)() is True
    no_redis = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    with pytest.raises(NotReady, match="Redis"):
        dependencies_ready(no_redis)()
    url = settings.database_url("review").rsplit("/", 1)[0] + "/edu_no_such_database"
    with pytest.raises(NotReady, match="review database"):
        dependencies_ready(settings.model_copy(update={"review_database_url": url}))()
