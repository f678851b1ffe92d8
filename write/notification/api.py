"""Notification's routes: any signed-in user reads their own notifications and marks them read."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from write.identity.auth import Context, CurrentUser
from write.notification import commands, queries
from write.notification.schemas import NotificationOut, NotificationPage

router = APIRouter()


@router.get("/notifications", response_model=NotificationPage, tags=["notifications"])
async def list_notifications(
    ctx: Context,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=300)] = None,
) -> NotificationPage:
    """Your notifications, newest first; follow ``next_cursor`` for older ones. ``unread_count`` counts all."""
    return await queries.page(ctx, user.id, limit=limit, cursor=cursor)


@router.post("/notifications/{notification_id}/read", response_model=NotificationOut, tags=["notifications"])
async def read_notification(notification_id: uuid.UUID, ctx: Context, user: CurrentUser) -> NotificationOut:
    """Mark one of your notifications read; reading it again keeps the first ``read_at``."""
    return NotificationOut.of(await commands.mark_read(ctx, user.id, notification_id))
