"""The projections workers' entry point into notification: ``handle_event`` runs for every outbox event of
every domain and turns the few it knows into notifications (``write.notification.messages``).

Delivery is at least once, so a redelivered event must change nothing. Every notification stores a
``source_event_id`` under a unique constraint, and rows are inserted with ``ON CONFLICT DO NOTHING``. One
event may notify several people (StudentEnrolled tells the student and the teacher), so that key is not
the event id itself but ``uuid5(event_id, recipient role)``: deterministic -- a redelivery computes the
same keys -- and distinct per recipient. The schema keeps its plain ``UNIQUE (source_event_id)``; to find
the notifications of an event, compute ``source_key(event_id, role)`` for its roles.

A notification's ``created_at`` is the event's ``occurred_at``: it is dated when the thing happened, not
when a worker got round to it, and re-deriving it gives the same row.
"""

import uuid

from sqlalchemy.dialects.postgresql import insert

from write.context import CommandContext
from write.notification.messages import Message, messages_for
from write.notification.models import Notification
from write.outbox import DeliveredEvent

DOMAIN = "notification"
SOURCE_KEY = "uq_notifications_source_event_id"


def source_key(event_id: uuid.UUID, recipient: str) -> uuid.UUID:
    """The idempotency key of the notification that ``recipient`` (a role) gets from the event."""
    return uuid.uuid5(event_id, recipient)


def _row(event: DeliveredEvent, message: Message) -> dict:
    return {
        "id": uuid.uuid4(),
        "user_id": message.user_id,
        "kind": message.kind,
        "title": message.title,
        "body": message.body,
        "data": message.data,
        "created_at": event.occurred_at,
        "source_event_id": source_key(event.event_id, message.recipient),
    }


async def handle_event(ctx: CommandContext, event: DeliveredEvent) -> int:
    """Makes the notifications of one event (only ``ctx.databases`` is used); returns how many were new
    (0 for a redelivery or an event type that notifies nobody)."""
    messages = messages_for(event)
    if not messages:
        return 0
    statement = (
        insert(Notification)
        .values([_row(event, message) for message in messages])
        .on_conflict_do_nothing(constraint=SOURCE_KEY)
        .returning(Notification.id)
    )
    async with ctx.databases.transaction(DOMAIN) as session:
        return len((await session.execute(statement)).all())
