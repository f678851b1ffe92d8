"""Response bodies of notification's endpoints (they take no request bodies)."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field

from write.notification.models import Notification
from write.schemas import ResponseBody


class NotificationOut(ResponseBody):
    id: uuid.UUID
    kind: str = Field(description="enrolled, new_student, review_posted, course_completed, teacher_verified")
    title: str = Field(description="plain text")
    body: str = Field(description="plain text; escape it before showing it")
    data: dict[str, Any] = Field(description="ids for links, e.g. course_id")
    created_at: datetime
    read_at: datetime | None
    is_read: bool

    @classmethod
    def of(cls, notification: Notification) -> "NotificationOut":
        return cls(
            id=notification.id,
            kind=notification.kind,
            title=notification.title,
            body=notification.body,
            data=notification.data,
            created_at=notification.created_at,
            read_at=notification.read_at,
            is_read=notification.read_at is not None,
        )


class NotificationPage(ResponseBody):
    items: list[NotificationOut]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next (older) page; null on the last")
    unread_count: int = Field(description="all of the user's unread notifications, not only this page's")
