"""/metrics counts requests per route template (``/courses/{course_id}``), never per raw path or id; the web
UI's origin may call the read API from a browser (CORS), other origins get no grant."""

import re

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.read.helpers import ok, unknown_id
from tests.write.learning_helpers import published_course

WEB_UI = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
async def course(platform, api, api_ctx) -> dict:
    _, course, _ = await published_course(api, api_ctx, category="science")
    await platform.settle()
    return course


async def requests_total(reader) -> dict[tuple[str, str, str], float]:
    """(method, route, status) -> count, from the exposition text."""
    response = await reader.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    counts = {}
    for family in text_string_to_metric_families(response.text):
        if family.name == "edu_read_requests":
            for sample in family.samples:
                if sample.name == "edu_read_requests_total":
                    labels = sample.labels
                    counts[(labels["method"], labels["route"], labels["status"])] = sample.value
    return counts


async def test_requests_are_counted_per_route_template_never_per_id(course, reader):
    before = await requests_total(reader)
    missing = unknown_id()
    for path, _ in (
        (f"/courses/{course['id']}", 200),
        (f"/courses/{course['id']}", 200),
        (f"/courses/{missing}", 404),
        (f"/courses/{course['id']}/curriculum", 200),
        (f"/courses/{course['id']}/reviews", 200),
        ("/courses/not-a-uuid", 422),
        ("/catalog", 200),
        (f"/no-such-route/{missing}", 404),
    ):
        await reader.get(path)
    for method in ("BREW", "X" * 200):  # whatever method a client invents, the labels stay few
        await reader.request(method, "/catalog")
    after = await requests_total(reader)

    def grew(route: str, status: str) -> float:
        return after.get(("GET", route, status), 0) - before.get(("GET", route, status), 0)

    assert grew("/courses/{course_id}", "200") == 2
    assert grew("/courses/{course_id}", "404") == 1
    assert grew("/courses/{course_id}", "422") == 1
    assert grew("/courses/{course_id}/curriculum", "200") == 1
    assert grew("/courses/{course_id}/reviews", "200") == 1
    assert grew("/catalog", "200") == 1
    assert {method for method, _, _ in after} <= {"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "other"}
    assert after[("other", "/catalog", "405")] - before.get(("other", "/catalog", "405"), 0) == 2

    text = (await reader.get("/metrics")).text
    for raw in (course["id"], missing, "not-a-uuid", "no-such-route"):
        assert raw not in text
    routes = {route for _, route, _ in after}
    assert all(route.startswith("/") or route == "unmatched" for route in routes), routes
    assert not any(re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", route) for route in routes), routes
    assert "edu_read_request_seconds_bucket" in text


async def test_the_web_ui_origin_may_read_and_others_may_not(course, reader):
    response = await reader.get(f"/courses/{course['id']}", headers={"Origin": WEB_UI})
    ok(response)
    assert response.headers["access-control-allow-origin"] == WEB_UI
    exposed = {h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")}
    assert {"etag", "retry-after"} <= exposed

    preflight = await reader.options(
        f"/courses/{course['id']}",
        headers={
            "Origin": WEB_UI,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight.status_code == 200, preflight.text
    assert preflight.headers["access-control-allow-origin"] == WEB_UI
    assert "GET" in preflight.headers["access-control-allow-methods"]
    assert "if-none-match" in preflight.headers["access-control-allow-headers"].lower()
    assert int(preflight.headers["access-control-max-age"]) > 0

    # An error still carries the grant (a browser would otherwise hide the error body from the web UI).
    missing = await reader.get(f"/courses/{unknown_id()}", headers={"Origin": WEB_UI})
    assert missing.status_code == 404
    assert missing.headers["access-control-allow-origin"] == WEB_UI

    stranger = await reader.get(f"/courses/{course['id']}", headers={"Origin": "http://evil.example"})
    assert stranger.status_code == 200
    assert "access-control-allow-origin" not in stranger.headers
    refused = await reader.options(
        "/catalog", headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "GET"}
    )
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    writing = await reader.options("/catalog", headers={"Origin": WEB_UI, "Access-Control-Request-Method": "POST"})
    assert writing.status_code == 400  # the read API is read-only: only GET is granted
