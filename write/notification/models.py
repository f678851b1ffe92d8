"""Notification's tables: messages for one user each, and notification's outbox."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Index,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from write.outbox import outbox_table


class Base(DeclarativeBase):
    pass


class Notification(Base):
    """A message to a user (``user_id`` belongs to identity, no FK); unread while ``read_at`` is null."""

    __tablename__ = "notifications"
    __table_args__ = (
        # Events are delivered at least once; a key derived from the event a notification was made from
        # (uuid5(event id, recipient role), see handlers.source_key) makes a redelivery an ON CONFLICT no-op
        # instead of a duplicate. Null for notifications made otherwise.
        UniqueConstraint("source_event_id", name="uq_notifications_source_event_id"),
        CheckConstraint("char_length(kind) BETWEEN 1 AND 50", name="kind_length"),
        CheckConstraint("char_length(title) BETWEEN 1 AND 200", name="title_length"),
        CheckConstraint("char_length(body) <= 5000", name="body_length"),
        CheckConstraint("jsonb_typeof(data) = 'object'", name="data_is_object"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    source_event_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)


# GET /notifications: a user's notifications newest first, id breaking ties for stable keyset pages.
Index("ix_notifications_user_newest", Notification.user_id, Notification.created_at.desc(), Notification.id.desc())

outbox = outbox_table(Base.metadata)
