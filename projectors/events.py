"""The job every outbox event becomes (``projectors.events.handle``), run by the RQ workers.

Delivery is at least once: each consumer here must be idempotent. The worker runs jobs in its own process
(``workers.worker`` uses RQ's non-forking worker), so one command context and one event loop are built on
first use and reused for every later job.
"""

import asyncio
import uuid
from datetime import datetime
from typing import Any

from write.context import CommandContext
from write.notification.handlers import handle_event as notify
from write.outbox import DeliveredEvent
from write.settings import get_settings

_loop: asyncio.AbstractEventLoop | None = None
_ctx: CommandContext | None = None


def from_job(data: dict[str, Any]) -> DeliveredEvent:
    return DeliveredEvent(
        event_id=uuid.UUID(data["event_id"]),
        event_type=data["event_type"],
        aggregate_type=data["aggregate_type"],
        aggregate_id=uuid.UUID(data["aggregate_id"]),
        aggregate_version=data["aggregate_version"],
        payload=data["payload"],
        occurred_at=datetime.fromisoformat(data["occurred_at"]),
    )


def _runtime() -> tuple[asyncio.AbstractEventLoop, CommandContext]:
    global _loop, _ctx
    if _loop is None or _loop.is_closed():
        _loop, _ctx = asyncio.new_event_loop(), None
    if _ctx is None:
        _ctx = CommandContext.build(get_settings())
    return _loop, _ctx


async def _dispatch(ctx: CommandContext, event: DeliveredEvent) -> dict[str, int]:
    return {"notifications": await notify(ctx, event)}


def handle(event: dict[str, Any]) -> dict[str, int]:
    """Hands one delivered event to every consumer; returns what each did (kept as the job's result)."""
    loop, ctx = _runtime()
    return loop.run_until_complete(_dispatch(ctx, from_job(event)))
