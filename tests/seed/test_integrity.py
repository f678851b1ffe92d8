"""A small seed obeys every rule the commands enforce, checked by queries across the six databases, and
leaves exactly the migrated schema behind (keys, constraints and indexes rebuilt, all valid)."""

from collections import Counter, defaultdict

import pytest

from seed.demo_logins import DEMO_LOGINS
from tests.seed.conftest import TINY, query
from tests.write.test_migrations import check_constraints_missing_or_extra, drift
from write.migrations import upgrade_all
from write.settings import DOMAINS


def test_volumes_are_the_scales(seeded):
    roles = dict(query(seeded, "identity", "SELECT role, count(*) FROM users GROUP BY role"))
    assert roles == {"admin": 1, "teacher": TINY.teachers, "student": TINY.students}
    assert query(seeded, "catalog", "SELECT count(*) FROM courses") == [(TINY.courses,)]
    assert query(seeded, "enrollment", "SELECT count(*) FROM enrollments") == [(TINY.enrollments,)]
    assert query(seeded, "review", "SELECT count(*) FROM reviews") == [(TINY.reviews,)]
    for sql in ("SELECT count(*) FROM modules", "SELECT count(*) FROM lessons"):
        assert query(seeded, "catalog", sql)[0][0] > 0


def test_demo_logins_exist_with_their_roles(seeded):
    rows = dict(query(seeded, "identity", "SELECT email, role FROM users WHERE email LIKE '%%@example.com'"))
    assert {login.email: login.role for login in DEMO_LOGINS}.items() <= rows.items()


def test_courses_belong_to_verified_teachers_who_were_verified_before_writing_them(seeded):
    teachers = {
        row[0]: row[1]
        for row in query(seeded, "identity", "SELECT id, verified_at FROM users WHERE role = 'teacher' AND is_verified")
    }
    for teacher_id, created_at in query(seeded, "catalog", "SELECT teacher_id, created_at FROM courses"):
        assert teacher_id in teachers
        assert teachers[teacher_id] <= created_at


def test_course_versions_count_every_change(seeded):
    rows = query(
        seeded,
        "catalog",
        "SELECT c.version, c.status, c.published_at IS NOT NULL,"
        " (SELECT count(*) FROM modules m WHERE m.course_id = c.id),"
        " (SELECT count(*) FROM lessons l WHERE l.course_id = c.id) FROM courses c",
    )
    for version, status, was_published, modules, lessons in rows:
        assert modules >= 1 and lessons >= 1
        assert version == 1 + modules + lessons + was_published + (status == "unpublished")


def test_positions_are_contiguous_and_lessons_sit_in_their_modules_course(seeded):
    modules = query(
        seeded, "catalog", "SELECT course_id, array_agg(position ORDER BY position) FROM modules GROUP BY 1"
    )
    lessons = query(
        seeded, "catalog", "SELECT module_id, array_agg(position ORDER BY position) FROM lessons GROUP BY 1"
    )
    for _, positions in modules + lessons:
        assert positions == list(range(1, len(positions) + 1))
    mismatched = "SELECT count(*) FROM lessons l JOIN modules m ON m.id = l.module_id WHERE m.course_id <> l.course_id"
    assert query(seeded, "catalog", mismatched) == [(0,)]


def _courses(settings) -> dict:
    rows = query(settings, "catalog", "SELECT id, status, price, currency, published_at FROM courses")
    return {row[0]: row[1:] for row in rows}


def _enrollments(settings) -> list[tuple]:
    return query(
        settings,
        "enrollment",
        "SELECT id, student_id, course_id, payment_id, status, enrolled_at, completed_at FROM enrollments",
    )


def test_enrollments_are_in_published_courses_after_publication(seeded):
    courses = _courses(seeded)
    students = {row[0] for row in query(seeded, "identity", "SELECT id FROM users WHERE role = 'student'")}
    for _, student, course, _, _, enrolled_at, _ in _enrollments(seeded):
        status, _, _, published_at = courses[course]
        assert status == "published"
        assert student in students
        assert published_at < enrolled_at


def test_paid_enrollments_have_a_completed_payment_of_the_price_and_free_ones_none(seeded):
    courses = _courses(seeded)
    payments = {
        row[0]: row[1:]
        for row in query(
            seeded, "payment", "SELECT id, student_id, course_id, amount, currency, status, completed_at FROM payments"
        )
    }
    used = []
    for _, student, course, payment_id, _, enrolled_at, _ in _enrollments(seeded):
        _, price, currency, _ = courses[course]
        if price == 0:
            assert payment_id is None
            continue
        used.append(payment_id)
        *paid, completed_at = payments[payment_id]
        assert paid == [student, course, price, currency, "completed"]
        assert completed_at < enrolled_at
        assert currency == seeded.currency
    assert sorted(used) == sorted(payments)  # every payment bought exactly one enrollment


def test_progress_is_on_the_enrolled_courses_lessons_and_completion_means_every_lesson(seeded):
    lessons_of = defaultdict(set)
    for lesson, course in query(seeded, "catalog", "SELECT id, course_id FROM lessons"):
        lessons_of[course].add(lesson)
    done = defaultdict(dict)
    for enrollment, lesson, at in query(
        seeded, "enrollment", "SELECT enrollment_id, lesson_id, completed_at FROM lesson_progress"
    ):
        done[enrollment][lesson] = at
    statuses = Counter()
    for enrollment, _, course, _, status, enrolled_at, completed_at in _enrollments(seeded):
        assert set(done[enrollment]) <= lessons_of[course]
        assert all(at > enrolled_at for at in done[enrollment].values())
        assert (status == "completed") == (set(done[enrollment]) == lessons_of[course])
        if status == "completed":
            assert completed_at == max(done[enrollment].values())
        statuses[status if status == "completed" else "partial" if done[enrollment] else "none"] += 1
    assert statuses["completed"] and statuses["partial"] and statuses["none"]


def test_reviews_come_from_enrolled_students_once_each(seeded):
    enrolled = {(row[1], row[2]): row[5] for row in _enrollments(seeded)}
    reviews = query(seeded, "review", "SELECT student_id, course_id, rating, text, created_at FROM reviews")
    for student, course, rating, text, created_at in reviews:
        assert enrolled[(student, course)] < created_at
        assert 1 <= rating <= 5 and text
    ratings = Counter(row[2] for row in reviews)
    assert ratings[4] + ratings[5] > ratings[1] + ratings[2]  # skewed positive


def test_notifications_go_to_existing_users_one_per_event_and_recipient(seeded):
    users = {row[0] for row in query(seeded, "identity", "SELECT id FROM users")}
    kinds = Counter()
    for user, kind in query(seeded, "notification", "SELECT user_id, kind FROM notifications"):
        assert user in users
        kinds[kind] += 1
    completed = sum(row[4] == "completed" for row in _enrollments(seeded))
    verified = query(seeded, "identity", "SELECT count(*) FROM users WHERE role = 'teacher' AND is_verified")[0][0]
    assert kinds == {
        "enrolled": TINY.enrollments,
        "new_student": TINY.enrollments,
        "review_posted": TINY.reviews,
        "course_completed": completed,
        "teacher_verified": verified,
    }


def test_no_outbox_events_were_written(seeded):
    for domain in DOMAINS:
        assert query(seeded, domain, "SELECT count(*) FROM outbox") == [(0,)]


# --- the schema ------------------------------------------------------------------------------------------

SCHEMA = """
SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid), convalidated FROM pg_constraint
WHERE connamespace = 'public'::regnamespace
UNION ALL
SELECT indrelid::regclass::text, indexrelid::regclass::text, 'i', pg_get_indexdef(indexrelid), indisvalid
FROM pg_index WHERE indrelid::regclass::text NOT LIKE 'pg_%%'
ORDER BY 1, 2, 3
"""


@pytest.fixture(scope="module")
def pristine(fresh_databases):
    settings = fresh_databases()
    upgrade_all(settings)
    return settings


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_schema_after_seeding_is_the_migrated_schema(seeded, pristine, domain):
    url = seeded.database_url(domain)
    assert drift(domain, url) == []
    assert check_constraints_missing_or_extra(domain, url) == set()
    after = query(seeded, domain, SCHEMA)
    assert after == query(pristine, domain, SCHEMA)
    assert all(valid for *_, valid in after)
