"""Notification's reads: a user's notifications newest first, keyset-paginated on (created_at, id).

Each page continues strictly after the last item of the previous one, so rows arriving meanwhile never
make a page repeat or skip an item (``ix_notifications_user_newest`` serves the query).
"""

import uuid
from datetime import datetime

from sqlalchemy import func, select, tuple_

from write.context import CommandContext
from write.cursors import decode_cursor, encode_cursor
from write.notification.models import Notification
from write.notification.schemas import NotificationOut, NotificationPage

DOMAIN = "notification"


async def _newest(
    session, user_id: uuid.UUID, limit: int, before: tuple[datetime, uuid.UUID] | None
) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user_id)
    if before is not None:
        query = query.where(tuple_(Notification.created_at, Notification.id) < tuple_(*before))
    query = query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    return list(await session.scalars(query))


async def page(ctx: CommandContext, user_id: uuid.UUID, *, limit: int, cursor: str | None) -> NotificationPage:
    before = decode_cursor(cursor) if cursor else None
    async with ctx.databases.transaction(DOMAIN) as session:
        rows = await _newest(session, user_id, limit + 1, before)
        unread = await session.scalar(
            select(func.count()).where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
    items, more = rows[:limit], len(rows) > limit
    last = items[-1] if items else None
    next_cursor = encode_cursor(last.created_at, last.id) if more and last else None
    return NotificationPage(
        items=[NotificationOut.of(n) for n in items], next_cursor=next_cursor, unread_count=unread or 0
    )
