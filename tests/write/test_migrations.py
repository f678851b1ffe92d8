"""Every domain's Alembic history against fresh databases of this module's own, and the constraints
that the coming commands rely on (duplicates and bad values are refused by PostgreSQL itself)."""

import importlib
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from psycopg import errors, sql
from sqlalchemy import CheckConstraint, MetaData, create_engine, make_url, pool

from tests.servers import database_url, drop_databases, unique_run_id
from write.migrations import alembic_config, ensure_database
from write.outbox import NOTIFY_CHANNEL
from write.settings import DOMAINS

Row = tuple[str, dict[str, Any]]


@pytest.fixture(scope="module")
def fresh_database(servers) -> Iterator[Callable[[str], str]]:
    """Creates empty databases for this module only (never the session's); drops them all at the end."""
    run = unique_run_id()
    names: list[str] = []

    def create(label: str) -> str:
        name = f"edu_migrations_{run}_{label}"
        url = database_url(servers.postgres_url, name)
        ensure_database(url)
        names.append(name)
        return url

    yield create
    drop_databases(servers.postgres_url, names)


@pytest.fixture(scope="module")
def migrated(fresh_database) -> Callable[[str], str]:
    """One database per domain, migrated to head once and shared by the tests that only read or roll back."""
    urls: dict[str, str] = {}

    def get(domain: str) -> str:
        if domain not in urls:
            urls[domain] = fresh_database(f"{domain}_head")
            command.upgrade(alembic_config(domain, urls[domain]), "head")
        return urls[domain]

    return get


def libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def models_metadata(domain: str) -> MetaData:
    return importlib.import_module(f"write.{domain}.models").Base.metadata


def drift(domain: str, url: str) -> list[Any]:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, models_metadata(domain))
    finally:
        engine.dispose()


def check_constraints_missing_or_extra(domain: str, url: str) -> set[tuple[str, str]]:
    """Autogenerate does not compare CHECK constraints, so their names are compared here."""
    declared = {
        (table.name, constraint.name)
        for table in models_metadata(domain).tables.values()
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint)
    }
    with psycopg.connect(libpq(url)) as connection:
        rows = connection.execute(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint"
            " WHERE contype = 'c' AND connamespace = 'public'::regnamespace"
        ).fetchall()
    return declared ^ {(table, name) for table, name in rows}


def tables(url: str) -> set[str]:
    with psycopg.connect(libpq(url)) as connection:
        rows = connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    return {name for (name,) in rows}


def has_notify_trigger(url: str) -> bool:
    with psycopg.connect(libpq(url)) as connection:
        row = connection.execute(
            "SELECT 1 FROM pg_trigger WHERE tgrelid = 'outbox'::regclass AND tgname = 'outbox_notify'"
            " AND NOT tgisinternal"
        ).fetchone()
    return row is not None


def has_notify_function(url: str) -> bool:
    with psycopg.connect(libpq(url)) as connection:
        return connection.execute("SELECT 1 FROM pg_proc WHERE proname = 'outbox_notify'").fetchone() is not None


@pytest.mark.parametrize("domain", DOMAINS)
def test_migrations_build_the_models_schema_and_tear_it_down(domain, fresh_database):
    url = fresh_database(domain)
    config = alembic_config(domain, url)
    assert ScriptDirectory.from_config(config).get_heads(), f"{domain} has no migration yet"

    command.upgrade(config, "head")
    assert drift(domain, url) == []
    assert check_constraints_missing_or_extra(domain, url) == set()
    assert "outbox" in tables(url)
    assert has_notify_trigger(url)

    command.downgrade(config, "base")
    assert tables(url) == {"alembic_version"}
    assert not has_notify_function(url)

    command.upgrade(config, "head")
    assert drift(domain, url) == []
    assert has_notify_trigger(url)


@pytest.mark.parametrize("domain", DOMAINS)
def test_outbox_insert_notifies_listeners_at_commit_only(domain, migrated):
    dsn = libpq(migrated(domain))
    with psycopg.connect(dsn, autocommit=True) as listener, psycopg.connect(dsn) as writer:
        listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(NOTIFY_CHANNEL)))
        writer.execute(
            "INSERT INTO outbox (event_id, event_type, aggregate_type, aggregate_id, payload)"
            " VALUES (%s, 'MigrationTested', 'test', %s, '{}')",
            (uuid.uuid4(), uuid.uuid4()),
        )
        assert list(listener.notifies(timeout=0.3)) == []  # not while the events are uncommitted

        writer.commit()
        received = list(listener.notifies(timeout=5, stop_after=1))

    database = make_url(migrated(domain)).database
    assert [(n.channel, n.payload) for n in received] == [(NOTIFY_CHANNEL, database)]


# --- constraints -------------------------------------------------------------------------------------

STUDENT, OTHER_STUDENT, COURSE, LESSON = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
NOW = datetime.now(UTC)


def payment(**values: Any) -> Row:
    return "payments", {
        "id": uuid.uuid4(),
        "student_id": STUDENT,
        "course_id": COURSE,
        "idempotency_key": "checkout-1",
        "amount": Decimal("19.99"),
        "currency": "USD",
        "status": "completed",
        "provider": "fake",
        "completed_at": NOW,
    } | values


def enrollment(**values: Any) -> Row:
    return "enrollments", {
        "id": uuid.uuid4(),
        "student_id": STUDENT,
        "course_id": COURSE,
        "payment_id": None,
        "status": "active",
    } | values


def progress(enrollment_row: Row, **values: Any) -> Row:
    return "lesson_progress", {"enrollment_id": enrollment_row[1]["id"], "lesson_id": LESSON} | values


def review(**values: Any) -> Row:
    return "reviews", {
        "id": uuid.uuid4(),
        "course_id": COURSE,
        "student_id": STUDENT,
        "rating": 5,
        "text": "Clear and practical.",
    } | values


def notification(**values: Any) -> Row:
    return "notifications", {
        "id": uuid.uuid4(),
        "user_id": STUDENT,
        "kind": "enrollment_created",
        "title": "You are enrolled",
        "body": "Happy learning.",
        "source_event_id": None,
    } | values


def insert(connection: psycopg.Connection, row: Row) -> None:
    table, values = row
    connection.execute(
        sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            sql.Identifier(table),
            sql.SQL(", ").join(map(sql.Identifier, values)),
            sql.SQL(", ").join(sql.Placeholder() * len(values)),
        ),
        list(values.values()),
    )


@pytest.fixture
def connect(migrated) -> Iterator[Callable[[str], psycopg.Connection]]:
    """A connection to a domain's migrated database whose work is always rolled back."""
    opened: list[psycopg.Connection] = []

    def open_(domain: str) -> psycopg.Connection:
        opened.append(psycopg.connect(libpq(migrated(domain))))
        return opened[-1]

    yield open_
    for connection in opened:
        connection.rollback()
        connection.close()


PAYMENT_ID = uuid.uuid4()
EVENT_ID = uuid.uuid4()
ENROLLED, OTHER_ENROLLED = enrollment(), enrollment(student_id=OTHER_STUDENT)

REFUSED = {
    "payment idempotency key reused by the same student": (
        "payment",
        [payment()],
        payment(),
        errors.UniqueViolation,
        "uq_payments_student_idempotency_key",
    ),
    "payment empty idempotency key": (
        "payment",
        [],
        payment(idempotency_key=""),
        errors.CheckViolation,
        "idempotency_key_length",
    ),
    "payment negative amount": (
        "payment",
        [],
        payment(amount=Decimal("-0.01")),
        errors.CheckViolation,
        "amount_not_negative",
    ),
    "payment unknown status": (
        "payment",
        [],
        payment(status="paid", completed_at=None),
        errors.CheckViolation,
        "status_known",
    ),
    "payment lower-case currency": ("payment", [], payment(currency="usd"), errors.CheckViolation, "currency_iso_4217"),
    "payment completed without completion time": (
        "payment",
        [],
        payment(completed_at=None),
        errors.CheckViolation,
        "completed_at_matches_status",
    ),
    "enrollment payment used twice": (
        "enrollment",
        [enrollment(payment_id=PAYMENT_ID)],
        enrollment(student_id=OTHER_STUDENT, payment_id=PAYMENT_ID),
        errors.UniqueViolation,
        "uq_enrollments_payment_id",
    ),
    "enrollment twice in one course": (
        "enrollment",
        [enrollment()],
        enrollment(),
        errors.UniqueViolation,
        "uq_enrollments_student_course",
    ),
    "enrollment unknown status": (
        "enrollment",
        [],
        enrollment(status="paused"),
        errors.CheckViolation,
        "status_known",
    ),
    "enrollment completed without completion time": (
        "enrollment",
        [],
        enrollment(status="completed"),
        errors.CheckViolation,
        "completed_at_matches_status",
    ),
    "enrollment active with a completion time": (
        "enrollment",
        [],
        enrollment(completed_at=NOW),
        errors.CheckViolation,
        "completed_at_matches_status",
    ),
    "lesson progress of an unknown enrollment": (
        "enrollment",
        [],
        progress(enrollment()),
        errors.ForeignKeyViolation,
        "lesson_progress_enrollment_id_fkey",
    ),
    "lesson completed twice in one enrollment": (
        "enrollment",
        [ENROLLED, progress(ENROLLED)],
        progress(ENROLLED),
        errors.UniqueViolation,
        "lesson_progress_pkey",
    ),
    "review rating 6": ("review", [], review(rating=6), errors.CheckViolation, "rating_range"),
    "review rating 0": ("review", [], review(rating=0), errors.CheckViolation, "rating_range"),
    "review empty text": ("review", [], review(text=""), errors.CheckViolation, "text_length"),
    "review too long": ("review", [], review(text="x" * 5001), errors.CheckViolation, "text_length"),
    "second review of a course by the same student": (
        "review",
        [review()],
        review(rating=1),
        errors.UniqueViolation,
        "uq_reviews_course_student",
    ),
    "notification made twice from one event": (
        "notification",
        [notification(source_event_id=EVENT_ID)],
        notification(source_event_id=EVENT_ID),
        errors.UniqueViolation,
        "uq_notifications_source_event_id",
    ),
    "notification data not an object": (
        "notification",
        [],
        notification(data="[]"),
        errors.CheckViolation,
        "data_is_object",
    ),
}


@pytest.mark.parametrize(("domain", "before", "row", "error", "constraint"), REFUSED.values(), ids=REFUSED.keys())
def test_database_refuses(connect, domain, before, row, error, constraint):
    connection = connect(domain)
    for earlier in before:
        insert(connection, earlier)
    with pytest.raises(error) as refused:
        insert(connection, row)
    assert refused.value.diag.constraint_name == constraint


ACCEPTED = {
    "the same idempotency key by another student": ("payment", [payment(), payment(student_id=OTHER_STUDENT)]),
    "a pending payment without completion time": ("payment", [payment(status="pending", completed_at=None)]),
    "free enrollments of two students (no payment)": (
        "enrollment",
        [enrollment(), enrollment(student_id=OTHER_STUDENT)],
    ),
    # course_id is catalog's (another database): no foreign key, the command asks catalog.public instead.
    "an enrollment in any course id": ("enrollment", [enrollment(course_id=uuid.uuid4())]),
    "one lesson completed in two enrollments": (
        "enrollment",
        [ENROLLED, OTHER_ENROLLED, progress(ENROLLED), progress(OTHER_ENROLLED)],
    ),
    "reviews of one course by two students": ("review", [review(), review(student_id=OTHER_STUDENT)]),
    "notifications not made from events": ("notification", [notification(), notification()]),
}


@pytest.mark.parametrize(("domain", "rows"), ACCEPTED.values(), ids=ACCEPTED.keys())
def test_database_accepts(connect, domain, rows):
    connection = connect(domain)
    for row in rows:
        insert(connection, row)


def test_deleting_an_enrollment_deletes_its_progress(connect):
    connection = connect("enrollment")
    enrolled = enrollment()
    _, values = enrolled
    insert(connection, enrolled)
    insert(connection, progress(enrolled))

    connection.execute("DELETE FROM enrollments WHERE id = %s", (values["id"],))

    assert connection.execute("SELECT count(*) FROM lesson_progress").fetchone() == (0,)
