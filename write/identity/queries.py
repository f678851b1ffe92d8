"""Identity's reads for the command side (who is calling, which teachers wait for verification)."""

import uuid
from datetime import datetime

from sqlalchemy import select, tuple_

from write.context import CommandContext
from write.identity.models import User

DOMAIN = "identity"


async def get_user(ctx: CommandContext, user_id: uuid.UUID) -> User | None:
    async with ctx.databases.transaction(DOMAIN) as session:
        return await session.get(User, user_id)


async def teachers(
    ctx: CommandContext, *, verified: bool, limit: int, after: tuple[datetime, uuid.UUID] | None = None
) -> list[User]:
    """Teachers oldest first, keyset-paginated on (created_at, id) so every page is as cheap as the first."""
    query = select(User).where(User.role == "teacher", User.is_verified.is_(verified))
    if after is not None:
        query = query.where(tuple_(User.created_at, User.id) > tuple_(*after))
    async with ctx.databases.transaction(DOMAIN) as session:
        return list(await session.scalars(query.order_by(User.created_at, User.id).limit(limit)))
