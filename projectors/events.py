"""The job the RQ workers run for every outbox event: ``handle``.

It does the cheap part at once: it feeds the event to the notification handler, works out which courses
the event changes (a teacher's rename changes every course of theirs: fan-out) and marks them
(``projectors.backlog``), which wakes each lane's refresher. The costly part -- reading the source and
writing every projection -- is the refreshers' (``projectors.refresher``), for every course marked so far
at once.

Delivery is at least once and in any order: marking twice is harmless, and a refresh always reads the
current source. The worker runs jobs in its own process (``workers.worker`` uses RQ's non-forking worker),
so one runtime, command context and event loop are built on first use and serve every later job.
"""

import asyncio
import uuid
from datetime import datetime
from typing import Any

from projectors import metrics
from projectors.runtime import Runtime
from projectors.source import SourceReader
from write.context import CommandContext
from write.notification.handlers import handle_event as notify
from write.outbox import DeliveredEvent
from write.settings import get_settings

# Catalog events that change the category counts (publishing, unpublishing, renaming; a course moving to
# another category is a CourseUpdated whose changes hold "category": ``changes_category_counts``).
CATEGORY_COUNT_EVENTS = frozenset({"CoursePublished", "CourseUnpublished", "CategoryRenamed"})

_loop: asyncio.AbstractEventLoop | None = None
_ctx: CommandContext | None = None
_runtime: Runtime | None = None


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


def affected_courses(event: DeliveredEvent, source: SourceReader) -> list[uuid.UUID]:
    """The courses whose projections the event changes."""
    kind, payload = event.aggregate_type, event.payload
    if kind == "course":
        return [event.aggregate_id]
    if kind in ("enrollment", "review") and event.event_type in ("StudentEnrolled", "ReviewPosted", "ReviewEdited"):
        return [uuid.UUID(payload["course_id"])]
    if event.event_type == "UserRenamed":  # on cards as a teacher, on reviews as their author
        return source.courses_of_teacher(event.aggregate_id) + source.courses_reviewed_by(event.aggregate_id)
    if event.event_type == "CategoryRenamed":
        return source.courses_in_category(payload["slug"])
    return []


def changes_category_counts(event: DeliveredEvent) -> bool:
    if event.event_type == "CourseUpdated":
        return "category" in event.payload.get("changes", {})
    return event.event_type in CATEGORY_COUNT_EVENTS


def runtime() -> Runtime:
    global _runtime
    if _runtime is None:
        _runtime = Runtime.from_environment()
    return _runtime


def _command_runtime() -> tuple[asyncio.AbstractEventLoop, CommandContext]:
    global _loop, _ctx
    if _loop is None or _loop.is_closed():
        _loop, _ctx = asyncio.new_event_loop(), None
    if _ctx is None:
        _ctx = CommandContext.build(get_settings())
    return _loop, _ctx


def mark(rt: Runtime, event: DeliveredEvent) -> int:
    """Marks what the event changes (which wakes the refreshers). Returns the courses marked."""
    courses = affected_courses(event, rt.source)
    marked = rt.backlog.mark(courses, int(event.occurred_at.timestamp() * 1000))
    if changes_category_counts(event):
        rt.backlog.mark_categories()
    return marked


def handle(event: dict[str, Any]) -> dict[str, int]:
    """Hands one delivered event to every consumer; returns what each did (kept as the job's result)."""
    delivered = from_job(event)
    try:
        loop, ctx = _command_runtime()
        notifications = loop.run_until_complete(notify(ctx, delivered))
        marked = mark(runtime(), delivered)
    except BaseException:
        metrics.FAILURES.labels("event").inc()
        raise
    metrics.EVENTS.labels(delivered.event_type).inc()
    return {"notifications": notifications, "courses_marked": marked}
