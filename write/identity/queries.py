"""Identity's reads for the command side (who is calling, which teachers wait for verification)."""

import uuid

from sqlalchemy import select

from write.context import CommandContext
from write.identity.models import User

DOMAIN = "identity"


async def get_user(ctx: CommandContext, user_id: uuid.UUID) -> User | None:
    async with ctx.databases.transaction(DOMAIN) as session:
        return await session.get(User, user_id)


async def teachers(ctx: CommandContext, *, verified: bool, limit: int = 500) -> list[User]:
    async with ctx.databases.transaction(DOMAIN) as session:
        rows = await session.scalars(
            select(User)
            .where(User.role == "teacher", User.is_verified.is_(verified))
            .order_by(User.created_at, User.id)
            .limit(limit)
        )
        return list(rows)
