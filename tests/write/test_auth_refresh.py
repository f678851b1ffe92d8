"""POST /auth/refresh and /auth/logout: rotation, reuse detection that revokes the family, sessions kept apart."""

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from tests.actors import login, sign_up
from tests.errors import assert_error
from tests.write.identity_helpers import events_of, families_of
from write.identity.models import RefreshToken
from write.identity.tokens import refresh_token_digest


async def refresh(client, token: str):
    return await client.post("/auth/refresh", json={"refresh_token": token})


async def test_refresh_rotates_to_a_new_pair_and_the_old_token_then_fails(client, ctx, settings):
    actor = await sign_up(client)

    rotated = await refresh(client, actor.refresh_token)

    assert rotated.status_code == 200, rotated.text
    pair = rotated.json()
    assert set(pair) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert pair["token_type"] == "bearer" and pair["expires_in"] == settings.access_token_ttl_seconds
    assert pair["refresh_token"] != actor.refresh_token
    assert ctx.tokens.decode(pair["access_token"]).user_id == actor.id
    me = await client.get("/auth/me", headers={"Authorization": f"Bearer {pair['access_token']}"})
    assert me.status_code == 200 and me.json()["id"] == str(actor.id)
    assert_error(await refresh(client, actor.refresh_token), 401, "refresh_token_reused")


async def test_reusing_a_used_token_revokes_the_whole_family(client, ctx):
    actor = await sign_up(client)
    second = (await refresh(client, actor.refresh_token)).json()["refresh_token"]
    newest = (await refresh(client, second)).json()["refresh_token"]

    reuse = await refresh(client, actor.refresh_token)  # e.g. a thief replaying a stolen token

    assert_error(reuse, 401, "refresh_token_reused")
    assert reuse.headers["www-authenticate"] == "Bearer"
    assert_error(await refresh(client, newest), 401)  # the family's newest token is dead too
    [family] = await families_of(ctx, actor.id)
    assert family.revoked_at is not None and family.revoked_reason == "reuse"
    assert len(await events_of(ctx, actor.id, "RefreshTokenReuseDetected")) == 1
    assert len(await events_of(ctx, actor.id, "RefreshTokenRotated")) == 2


async def test_revoking_one_family_leaves_other_sessions_of_the_user_alone(client):
    actor = await sign_up(client)
    other_session = await login(client, actor.email)
    await refresh(client, actor.refresh_token)

    assert_error(await refresh(client, actor.refresh_token), 401, "refresh_token_reused")

    assert (await refresh(client, other_session["refresh_token"])).status_code == 200


async def test_two_concurrent_refreshes_of_one_token_let_exactly_one_through(client):
    actor = await sign_up(client)

    responses = await asyncio.gather(*(refresh(client, actor.refresh_token) for _ in range(2)))

    assert sorted(r.status_code for r in responses) == [200, 401], [r.text for r in responses]
    assert_error(next(r for r in responses if r.status_code == 401), 401, "refresh_token_reused")


async def test_many_concurrent_refreshes_never_give_out_two_pairs(client):
    actor = await sign_up(client)

    responses = await asyncio.gather(*(refresh(client, actor.refresh_token) for _ in range(6)))

    statuses = [r.status_code for r in responses]
    assert statuses.count(200) == 1, [r.text for r in responses]
    assert statuses.count(401) == 5


async def test_unknown_refresh_token_is_401_invalid_refresh_token(client):
    response = await refresh(client, "not-a-refresh-token")

    assert_error(response, 401, "invalid_refresh_token")


async def test_logout_ends_that_session_only(client, ctx):
    actor = await sign_up(client)
    other_session = await login(client, actor.email)

    response = await client.post("/auth/logout", json={"refresh_token": actor.refresh_token}, headers=actor.headers)

    assert response.status_code == 204, response.text
    assert response.content == b""
    assert_error(await refresh(client, actor.refresh_token), 401)
    assert (await refresh(client, other_session["refresh_token"])).status_code == 200
    assert len(await events_of(ctx, actor.id, "UserLoggedOut")) == 1


async def test_logout_revokes_the_family_including_later_tokens(client):
    actor = await sign_up(client)
    newest = (await refresh(client, actor.refresh_token)).json()["refresh_token"]

    # Logging out with the (already used) first token of the session still ends the whole session.
    response = await client.post("/auth/logout", json={"refresh_token": actor.refresh_token}, headers=actor.headers)

    assert response.status_code == 204
    assert_error(await refresh(client, newest), 401, "invalid_refresh_token")


async def test_logout_twice_is_still_204(client, ctx):
    actor = await sign_up(client)
    for _ in range(2):
        response = await client.post("/auth/logout", json={"refresh_token": actor.refresh_token}, headers=actor.headers)
        assert response.status_code == 204
    assert len(await events_of(ctx, actor.id, "UserLoggedOut")) == 1


async def test_logout_with_someone_elses_refresh_token_does_not_revoke_it(client, ctx):
    victim = await sign_up(client)
    attacker = await sign_up(client)

    response = await client.post("/auth/logout", json={"refresh_token": victim.refresh_token}, headers=attacker.headers)

    assert response.status_code == 204  # no hint whether the token exists
    [family] = await families_of(ctx, victim.id)
    assert family.revoked_at is None
    assert (await refresh(client, victim.refresh_token)).status_code == 200


async def test_logout_needs_a_signed_in_user(client):
    actor = await sign_up(client)

    response = await client.post("/auth/logout", json={"refresh_token": actor.refresh_token})

    assert_error(response, 401, "unauthenticated")
    assert (await refresh(client, actor.refresh_token)).status_code == 200


async def test_an_expired_refresh_token_is_401_invalid_refresh_token(client, ctx):
    actor = await sign_up(client)
    async with ctx.databases.transaction("identity") as session:
        await session.execute(
            update(RefreshToken)
            .where(RefreshToken.token_hash == refresh_token_digest(actor.refresh_token))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )

    response = await refresh(client, actor.refresh_token)

    assert_error(response, 401, "invalid_refresh_token")
    assert "access_token" not in response.text


async def test_a_refresh_answers_with_the_users_current_role(client, ctx):
    teacher = await sign_up(client, "teacher")

    pair = (await refresh(client, teacher.refresh_token)).json()

    claims = ctx.tokens.decode(pair["access_token"])
    assert (claims.user_id, claims.role) == (teacher.id, "teacher")
