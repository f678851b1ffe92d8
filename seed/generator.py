"""The rows of every table, written from a ``seed.plan.Plan``: deterministic, streamed, no database.

Each table is a ``Table``: its domain, name, columns, row count (known before the first row, for the
progress bars) and a function that yields its rows as tuples in column order. Rows are produced one at a
time -- the lesson bodies of a full seed never sit in memory together -- and every table that needs
randomness draws from its own stream (seeded from the run's seed and the table's name), so a table's
rows do not depend on which tables were generated before it, or in which process.
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from random import Random

from seed.plan import END, CoursePlan, EnrollmentPlan, Plan, at, new_uuid, uuid_at
from write.enrollment.events import CourseCompleted, StudentEnrolled
from write.identity.events import TeacherVerified
from write.notification.messages import messages_for
from write.outbox import DeliveredEvent, DomainEvent
from write.review.events import ReviewPosted

Row = tuple
PAYMENT_PROVIDER = "mock"  # what write.payment.providers.MockPaymentProvider calls itself
READ_SHARE = 0.6  # notifications already read


@dataclass(frozen=True)
class Table:
    domain: str
    name: str
    columns: tuple[str, ...]
    count: int
    rows: Callable[[], Iterator[Row]]


@dataclass(frozen=True)
class Environment:
    """What the rows need from outside the plan: the settings' currency, the migrated categories' ids,
    and the precomputed password hashes (``seed.passwords``)."""

    currency: str
    category_ids: dict[str, int]
    password_hashes: dict[str | None, str]


def tables(plan: Plan, env: Environment) -> list[Table]:
    """Every table the seed fills, grouped by domain in load order."""
    paid = [e for e in plan.enrollments if e.payment_id is not None]
    reviewed = [e for e in plan.enrollments if e.review_id is not None]
    lessons = sum(course.lesson_count for course in plan.courses)
    modules = sum(len(course.lessons_per_module) for course in plan.courses)
    return [
        Table("identity", "users", USER_COLUMNS, len(plan.users), lambda: _users(plan, env)),
        Table("catalog", "courses", COURSE_COLUMNS, len(plan.courses), lambda: _courses(plan, env)),
        Table("catalog", "modules", MODULE_COLUMNS, modules, lambda: _modules(plan)),
        Table("catalog", "lessons", LESSON_COLUMNS, lessons, lambda: _lessons(plan)),
        Table("payment", "payments", PAYMENT_COLUMNS, len(paid), lambda: _payments(plan, paid, env)),
        Table("enrollment", "enrollments", ENROLLMENT_COLUMNS, len(plan.enrollments), lambda: _enrollments(plan)),
        Table("enrollment", "lesson_progress", PROGRESS_COLUMNS, sum(e.done for e in plan.enrollments),
              lambda: _progress(plan)),
        Table("review", "reviews", REVIEW_COLUMNS, len(reviewed), lambda: _reviews(reviewed)),
        Table("notification", "notifications", NOTIFICATION_COLUMNS, _notification_count(plan),
              lambda: _notifications(plan)),
    ]  # fmt: skip


# --- identity --------------------------------------------------------------------------------------------

USER_COLUMNS = (
    "id", "email", "name", "role", "is_verified", "verified_at", "verified_by", "password_hash", "created_at",
    "updated_at",
)  # fmt: skip


def _users(plan: Plan, env: Environment) -> Iterator[Row]:
    shared_hash = env.password_hashes[None]
    for user in plan.users:
        password_hash = env.password_hashes[user.login.email] if user.login else shared_hash
        verified = user.verified is not None
        yield (
            user.id, user.email, user.name, user.role, verified or user.role == "admin",
            at(user.verified) if verified else None, plan.admin.id if verified else None, password_hash,
            at(user.created), at(user.verified or user.created),
        )  # fmt: skip


# --- catalog ---------------------------------------------------------------------------------------------

COURSE_COLUMNS = (
    "id", "teacher_id", "title", "description", "category_id", "level", "price", "currency", "language", "status",
    "version", "created_at", "updated_at", "published_at",
)  # fmt: skip
MODULE_COLUMNS = ("id", "course_id", "title", "position", "created_at", "updated_at")
LESSON_COLUMNS = (
    "id", "module_id", "course_id", "title", "content", "video_url", "duration_minutes", "is_preview", "position",
    "created_at", "updated_at",
)  # fmt: skip


def _courses(plan: Plan, env: Environment) -> Iterator[Row]:
    rng = Random(f"{plan.seed}/descriptions")
    for c in plan.courses:
        description = c.demo["description"] if c.demo else plan.writer.description(rng, c.subject, c.topic, c.language)
        yield (
            c.id, c.teacher.id, c.title, description, env.category_ids[c.subject.slug], c.level, c.price, env.currency,
            c.language, c.status, c.version, at(c.created), at(c.updated),
            at(c.published) if c.published is not None else None,
        )  # fmt: skip


def _change_numbers(course: CoursePlan) -> Iterator[tuple[int, list[int]]]:
    """Per module, the number of the change that added it and of those that added its lessons: authoring
    goes module 1, its lessons, module 2, its lessons, ... (the order the versions count)."""
    change = 1
    for lessons in course.lessons_per_module:
        yield change, list(range(change + 1, change + 1 + lessons))
        change += 1 + lessons


def _modules(plan: Plan) -> Iterator[Row]:
    rng = Random(f"{plan.seed}/modules")
    for c in plan.courses:
        count = len(c.lessons_per_module)
        changes = count + c.lesson_count
        if c.demo:
            titles = [title for title, _ in c.demo["modules"]]
        else:
            titles = plan.writer.module_titles(rng, c.subject, c.language, count)
        for position, (change, _) in enumerate(_change_numbers(c)):
            created = at(c.change_time(change, changes))
            yield uuid_at(c.module_ids, position), c.id, titles[position], position + 1, created, created


def _lessons(plan: Plan) -> Iterator[Row]:
    rng = Random(f"{plan.seed}/lessons")
    for c in plan.courses:
        changes = len(c.lessons_per_module) + c.lesson_count
        number = 0
        for module, (_, lesson_changes) in enumerate(_change_numbers(c)):
            module_id = uuid_at(c.module_ids, module)
            for position, change in enumerate(lesson_changes, start=1):
                title, content, minutes, preview, video = _lesson(plan, rng, c, module, position, number)
                created = at(c.change_time(change, changes))
                yield (
                    uuid_at(c.lesson_ids, number), module_id, c.id, title, content, video, minutes, preview, position,
                    created, created,
                )  # fmt: skip
                number += 1


def _lesson(plan: Plan, rng: Random, c: CoursePlan, module: int, position: int, number: int) -> tuple:
    """(title, markdown, minutes, is_preview, video_url) of one lesson."""
    if c.demo:
        title, content, minutes, preview = c.demo["modules"][module][1][position - 1]
        return title, content, minutes, preview, None
    title = plan.writer.lesson_title(rng, c.subject, c.topic, c.language)
    content = plan.writer.lesson_body(rng, c.subject, c.topic, title)
    minutes = int(rng.triangular(2, 45, 8))
    preview = rng.random() < (0.8 if number == 0 else 0.04)  # the first lesson is usually free to watch
    video = f"https://videos.example.com/{c.id.hex[:12]}/{number + 1}.mp4" if rng.random() < 0.35 else None
    return title, content, minutes, preview, video


# --- payment and enrollment ------------------------------------------------------------------------------

PAYMENT_COLUMNS = (
    "id", "student_id", "course_id", "idempotency_key", "amount", "currency", "status", "provider",
    "provider_reference", "created_at", "completed_at",
)  # fmt: skip
ENROLLMENT_COLUMNS = ("id", "student_id", "course_id", "payment_id", "status", "enrolled_at", "completed_at")
PROGRESS_COLUMNS = ("enrollment_id", "lesson_id", "completed_at")


def _payments(plan: Plan, paid: list[EnrollmentPlan], env: Environment) -> Iterator[Row]:
    rng = Random(f"{plan.seed}/payments")
    for e in paid:
        key = e.payment_id.hex
        yield (
            e.payment_id, e.student.id, e.course.id, f"checkout-{key[:20]}", e.course.price, env.currency,
            "completed", PAYMENT_PROVIDER, f"mock_{key}", at(e.paid), at(e.paid + rng.randint(1, 20)),
        )  # fmt: skip


def _enrollments(plan: Plan) -> Iterator[Row]:
    for e in plan.enrollments:
        completed = e.completed
        status = "completed" if completed else "active"
        yield (
            e.id, e.student.id, e.course.id, e.payment_id, status, at(e.enrolled),
            at(completed) if completed else None,
        )  # fmt: skip


def _progress(plan: Plan) -> Iterator[Row]:
    for e in plan.enrollments:
        for number, done_at in enumerate(e.progress_time):
            yield e.id, uuid_at(e.course.lesson_ids, number), at(done_at)


# --- review ----------------------------------------------------------------------------------------------

REVIEW_COLUMNS = ("id", "course_id", "student_id", "rating", "text", "version", "created_at", "updated_at")


def _reviews(reviewed: list[EnrollmentPlan]) -> Iterator[Row]:
    for e in reviewed:
        created = at(e.reviewed)
        yield e.review_id, e.course.id, e.student.id, e.rating, e.review_text, 1, created, created


# --- notification ----------------------------------------------------------------------------------------

NOTIFICATION_COLUMNS = ("id", "user_id", "kind", "title", "body", "data", "created_at", "read_at", "source_event_id")


def _notification_count(plan: Plan) -> int:
    verified = sum(teacher.verified is not None for teacher in plan.teachers)
    enrollments = plan.enrollments
    return (
        verified
        + 2 * len(enrollments)
        + sum(e.completed is not None for e in enrollments)
        + sum(e.review_id is not None for e in enrollments)
    )


def _events(plan: Plan) -> Iterator[tuple[DomainEvent, int]]:
    """The events that made notifications, as the commands would have recorded them, with their times."""
    for teacher in plan.teachers:
        if teacher.verified is not None:
            yield (
                TeacherVerified(aggregate_id=teacher.id, name=teacher.name, verified_by=plan.admin.id),
                teacher.verified,
            )
    for e in plan.enrollments:
        course, student = e.course, e.student.id
        facts = {"student_id": student, "course_id": course.id, "teacher_id": course.teacher.id}
        yield (
            StudentEnrolled(aggregate_id=e.id, course_title=course.title, payment_id=e.payment_id, **facts),
            e.enrolled,
        )
        if e.completed is not None:
            yield CourseCompleted(aggregate_id=e.id, course_title=course.title, **facts), e.completed
        if e.review_id is not None:
            review = ReviewPosted(
                aggregate_id=e.review_id, aggregate_version=1, course_title=course.title, rating=e.rating,
                text=e.review_text, **facts,
            )  # fmt: skip
            yield review, e.reviewed


def _notifications(plan: Plan) -> Iterator[Row]:
    """What ``write.notification.messages`` makes of each event. ``source_event_id`` stays null: these
    notifications were not made from delivered outbox events (the bulk load writes none)."""
    rng = Random(f"{plan.seed}/notifications")
    for event, when in _events(plan):
        delivered = DeliveredEvent(
            event_id=event.aggregate_id, event_type=event.event_type, aggregate_type=event.aggregate_type,
            aggregate_id=event.aggregate_id, aggregate_version=event.aggregate_version, payload=event.payload(),
            occurred_at=at(when),
        )  # fmt: skip
        for message in messages_for(delivered):
            read = when + rng.randint(300, 10 * 86_400) if rng.random() < READ_SHARE else END + 1
            yield (
                new_uuid(rng), message.user_id, message.kind, message.title,
                message.body, json.dumps(message.data), delivered.occurred_at, at(read) if read <= END else None, None,
            )  # fmt: skip
