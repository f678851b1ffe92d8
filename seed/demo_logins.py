"""The logins of seeded data: the three demo accounts ``make demo`` prints, and the password every
generated user shares."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str
    name: str


ADMIN = DemoLogin("admin", "admin@example.com", "admin-demo-password", "Ada Admin")
TEACHER = DemoLogin("teacher", "teacher@example.com", "teacher-demo-password", "Grace Teacher")
STUDENT = DemoLogin("student", "student@example.com", "student-demo-password", "Sam Student")
DEMO_LOGINS = (ADMIN, TEACHER, STUDENT)

# Every generated user (not the three above) logs in with this password: load tests use it.
GENERATED_USER_PASSWORD = "seeded-user-password"
