"""Identity's reads for the command side (who is calling, which teachers wait for verification)."""

import base64
import uuid
from datetime import datetime

from sqlalchemy import select, tuple_

from write.context import CommandContext
from write.errors import InvalidInput
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


def encode_cursor(user: User) -> str:
    return base64.urlsafe_b64encode(f"{user.created_at.isoformat()}|{user.id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        created_at, user_id = base64.urlsafe_b64decode(cursor.encode("ascii")).decode().split("|")
        return datetime.fromisoformat(created_at), uuid.UUID(user_id)
    except ValueError as error:  # also binascii.Error and UnicodeError, both ValueErrors
        raise InvalidInput("The cursor is not one this API gave out.", code="invalid_cursor") from error
