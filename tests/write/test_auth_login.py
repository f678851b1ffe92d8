"""POST /auth/login and GET /auth/me: token pairs, one answer for every wrong credential, rehash on login."""

import hashlib
import uuid

from tests.actors import PASSWORD, login, sign_up, unique_email
from tests.errors import assert_error
from tests.write.identity_helpers import app_with, argon2_parameters, refresh_tokens_of, user_by_email


async def register(client, email: str, role: str = "student", name: str = "Test User") -> uuid.UUID:
    response = await client.post(
        "/auth/register", json={"email": email, "password": PASSWORD, "name": name, "role": role}
    )
    assert response.status_code == 201, response.text
    return uuid.UUID(response.json()["id"])


async def test_login_answers_a_bearer_token_pair(client, ctx, settings):
    email = unique_email()
    user_id = await register(client, email, role="teacher")

    response = await client.post("/auth/login", json={"email": email, "password": PASSWORD})

    assert response.status_code == 200, response.text
    pair = response.json()
    assert set(pair) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert pair["token_type"] == "bearer"
    assert pair["expires_in"] == settings.access_token_ttl_seconds
    claims = ctx.tokens.decode(pair["access_token"])
    assert (claims.user_id, claims.role) == (user_id, "teacher")
    assert pair["refresh_token"] != pair["access_token"]
    assert len(pair["refresh_token"]) >= 43  # 256 random bits


async def test_refresh_tokens_are_stored_only_as_their_sha256(client, ctx):
    actor = await sign_up(client)

    [stored] = await refresh_tokens_of(ctx, actor.id)

    assert stored.token_hash == hashlib.sha256(actor.refresh_token.encode()).digest()
    assert stored.used_at is None


async def test_login_is_case_insensitive_in_the_email(client):
    email = unique_email()
    await register(client, email)

    pair = await login(client, email.upper())

    assert pair["token_type"] == "bearer"


async def test_wrong_password_and_unknown_email_answer_exactly_alike(client):
    email = unique_email()
    await register(client, email)

    wrong_password = await client.post("/auth/login", json={"email": email, "password": PASSWORD + "!"})
    unknown_email = await client.post("/auth/login", json={"email": unique_email(), "password": PASSWORD})

    assert_error(wrong_password, 401, "invalid_credentials")
    assert_error(unknown_email, 401, "invalid_credentials")
    assert wrong_password.json() == unknown_email.json()
    assert wrong_password.headers.get("www-authenticate") == unknown_email.headers.get("www-authenticate")


async def test_an_over_long_password_is_refused_before_any_hashing(client):
    response = await client.post("/auth/login", json={"email": unique_email(), "password": "x" * 100_000})

    assert_error(response, 422, "validation_failed")


async def test_login_rehashes_a_password_stored_with_old_argon2_parameters(client, ctx, settings):
    email = unique_email()
    async with app_with(settings, argon2_time_cost=1) as old_app:
        await register(old_app, email)
    before = (await user_by_email(ctx, email)).password_hash
    assert argon2_parameters(before)["t"] == 1

    await login(client, email)

    after = (await user_by_email(ctx, email)).password_hash
    assert after != before
    assert (argon2_parameters(after)["m"], argon2_parameters(after)["t"], argon2_parameters(after)["p"]) == (
        19456,
        2,
        1,
    )
    await login(client, email)  # the new hash still matches the password
    assert (await user_by_email(ctx, email)).password_hash == after  # and is not rehashed again


async def test_a_wrong_password_never_rehashes(client, ctx, settings):
    email = unique_email()
    async with app_with(settings, argon2_time_cost=1) as old_app:
        await register(old_app, email)
    before = (await user_by_email(ctx, email)).password_hash

    response = await client.post("/auth/login", json={"email": email, "password": "not the password"})

    assert_error(response, 401, "invalid_credentials")
    assert (await user_by_email(ctx, email)).password_hash == before


async def test_me_answers_the_signed_in_user(client):
    actor = await sign_up(client, "teacher", name="Grace Hopper")

    response = await client.get("/auth/me", headers=actor.headers)

    assert response.status_code == 200, response.text
    assert response.json() == {
        "id": str(actor.id),
        "email": actor.email,
        "name": "Grace Hopper",
        "role": "teacher",
        "is_verified": False,
    }


async def test_me_without_a_token_is_401_with_www_authenticate(client):
    response = await client.get("/auth/me")

    assert_error(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"] == "Bearer"


async def test_me_with_another_scheme_is_401(client):
    actor = await sign_up(client)

    response = await client.get("/auth/me", headers={"Authorization": f"Basic {actor.access_token}"})

    assert_error(response, 401)


async def test_a_refresh_token_is_not_an_access_token(client):
    actor = await sign_up(client)

    response = await client.get("/auth/me", headers={"Authorization": f"Bearer {actor.refresh_token}"})

    assert_error(response, 401, "invalid_token")
