"""``make demo``'s data: the demo logins and a few hand-written courses, written through the command API.

Going through the real API (and ``create_or_reset_admin`` for the admin, which has no HTTP route) means
the demo data obeys every rule and leaves its events in the outboxes like any user's data would.
"""

import asyncio
from dataclasses import dataclass

import httpx

from seed.demo_courses import DEMO_COURSES
from write.context import CommandContext
from write.identity.commands import create_or_reset_admin
from write.settings import WriteSettings


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


class DemoLoader:
    def __init__(self, command_api: str) -> None:
        self.http = httpx.Client(base_url=command_api, timeout=30)

    def _call(self, method: str, path: str, token: str | None = None, **kwargs) -> dict:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.http.request(method, path, headers=headers, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path} -> {response.status_code}: {response.text}")
        return response.json() if response.content else {}

    def _token(self, login: DemoLogin) -> str:
        body = {"email": login.email, "password": login.password}
        return self._call("POST", "/auth/login", json=body)["access_token"]

    def already_loaded(self) -> bool:
        body = {"email": TEACHER.email, "password": TEACHER.password}
        return self.http.post("/auth/login", json=body).status_code == 200

    def load(self) -> None:
        asyncio.run(_create_admin())
        admin_token = self._token(ADMIN)
        for login in (TEACHER, STUDENT):
            body = {"email": login.email, "password": login.password, "name": login.name, "role": login.role}
            self._call("POST", "/auth/register", json=body)
        teacher = self._call("POST", "/auth/login", json={"email": TEACHER.email, "password": TEACHER.password})
        me = self._call("GET", "/auth/me", teacher["access_token"])
        self._call("POST", f"/admin/teachers/{me['id']}/verify", admin_token)
        for course in DEMO_COURSES:
            self._author(teacher["access_token"], course)

    def _author(self, token: str, course: dict) -> None:
        fields = {k: v for k, v in course.items() if k != "modules"}
        course_id = self._call("POST", "/courses", token, json=fields)["id"]
        for module_title, lessons in course["modules"]:
            module_id = self._call("POST", f"/courses/{course_id}/modules", token, json={"title": module_title})["id"]
            for title, content, minutes, preview in lessons:
                lesson = {"title": title, "content": content, "duration_minutes": minutes, "is_preview": preview}
                self._call("POST", f"/modules/{module_id}/lessons", token, json=lesson)
        self._call("POST", f"/courses/{course_id}/publish", token)


async def _create_admin() -> None:
    ctx = CommandContext.build(WriteSettings())
    try:
        await create_or_reset_admin(ctx, ADMIN.email, ADMIN.password, ADMIN.name)
    finally:
        await ctx.close()


def load_demo_data(command_api: str) -> bool:
    """Loads the demo data unless it is there already; returns True when it loaded it."""
    loader = DemoLoader(command_api)
    if loader.already_loaded():
        return False
    loader.load()
    return True
