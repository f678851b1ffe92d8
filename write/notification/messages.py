"""What each event tells whom: the notifications one delivered event turns into (pure, no I/O).

A rule reads only the event (its payload and aggregate id), never another domain, so the same event
always yields the same notifications. Titles and bodies are plain text -- data, not HTML; whoever shows
them escapes them. ``data`` holds the ids a client needs for links.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from write.outbox import DeliveredEvent

MAX_TITLE = 200  # the notifications table's limits
MAX_BODY = 5000


@dataclass(frozen=True)
class Message:
    """One notification to make. ``recipient`` names the role the user plays in the event ("student",
    "teacher"): one event tells each role at most one thing."""

    recipient: str
    user_id: uuid.UUID
    kind: str
    title: str
    body: str
    data: dict[str, Any] = field(default_factory=dict)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _id(payload: dict[str, Any], key: str) -> uuid.UUID:
    return uuid.UUID(str(payload[key]))


def _student_enrolled(event: DeliveredEvent) -> list[Message]:
    p = event.payload
    title, course = p["course_title"], {"course_id": str(_id(p, "course_id"))}
    return [
        Message(
            "student",
            _id(p, "student_id"),
            kind="enrolled",
            title=clip(f"You are enrolled in {title}", MAX_TITLE),
            body=clip(f"Welcome to {title}! Your first lesson is waiting for you.", MAX_BODY),
            data=course,
        ),
        Message(
            "teacher",
            _id(p, "teacher_id"),
            kind="new_student",
            title=clip(f"New student in {title}", MAX_TITLE),
            body=clip(f"A student has just enrolled in {title}.", MAX_BODY),
            data=course,
        ),
    ]


def _review_posted(event: DeliveredEvent) -> list[Message]:
    p = event.payload
    return [
        Message(
            "teacher",
            _id(p, "teacher_id"),
            kind="review_posted",
            title=clip(f"New review ({p['rating']}/5) of {p['course_title']}", MAX_TITLE),
            body=clip(p["text"], MAX_BODY),
            data={"course_id": str(_id(p, "course_id")), "review_id": str(event.aggregate_id), "rating": p["rating"]},
        )
    ]


def _course_completed(event: DeliveredEvent) -> list[Message]:
    p = event.payload
    return [
        Message(
            "student",
            _id(p, "student_id"),
            kind="course_completed",
            title=clip(f"You completed {p['course_title']}", MAX_TITLE),
            body=clip(f"Congratulations: you finished every lesson of {p['course_title']}.", MAX_BODY),
            data={"course_id": str(_id(p, "course_id"))},
        )
    ]


def _teacher_verified(event: DeliveredEvent) -> list[Message]:
    return [
        Message(
            "teacher",
            event.aggregate_id,  # identity's aggregate is the user
            kind="teacher_verified",
            title="Your teacher account is verified",
            body="You can now create courses and publish them.",
        )
    ]


RULES: dict[str, Callable[[DeliveredEvent], list[Message]]] = {
    "StudentEnrolled": _student_enrolled,
    "ReviewPosted": _review_posted,
    "CourseCompleted": _course_completed,
    "TeacherVerified": _teacher_verified,
}


def messages_for(event: DeliveredEvent) -> list[Message]:
    """The notifications this event makes; none for an event type no rule knows."""
    rule = RULES.get(event.event_type)
    return rule(event) if rule else []
