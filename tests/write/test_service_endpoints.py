"""Health, readiness, metrics and OpenAPI of the command API (contract §5)."""

import uuid

from tests.actors import sign_up
from tests.write.identity_helpers import app_with


async def test_live_and_ready_answer_ok_when_every_dependency_answers(client):
    assert (await client.get("/health/live")).json() == {"status": "ok"}
    response = await client.get("/health/ready")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert set(checks) == {
        f"postgres:{d}" for d in ("identity", "catalog", "enrollment", "payment", "review", "notification")
    } | {"redis"}
    assert set(checks.values()) == {"ok"}


async def test_ready_names_the_dependency_that_is_down(settings):
    # Port 1 on loopback refuses connections: the review database is "down", the rest is up.
    down = settings.review_database_url.replace(settings.review_database_url.split("@")[1].split("/")[0], "127.0.0.1:1")
    async with app_with(settings, review_database_url=down, redis_url="redis://127.0.0.1:1/0") as client:
        response = await client.get("/health/ready")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["postgres:review"].startswith("failed")
    assert checks["redis"].startswith("failed")
    assert checks["postgres:catalog"] == "ok"


async def test_metrics_label_route_templates_never_raw_ids(client):
    student = await sign_up(client, "student")
    await client.post(f"/courses/{uuid.uuid4()}/publish", headers=student.headers)
    await client.request("BREW-A-COFFEE-POT", "/categories")  # an invented method is "other", not a label

    text = (await client.get("/metrics")).text

    assert 'method="other",route="/categories"' in text and "BREW-A-COFFEE-POT" not in text
    assert 'route="/courses/{course_id}/publish"' in text
    assert 'route="/auth/login"' in text
    assert "edu_command_request_seconds_bucket" in text
    assert str(student.id) not in text


async def test_openapi_documents_every_contract_route(client):
    paths = (await client.get("/openapi.json")).json()["paths"]
    for path in (
        "/auth/register",
        "/auth/login",
        "/auth/refresh",
        "/auth/logout",
        "/auth/me",
        "/admin/teachers",
        "/admin/teachers/{user_id}/verify",
        "/categories",
        "/courses",
        "/courses/{course_id}",
        "/courses/{course_id}/publish",
        "/courses/{course_id}/unpublish",
        "/courses/{course_id}/modules",
        "/modules/{module_id}",
        "/modules/{module_id}/lessons",
        "/lessons/{lesson_id}",
    ):
        assert path in paths, path
    assert (await client.get("/docs")).status_code == 200
