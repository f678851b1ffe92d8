"""The command API works on seeded data: the demo logins and generated users log in, a teacher reads
their course, the demo student sees enrollments, lessons and notifications."""

import pytest

from seed.demo_courses import DEMO_COURSES
from seed.demo_logins import DEMO_LOGINS, GENERATED_USER_PASSWORD, STUDENT, TEACHER
from seed.runner import seed_platform
from tests.conftest import start_client
from tests.seed.conftest import SEED, TINY, query


@pytest.fixture(scope="module")
def seeded(fresh_databases):
    """A seed of this module's own: logging in writes rows, which the shared seed must not get."""
    settings = fresh_databases()
    seed_platform(settings, TINY, seed=SEED)
    return settings


@pytest.fixture(scope="module")
async def seeded_client(seeded):
    client, lifespan = await start_client(seeded)
    yield client
    await client.aclose()
    await lifespan.__aexit__(None, None, None)


async def login(client, email: str, password: str) -> dict[str, str]:
    response = await client.post("/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def test_demo_logins_and_generated_users_log_in(seeded, seeded_client):
    for demo in DEMO_LOGINS:
        me = await seeded_client.get("/auth/me", headers=await login(seeded_client, demo.email, demo.password))
        assert me.json()["role"] == demo.role
    [(student,)] = query(
        seeded, "identity", "SELECT email FROM users WHERE role = 'student' AND email NOT LIKE 'student@%%' LIMIT 1"
    )
    await login(seeded_client, student, GENERATED_USER_PASSWORD)


async def test_the_demo_teacher_reads_a_hand_written_course(seeded, seeded_client):
    headers = await login(seeded_client, TEACHER.email, TEACHER.password)
    [(course_id,)] = query(seeded, "catalog", "SELECT id FROM courses WHERE title = %s", (DEMO_COURSES[0]["title"],))
    course = await seeded_client.get(f"/courses/{course_id}", headers=headers)
    assert course.status_code == 200, course.text
    body = course.json()
    assert body["status"] == "published"
    assert [m["title"] for m in body["modules"]] == [title for title, _ in DEMO_COURSES[0]["modules"]]
    mine = await seeded_client.get("/me/courses", headers=headers)
    assert len(mine.json()["items"]) >= len(DEMO_COURSES)


async def test_a_generated_teacher_reads_their_course(seeded, seeded_client):
    [(teacher_id, course_id)] = query(
        seeded, "catalog", "SELECT teacher_id, id FROM courses ORDER BY created_at DESC LIMIT 1"
    )
    [(email,)] = query(seeded, "identity", "SELECT email FROM users WHERE id = %s", (teacher_id,))
    headers = await login(seeded_client, email, GENERATED_USER_PASSWORD)
    course = await seeded_client.get(f"/courses/{course_id}", headers=headers)
    assert course.status_code == 200, course.text
    assert sum(len(m["lessons"]) for m in course.json()["modules"]) >= 1


async def test_the_demo_student_learns(seeded, seeded_client):
    headers = await login(seeded_client, STUDENT.email, STUDENT.password)
    enrollments = (await seeded_client.get("/me/enrollments", headers=headers)).json()["items"]
    assert len(enrollments) >= 3
    assert {e["status"] for e in enrollments} == {"active", "completed"}
    assert any(0 < e["progress_percent"] < 100 for e in enrollments)
    [(lesson_id,)] = query(
        seeded,
        "catalog",
        "SELECT l.id FROM lessons l JOIN courses c ON c.id = l.course_id"
        " WHERE c.title = %s AND NOT l.is_preview LIMIT 1",
        (DEMO_COURSES[1]["title"],),
    )
    lesson = await seeded_client.get(f"/lessons/{lesson_id}", headers=headers)
    assert lesson.status_code == 200, lesson.text
    assert lesson.json()["html"]
    notifications = (await seeded_client.get("/notifications", headers=headers)).json()["items"]
    assert {n["kind"] for n in notifications} >= {"enrolled", "course_completed"}
