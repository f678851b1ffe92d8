"""The seeded courses a benchmark's commands go to, and their teachers' access tokens.

Published courses of verified teachers, the demo teacher's first, then the teachers with the most
published courses, until there are enough; each with its first module (where new lessons go). The
teachers log in through the command API with the seed's passwords (``seed.demo_logins``).
"""

from dataclasses import dataclass

import psycopg

from loadtest.lean_http import LeanClient
from seed.demo_logins import GENERATED_USER_PASSWORD, TEACHER
from write.settings import WriteSettings

PUBLISHED_BY_TEACHER = """
SELECT teacher_id, count(*) FROM courses WHERE status = 'published'
GROUP BY teacher_id ORDER BY count(*) DESC, teacher_id LIMIT 500
"""
VERIFIED_TEACHERS = "SELECT id, email FROM users WHERE role = 'teacher' AND is_verified AND id = ANY(%s)"
COURSES_OF = """
SELECT c.id, c.teacher_id, c.title,
       (SELECT m.id FROM modules m WHERE m.course_id = c.id ORDER BY m.position LIMIT 1)
FROM courses c WHERE c.status = 'published' AND c.teacher_id = ANY(%s) ORDER BY c.teacher_id, c.created_at, c.id
"""


@dataclass(frozen=True)
class Target:
    course_id: str
    teacher_email: str
    title: str
    module_id: str  # the course's first module: lessons are added there


def pick_targets(settings: WriteSettings, wanted: int) -> list[Target]:
    """At least ``wanted`` published courses (fewer only if the data has fewer), whole teachers at a time."""
    with psycopg.connect(settings.libpq_url("catalog")) as catalog:
        counts = catalog.execute(PUBLISHED_BY_TEACHER).fetchall()
    with psycopg.connect(settings.libpq_url("identity")) as identity:
        emails = dict(identity.execute(VERIFIED_TEACHERS, ([t for t, _ in counts],)).fetchall())
    ranked = sorted(
        ((teacher, n) for teacher, n in counts if teacher in emails),
        key=lambda row: (emails[row[0]] != TEACHER.email, -row[1], str(row[0])),
    )
    chosen, total = [], 0
    for teacher, n in ranked:
        if total >= wanted:
            break
        chosen.append(teacher)
        total += n
    with psycopg.connect(settings.libpq_url("catalog")) as catalog:
        rows = catalog.execute(COURSES_OF, (chosen,)).fetchall()
    targets = [Target(str(c), emails[t], title, str(m)) for c, t, title, m in rows if m is not None]
    return targets[: max(wanted, 1)]


def password_of(email: str) -> str:
    return TEACHER.password if email == TEACHER.email else GENERATED_USER_PASSWORD


async def log_in(client: LeanClient, targets: list[Target]) -> dict[str, str]:
    """Teacher email -> access token."""
    tokens = {}
    for email in sorted({t.teacher_email for t in targets}):
        answer = await client.request("POST", "/auth/login", json={"email": email, "password": password_of(email)})
        if not answer.is_success:
            raise RuntimeError(f"{email} could not log in: {answer.status_code} {answer.text[:200]}")
        tokens[email] = answer.json()["access_token"]
    return tokens
