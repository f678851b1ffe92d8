"""Catalog's schema keeps its own rules: the seeded subjects, and constraints PostgreSQL enforces itself.

(The migration's upgrade/downgrade round trip and model drift are covered for every domain in
test_migrations.py.) Every write here runs in a transaction that is rolled back or refused.
"""

import uuid
from collections.abc import Iterator
from decimal import Decimal

import psycopg
import pytest
from psycopg import errors
from sqlalchemy import make_url

from write.catalog.categories import CATEGORIES


@pytest.fixture
def catalog_db(settings) -> Iterator[psycopg.Connection]:
    url = make_url(settings.catalog_database_url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as connection:
        yield connection
        connection.rollback()


def add_course(connection, **values) -> uuid.UUID:
    row = {
        "id": uuid.uuid4(),
        "teacher_id": uuid.uuid4(),
        "title": "Schema test course",
        "category_id": connection.execute("SELECT id FROM categories WHERE slug = 'music'").fetchone()[0],
        "level": "beginner",
        "price": Decimal("5.00"),
        "currency": "USD",
        "language": "en",
    } | values
    columns = ", ".join(row)
    connection.execute(f"INSERT INTO courses ({columns}) VALUES ({', '.join(['%s'] * len(row))})", list(row.values()))
    return row["id"]


def add_module(connection, course_id, position=1, module_id=None) -> uuid.UUID:
    module_id = module_id or uuid.uuid4()
    connection.execute(
        "INSERT INTO modules (id, course_id, title, position) VALUES (%s, %s, 'M', %s)",
        (module_id, course_id, position),
    )
    return module_id


def add_lesson(connection, course_id, module_id, position=1, **values) -> None:
    row = {"id": uuid.uuid4(), "module_id": module_id, "course_id": course_id, "title": "L"}
    row |= {"duration_minutes": 5, "position": position} | values
    columns = ", ".join(row)
    connection.execute(f"INSERT INTO lessons ({columns}) VALUES ({', '.join(['%s'] * len(row))})", list(row.values()))


async def test_the_seeded_subjects_are_the_listed_ones(client):
    response = await client.get("/categories")
    items = response.json()["items"]
    assert sorted((c["slug"], c["name"]) for c in items) == sorted(CATEGORIES)
    assert [c["name"] for c in items] == sorted(c["name"] for c in items)
    assert len(CATEGORIES) >= 20 and len({c.slug for c in CATEGORIES}) == len(CATEGORIES)


COURSE_REFUSALS = {
    "unknown level": ({"level": "expert"}, "courses_level_known"),
    "unknown status": ({"status": "archived", "published_at": "2026-01-01T00:00:00Z"}, "courses_status_known"),
    "negative price": ({"price": Decimal("-0.01")}, "courses_price_range"),
    "price above 10000": ({"price": Decimal("10000.01")}, "courses_price_range"),
    "lower-case currency": ({"currency": "usd"}, "courses_currency_iso4217"),
    "digit in language": ({"language": "e1"}, "courses_language_iso639_1"),
    "upper-case language": ({"language": "EN"}, "courses_language_iso639_1"),
    "version 0": ({"version": 0}, "courses_version_positive"),
    "short title": ({"title": "ab"}, "courses_title_length"),
    "published without a publication time": ({"status": "published"}, "courses_published_at_set"),
}


@pytest.mark.parametrize(("values", "constraint"), COURSE_REFUSALS.values(), ids=COURSE_REFUSALS.keys())
def test_courses_refuse_bad_values(catalog_db, values, constraint):
    with pytest.raises(errors.CheckViolation) as refused:
        add_course(catalog_db, **values)
    assert refused.value.diag.constraint_name == constraint


def test_a_course_needs_a_known_category(catalog_db):
    with pytest.raises(errors.ForeignKeyViolation):
        add_course(catalog_db, category_id=32_000)


LESSON_REFUSALS = {
    "position 0": ({"position": 0}, errors.CheckViolation, "lessons_position_positive"),
    "negative duration": ({"duration_minutes": -1}, errors.CheckViolation, "lessons_duration_range"),
    "a day and a minute": ({"duration_minutes": 1441}, errors.CheckViolation, "lessons_duration_range"),
    "ftp video": ({"video_url": "ftp://example.com/v"}, errors.CheckViolation, "lessons_video_url_http"),
    "empty title": ({"title": ""}, errors.CheckViolation, "lessons_title_length"),
}


@pytest.mark.parametrize(("values", "error", "constraint"), LESSON_REFUSALS.values(), ids=LESSON_REFUSALS.keys())
def test_lessons_refuse_bad_values(catalog_db, values, error, constraint):
    course = add_course(catalog_db)
    module = add_module(catalog_db, course)
    with pytest.raises(error) as refused:
        add_lesson(catalog_db, course, module, **values)
    assert refused.value.diag.constraint_name == constraint


def test_a_lesson_belongs_to_its_modules_course(catalog_db):
    course, other_course = add_course(catalog_db), add_course(catalog_db)
    module = add_module(catalog_db, course)
    with pytest.raises(errors.ForeignKeyViolation) as refused:
        add_lesson(catalog_db, other_course, module)
    assert refused.value.diag.constraint_name == "lessons_module_in_course_fkey"


def test_positions_may_collide_inside_a_transaction_but_not_at_commit(catalog_db):
    course = add_course(catalog_db)
    first, second = add_module(catalog_db, course, 1), add_module(catalog_db, course, 2)
    # A reorder passes through a duplicate; the deferred check only looks at the end result.
    catalog_db.execute("UPDATE modules SET position = 1 WHERE id = %s", (second,))
    catalog_db.execute("UPDATE modules SET position = 2 WHERE id = %s", (first,))
    catalog_db.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what COMMIT would check
    catalog_db.execute("SET CONSTRAINTS ALL DEFERRED")

    catalog_db.execute("UPDATE modules SET position = 2 WHERE id = %s", (second,))
    with pytest.raises(errors.UniqueViolation) as refused:
        catalog_db.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert refused.value.diag.constraint_name == "modules_course_position_unique"


def test_removing_a_course_or_module_takes_its_parts_along(catalog_db):
    course = add_course(catalog_db)
    kept, dropped = add_module(catalog_db, course, 1), add_module(catalog_db, course, 2)
    add_lesson(catalog_db, course, kept)
    add_lesson(catalog_db, course, dropped)
    catalog_db.execute("DELETE FROM modules WHERE id = %s", (dropped,))
    assert catalog_db.execute("SELECT count(*) FROM lessons WHERE course_id = %s", (course,)).fetchone() == (1,)
    catalog_db.execute("DELETE FROM courses WHERE id = %s", (course,))
    assert catalog_db.execute("SELECT count(*) FROM lessons WHERE course_id = %s", (course,)).fetchone() == (0,)
    assert catalog_db.execute("SELECT count(*) FROM modules WHERE course_id = %s", (course,)).fetchone() == (0,)
