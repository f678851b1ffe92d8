"""Helpers of identity's tests: second apps with other settings, and a look at identity's rows and outbox."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy import select

from tests.conftest import start_client
from write.context import CommandContext
from write.identity.models import RefreshFamily, RefreshToken, User, outbox
from write.settings import WriteSettings


@asynccontextmanager
async def app_with(settings: WriteSettings, **update: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A second command API on the same databases, with some settings changed."""
    client, lifespan = await start_client(settings.model_copy(update=update))
    try:
        yield client
    finally:
        await client.aclose()
        await lifespan.__aexit__(None, None, None)


def context_of(client: httpx.AsyncClient) -> CommandContext:
    return client._transport.app.state.context


def fresh_redis_prefix(settings: WriteSettings) -> str:
    """A Redis key prefix of its own, so rate-limit counts never leak between tests (still removed at the end)."""
    return f"{settings.redis_key_prefix}rl-{uuid.uuid4().hex}:"


async def user_by_email(ctx: CommandContext, email: str) -> User | None:
    async with ctx.databases.transaction("identity") as session:
        return await session.scalar(select(User).where(User.email == email))


async def user_by_id(ctx: CommandContext, user_id: uuid.UUID) -> User | None:
    async with ctx.databases.transaction("identity") as session:
        return await session.get(User, user_id)


async def events_of(ctx: CommandContext, aggregate_id: uuid.UUID, event_type: str | None = None) -> list[Any]:
    """Outbox rows of one user, oldest first."""
    query = select(outbox).where(outbox.c.aggregate_id == aggregate_id).order_by(outbox.c.id)
    if event_type:
        query = query.where(outbox.c.event_type == event_type)
    async with ctx.databases.transaction("identity") as session:
        return list((await session.execute(query)).all())


async def families_of(ctx: CommandContext, user_id: uuid.UUID) -> list[RefreshFamily]:
    async with ctx.databases.transaction("identity") as session:
        return list(await session.scalars(select(RefreshFamily).where(RefreshFamily.user_id == user_id)))


async def refresh_tokens_of(ctx: CommandContext, user_id: uuid.UUID) -> list[RefreshToken]:
    async with ctx.databases.transaction("identity") as session:
        return list(
            await session.scalars(
                select(RefreshToken)
                .join(RefreshFamily, RefreshFamily.id == RefreshToken.family_id)
                .where(RefreshFamily.user_id == user_id)
            )
        )


def argon2_parameters(password_hash: str) -> dict[str, Any]:
    """``$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`` -> {"variant", "v", "m", "t", "p", "salt", "hash"}."""
    empty, variant, version, params, salt, digest = password_hash.split("$")
    assert empty == "", password_hash
    parsed: dict[str, Any] = {"variant": variant, "v": int(version.removeprefix("v=")), "salt": salt, "hash": digest}
    for pair in params.split(","):
        key, value = pair.split("=")
        parsed[key] = int(value)
    return parsed
