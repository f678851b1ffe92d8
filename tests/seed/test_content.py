"""Generated content is varied, realistic and would pass the command API's own input rules."""

from statistics import mean

from pydantic import TypeAdapter

from seed.generator import Environment, tables
from seed.locales import LOCALES
from seed.plan import make_plan
from seed.scales import tiny
from seed.snippets import SNIPPETS
from seed.vocabulary import SUBJECTS, TOPIC_CODE
from write.catalog.categories import CATEGORIES
from write.catalog.schemas import CourseTitle, Description, LessonContent, PartTitle
from write.identity.schemas import Email, PersonName

SAMPLE = tiny("content", courses=400)


def rows_of(name: str) -> list[tuple]:
    env = Environment("USD", {c.slug: n for n, c in enumerate(CATEGORIES, 1)}, {None: "x"})
    env.password_hashes.update(
        {email: "x" for email in ("admin@example.com", "teacher@example.com", "student@example.com")}
    )
    [table] = [t for t in tables(make_plan(SAMPLE, 11), env) if t.name == name]
    return list(table.rows())


def test_every_category_has_a_vocabulary_and_every_code_language_has_snippets():
    assert [s.slug for s in SUBJECTS] == [c.slug for c in CATEGORIES]
    languages = {s.code for s in SUBJECTS} | set(TOPIC_CODE.values())
    assert languages - {None} <= set(SNIPPETS)
    for locale in LOCALES.values():
        assert len(locale.modules) >= 8  # a course has up to 8 modules


def test_courses_are_varied_and_valid():
    courses = rows_of("courses")
    titles = [row[2] for row in courses]
    assert len(set(titles)) > 0.8 * len(titles)
    for _, _, title, description, *_ in courses:
        assert TypeAdapter(CourseTitle).validate_python(title) == title
        assert TypeAdapter(Description).validate_python(description) == description
    assert len({row[4] for row in courses}) >= 15  # categories
    assert {row[5] for row in courses} == {"beginner", "intermediate", "advanced"}
    assert len({row[8] for row in courses}) >= 4  # languages
    free = sum(row[6] == 0 for row in courses) / len(courses)
    assert 0.1 < free < 0.3


def test_lessons_are_markdown_of_a_realistic_size():
    lessons = rows_of("lessons")
    for row in lessons[:500]:
        assert TypeAdapter(PartTitle).validate_python(row[3]) == row[3]
        assert TypeAdapter(LessonContent).validate_python(row[4]) == row[4]
    sizes = [len(row[4].encode()) for row in lessons]
    assert 400 <= mean(sizes) <= 900
    bodies = "\n".join(row[4] for row in lessons)
    assert "```" in bodies and "\n- " in bodies and "](https://" in bodies and "## " in bodies


def test_names_come_from_many_cultures_and_emails_are_unique():
    users = rows_of("users")
    for row in users:
        assert TypeAdapter(PersonName).validate_python(row[2]) == row[2]
        assert TypeAdapter(Email).validate_python(row[1]) == row[1]
    assert any(ch in "".join(row[2] for row in users) for ch in "éöüłñç")
    emails = [row[1] for row in users]
    assert len(set(emails)) == len(emails) and all(e == e.lower() and e.isascii() for e in emails)
