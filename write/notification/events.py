"""Notification's events (aggregate: notification). Making a notification records nothing: it is itself
the consequence of another domain's event, and re-deriving it from that event gives the same result."""

import dataclasses
import uuid
from datetime import datetime
from typing import ClassVar

from write.outbox import DomainEvent


@dataclasses.dataclass(frozen=True, kw_only=True)
class NotificationEvent(DomainEvent):
    aggregate_type: ClassVar[str] = "notification"


@dataclasses.dataclass(frozen=True, kw_only=True)
class NotificationRead(NotificationEvent):
    user_id: uuid.UUID
    read_at: datetime
