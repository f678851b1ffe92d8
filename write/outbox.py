"""The transactional outbox: one event envelope and one table shape, shared by every domain.

A command writes its rows and its events in one transaction (``record``). The relay does not remember
"the last id I saw" -- ids become visible in commit order, not id order -- it claims rows that are still
undelivered (``delivered_at IS NULL``) with ``FOR UPDATE SKIP LOCKED``; see docs/adr/0002-outbox.md.
"""

import dataclasses
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic_core import to_jsonable_python
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
    func,
    insert,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

NOTIFY_CHANNEL = "edu_outbox"

EVENT_TYPES: dict[str, type["DomainEvent"]] = {}


@dataclasses.dataclass(frozen=True, kw_only=True)
class DomainEvent:
    """Base of every event: a past-tense fact about one aggregate. Subclasses add the payload fields."""

    aggregate_type: ClassVar[str]
    aggregate_id: uuid.UUID
    aggregate_version: int | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        EVENT_TYPES[cls.__name__] = cls

    @property
    def event_type(self) -> str:
        return type(self).__name__

    def payload(self) -> dict[str, Any]:
        fields = {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name not in ("aggregate_id", "aggregate_version")
        }
        return to_jsonable_python(fields)


@dataclasses.dataclass(frozen=True, kw_only=True)
class DeliveredEvent:
    """An event as its consumers receive it: one outbox row of any domain, without the relay's bookkeeping.

    ``event_id`` is the idempotency key (a redelivered event has the same one); ``payload`` is JSON as stored
    (UUIDs, datetimes and decimals are strings in it).
    """

    event_id: uuid.UUID
    event_type: str
    aggregate_type: str
    aggregate_id: uuid.UUID
    aggregate_version: int | None
    payload: dict[str, Any]
    occurred_at: datetime

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "DeliveredEvent":
        """From an outbox row: a mapping (``row._mapping``, a dict) or a SQLAlchemy ``Row`` itself."""
        row = getattr(row, "_mapping", row)
        return cls(**{field.name: row[field.name] for field in dataclasses.fields(cls)})


def outbox_table(metadata: MetaData) -> Table:
    """The outbox of one domain; each domain's models call this on their own MetaData."""
    return Table(
        "outbox",
        metadata,
        Column("id", BigInteger, Identity(always=True), primary_key=True),
        Column("event_id", Uuid, nullable=False, unique=True),
        Column("event_type", String(100), nullable=False),
        Column("aggregate_type", String(50), nullable=False),
        Column("aggregate_id", Uuid, nullable=False),
        Column("aggregate_version", Integer),
        Column("payload", JSONB, nullable=False),
        Column("occurred_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("delivered_at", DateTime(timezone=True)),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Index(
            "ix_outbox_undelivered",
            "id",
            postgresql_where=text("delivered_at IS NULL"),
        ),
    )


async def record(session: AsyncSession, table: Table, *events: DomainEvent) -> None:
    """Adds events to the outbox inside the caller's transaction (they commit or vanish with its rows)."""
    if not events:
        return
    now = datetime.now(UTC)
    await session.execute(
        insert(table),
        [
            {
                "event_id": uuid.uuid4(),
                "event_type": event.event_type,
                "aggregate_type": event.aggregate_type,
                "aggregate_id": event.aggregate_id,
                "aggregate_version": event.aggregate_version,
                "payload": event.payload(),
                "occurred_at": now,
            }
            for event in events
        ],
    )
