"""The people of the tests: students, teachers (verified or not) and admins, made through the real API."""

import uuid
from dataclasses import dataclass

import httpx

from write.context import CommandContext
from write.identity import commands as identity_commands

PASSWORD = "correct horse battery staple"


def unique_email(label: str = "user") -> str:
    return f"{label}-{uuid.uuid4().hex[:12]}@example.com"


@dataclass
class Actor:
    id: uuid.UUID
    email: str
    role: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> dict:
    response = await client.post("/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


async def sign_up(client: httpx.AsyncClient, role: str = "student", name: str | None = None) -> Actor:
    email = unique_email(role)
    body = {"email": email, "password": PASSWORD, "name": name or f"Test {role.title()}", "role": role}
    response = await client.post("/auth/register", json=body)
    assert response.status_code == 201, response.text
    tokens = await login(client, email)
    return Actor(uuid.UUID(response.json()["id"]), email, role, tokens["access_token"], tokens["refresh_token"])


async def admin(client: httpx.AsyncClient, ctx: CommandContext) -> Actor:
    email = unique_email("admin")
    user, _ = await identity_commands.create_or_reset_admin(ctx, email, PASSWORD, "Test Admin")
    tokens = await login(client, email)
    return Actor(user.id, email, "admin", tokens["access_token"], tokens["refresh_token"])


async def verified_teacher(client: httpx.AsyncClient, ctx: CommandContext, name: str | None = None) -> Actor:
    teacher = await sign_up(client, "teacher", name)
    boss = await admin(client, ctx)
    response = await client.post(f"/admin/teachers/{teacher.id}/verify", headers=boss.headers)
    assert response.status_code == 200, response.text
    return teacher
