"""Admin routes (teacher verification), the authorization matrix of identity's routes, and `edu admin create`."""

import uuid

import pytest

from tests.actors import PASSWORD, admin, sign_up, unique_email
from tests.errors import assert_error
from tests.write.identity_helpers import events_of, families_of, user_by_email, user_by_id
from write.errors import Conflict, InvalidInput
from write.identity.commands import create_or_reset_admin


async def all_teachers(client, boss, status: str = "pending", limit: int = 500) -> list[dict]:
    """Every page of GET /admin/teachers, following next_cursor."""
    items, params = [], {"status": status, "limit": limit}
    while True:
        response = await client.get("/admin/teachers", params=params, headers=boss.headers)
        assert response.status_code == 200, response.text
        items += response.json()["items"]
        if response.json()["next_cursor"] is None:
            return items
        params["cursor"] = response.json()["next_cursor"]


async def pending_ids(client, boss) -> list[str]:
    return [user["id"] for user in await all_teachers(client, boss)]


async def test_pending_teachers_lists_unverified_teachers_and_no_students(client, ctx):
    teacher = await sign_up(client, "teacher", name="Pending Teacher")
    student = await sign_up(client, "student")
    boss = await admin(client, ctx)

    items = await all_teachers(client, boss)

    [listed] = [user for user in items if user["id"] == str(teacher.id)]
    assert listed == {
        "id": str(teacher.id),
        "email": teacher.email,
        "name": "Pending Teacher",
        "role": "teacher",
        "is_verified": False,
    }
    assert str(student.id) not in [user["id"] for user in items]
    assert str(boss.id) not in [user["id"] for user in items]
    assert all(user["role"] == "teacher" and not user["is_verified"] for user in items)


async def test_teacher_pages_have_no_repeats_or_gaps_and_end(client, ctx):
    for _ in range(5):
        await sign_up(client, "teacher")
    boss = await admin(client, ctx)

    whole = await all_teachers(client, boss, limit=500)
    paged = await all_teachers(client, boss, limit=2)

    assert [user["id"] for user in paged] == [user["id"] for user in whole]
    assert len({user["id"] for user in paged}) == len(paged) >= 5


async def test_a_forged_teacher_cursor_is_422(client, ctx):
    boss = await admin(client, ctx)
    response = await client.get("/admin/teachers", params={"cursor": "not-a-cursor"}, headers=boss.headers)
    assert_error(response, 422, "invalid_cursor")


async def test_verify_makes_a_teacher_verified_once(client, ctx):
    teacher = await sign_up(client, "teacher", name="Grace Hopper")
    boss = await admin(client, ctx)

    first = await client.post(f"/admin/teachers/{teacher.id}/verify", headers=boss.headers)
    second = await client.post(f"/admin/teachers/{teacher.id}/verify", headers=boss.headers)

    assert first.status_code == 200, first.text
    assert first.json() == {
        "id": str(teacher.id),
        "email": teacher.email,
        "name": "Grace Hopper",
        "role": "teacher",
        "is_verified": True,
    }
    assert second.status_code == 200 and second.json() == first.json()
    [event] = await events_of(ctx, teacher.id, "TeacherVerified")
    assert event.payload == {"name": "Grace Hopper", "verified_by": str(boss.id)}
    stored = await user_by_id(ctx, teacher.id)
    assert stored.is_verified and stored.verified_by == boss.id and stored.verified_at is not None
    assert str(teacher.id) not in await pending_ids(client, boss)
    me = await client.get("/auth/me", headers=teacher.headers)  # read fresh, with the same access token
    assert me.json()["is_verified"] is True


async def test_verifying_a_student_or_an_unknown_id_is_404(client, ctx):
    student = await sign_up(client, "student")
    boss = await admin(client, ctx)

    for user_id in (student.id, uuid.uuid4(), boss.id):
        response = await client.post(f"/admin/teachers/{user_id}/verify", headers=boss.headers)
        assert_error(response, 404, "not_found")
    assert (await user_by_id(ctx, student.id)).is_verified is False
    assert await events_of(ctx, student.id, "TeacherVerified") == []


async def test_verify_with_a_malformed_id_is_422(client, ctx):
    boss = await admin(client, ctx)

    response = await client.post("/admin/teachers/not-a-uuid/verify", headers=boss.headers)

    assert_error(response, 422, "validation_failed")


async def test_an_unknown_status_filter_is_422(client, ctx):
    boss = await admin(client, ctx)

    response = await client.get("/admin/teachers", params={"status": "everything"}, headers=boss.headers)

    assert_error(response, 422, "validation_failed")


@pytest.fixture(scope="module")
async def people(app_client, ctx):
    """One of each kind of caller, shared by the authorization matrix (read-only use)."""
    return {
        "student": await sign_up(app_client, "student"),
        "teacher": await sign_up(app_client, "teacher"),
        "admin": await admin(app_client, ctx),
    }


ADMIN_ROUTES = [("GET", "/admin/teachers?status=pending"), ("POST", "/admin/teachers/{teacher}/verify")]


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
@pytest.mark.parametrize(
    ("caller", "status", "code"),
    [("anonymous", 401, "unauthenticated"), ("student", 403, "forbidden"), ("teacher", 403, "forbidden")],
)
async def test_admin_routes_refuse_everyone_but_admins(client, ctx, people, method, path, caller, status, code):
    target = await sign_up(client, "teacher") if "{teacher}" in path else None
    headers = people[caller].headers if caller in people else {}

    response = await client.request(method, path.format(teacher=target.id if target else ""), headers=headers)

    assert_error(response, status, code)
    if target:
        assert (await user_by_id(ctx, target.id)).is_verified is False


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
async def test_admin_routes_let_admins_in(client, people, method, path):
    target = await sign_up(client, "teacher") if "{teacher}" in path else None

    response = await client.request(
        method, path.format(teacher=target.id if target else ""), headers=people["admin"].headers
    )

    assert response.status_code == 200, response.text


@pytest.mark.parametrize("caller", ["student", "teacher", "admin"])
async def test_me_answers_every_role(client, people, caller):
    response = await client.get("/auth/me", headers=people[caller].headers)

    assert response.status_code == 200, response.text
    assert response.json()["role"] == caller
    assert response.json()["is_verified"] is (caller == "admin")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("GET", "/auth/me", None), ("POST", "/auth/logout", {"refresh_token": "whatever"})],
)
async def test_user_routes_refuse_anonymous_callers(client, method, path, body):
    response = await client.request(method, path, json=body)

    assert_error(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/auth/register", lambda: {"email": unique_email(), "password": PASSWORD, "name": "Anon", "role": "student"}),
        ("/auth/login", lambda: {"email": unique_email(), "password": PASSWORD}),
        ("/auth/refresh", lambda: {"refresh_token": "unknown"}),
    ],
)
async def test_anonymous_routes_need_no_token(client, path, body):
    response = await client.post(path, json=body())

    assert response.status_code in (201, 401), response.text
    if response.status_code == 401:  # the credentials are wrong, not the missing bearer token
        assert response.json()["error"]["code"] in ("invalid_credentials", "invalid_refresh_token")


# ---- edu admin create ------------------------------------------------------------------------------------------


async def test_create_admin_makes_a_verified_admin_who_can_sign_in(client, ctx):
    email = unique_email("admin")

    user, created = await create_or_reset_admin(ctx, email.upper(), PASSWORD, "Root")

    assert created is True
    stored = await user_by_email(ctx, email)
    assert (stored.id, stored.role, stored.is_verified, stored.name) == (user.id, "admin", True, "Root")
    [event] = await events_of(ctx, user.id, "UserRegistered")
    assert event.payload == {"email": email, "name": "Root", "role": "admin", "is_verified": True}
    tokens = (await client.post("/auth/login", json={"email": email, "password": PASSWORD})).json()
    listing = await client.get("/admin/teachers", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert listing.status_code == 200


async def test_create_admin_without_a_name_uses_the_local_part(ctx):
    email = unique_email("nameless")

    user, _ = await create_or_reset_admin(ctx, email, PASSWORD, None)

    assert user.name == email.split("@")[0]


async def test_create_admin_again_resets_the_password_and_ends_every_session(client, ctx):
    boss = await admin(client, ctx)
    other_session = (await client.post("/auth/login", json={"email": boss.email, "password": PASSWORD})).json()

    user, created = await create_or_reset_admin(ctx, boss.email, "a brand new admin password", None)

    assert (created, user.id, user.name) == (False, boss.id, "Test Admin")
    old = await client.post("/auth/login", json={"email": boss.email, "password": PASSWORD})
    assert_error(old, 401, "invalid_credentials")
    new = await client.post("/auth/login", json={"email": boss.email, "password": "a brand new admin password"})
    assert new.status_code == 200, new.text
    for refresh_token in (boss.refresh_token, other_session["refresh_token"]):
        response = await client.post("/auth/refresh", json={"refresh_token": refresh_token})
        assert_error(response, 401, "invalid_refresh_token")
    revoked = [family for family in await families_of(ctx, boss.id) if family.revoked_at is not None]
    assert sorted(family.revoked_reason for family in revoked) == ["password_reset", "password_reset"]
    assert len(await events_of(ctx, boss.id, "AdminPasswordReset")) == 1
    assert len(await events_of(ctx, boss.id, "UserRegistered")) == 1


@pytest.mark.parametrize("role", ["student", "teacher"])
async def test_create_admin_refuses_to_turn_a_user_into_an_admin(client, ctx, role):
    user = await sign_up(client, role)
    before = await user_by_id(ctx, user.id)

    with pytest.raises(Conflict):
        await create_or_reset_admin(ctx, user.email, "a password of the attacker", "Evil")

    after = await user_by_id(ctx, user.id)
    assert (after.role, after.name, after.password_hash) == (role, before.name, before.password_hash)
    assert (await client.post("/auth/refresh", json={"refresh_token": user.refresh_token})).status_code == 200


@pytest.mark.parametrize(
    ("email", "password", "name"),
    [
        ("not-an-email", PASSWORD, "Root"),
        ("@example.com", PASSWORD, None),  # no local part to name the admin after
        ("root@", PASSWORD, "Root"),
        (None, "short", "Root"),
        (None, "nul \x00 in the password", "Root"),
        (None, PASSWORD, "Bad\x07Name"),
        (None, PASSWORD, "   "),
        (None, PASSWORD, "x" * 101),
    ],
    ids=["not-an-email", "no-local-part", "no-domain", "short-password", "nul", "control-char", "blank", "long"],
)
async def test_create_admin_refuses_invalid_input(ctx, email, password, name):
    email = email or unique_email("admin")

    with pytest.raises(InvalidInput):
        await create_or_reset_admin(ctx, email, password, name)

    assert await user_by_email(ctx, email.lower()) is None


async def test_create_admin_normalises_the_name_like_a_registration(ctx):
    user, _ = await create_or_reset_admin(ctx, unique_email("admin"), PASSWORD, "  Jose\u0301   Root ")

    assert user.name == "José Root"
