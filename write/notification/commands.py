"""Notification's commands: a user marks one of their notifications as read.

Reading is idempotent: the first read sets ``read_at`` and records NotificationRead in the same
transaction; reading again keeps that time and records nothing. Someone else's notification is
"not found" (404), like an unknown one.
"""

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from write import outbox
from write.context import CommandContext
from write.errors import NotFound
from write.notification import events
from write.notification.models import Notification
from write.notification.models import outbox as notification_outbox

DOMAIN = "notification"


async def mark_read(ctx: CommandContext, user_id: uuid.UUID, notification_id: uuid.UUID) -> Notification:
    async with ctx.databases.transaction(DOMAIN) as session:
        # The row lock makes concurrent reads of one notification take turns: only the first sets read_at.
        notification = await session.scalar(
            select(Notification)
            .where(Notification.id == notification_id, Notification.user_id == user_id)
            .with_for_update()
        )
        if notification is None:
            raise NotFound("No notification with this id.")
        if notification.read_at is not None:
            return notification
        notification.read_at = datetime.now(UTC)
        await session.flush()
        await outbox.record(
            session,
            notification_outbox,
            events.NotificationRead(aggregate_id=notification.id, user_id=user_id, read_at=notification.read_at),
        )
    return notification
