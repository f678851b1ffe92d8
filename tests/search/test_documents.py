"""``fingerprint``: what ``SearchEngine.fingerprints`` compares with the source of truth."""

import dataclasses
import hashlib
import uuid

import pytest

from search import CourseDocument, fingerprint
from tests.search.corpus import COURSES

DOC = COURSES[0]


def changed(value):
    """Another value of the same type."""
    if isinstance(value, uuid.UUID):
        return uuid.UUID(int=value.int ^ 1)
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, float):
        return value + 0.01
    if isinstance(value, int):
        return value + 1
    if isinstance(value, tuple):
        return (*value, "x")
    raise AssertionError(f"no changed value for {value!r}")


def test_a_fingerprint_is_short_hex_and_equal_for_equal_documents():
    value = fingerprint(DOC)
    assert len(value) == 16 and int(value, 16) >= 0
    assert fingerprint(dataclasses.replace(DOC)) == value
    assert len({fingerprint(c) for c in COURSES}) == len(COURSES)


@pytest.mark.parametrize("name", [f.name for f in dataclasses.fields(CourseDocument)])
def test_a_change_of_any_one_field_changes_the_fingerprint(name):
    other = dataclasses.replace(DOC, **{name: changed(getattr(DOC, name))})
    assert other != DOC and fingerprint(other) != fingerprint(DOC)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ({"lesson_titles": ("a", "b")}, {"lesson_titles": ("b", "a")}),  # order counts
        ({"lesson_titles": ("a", "b")}, {"lesson_titles": ("ab",)}),
        ({"lesson_titles": ("a\x00b",)}, {"lesson_titles": ("a", "b")}),  # the separator inside a text
        ({"lesson_titles": ()}, {"lesson_titles": ("",)}),
        ({"title": "ab", "summary": "c"}, {"title": "a", "summary": "bc"}),  # a text boundary moves
        ({"title": "a\x00", "summary": ""}, {"title": "a", "summary": "\x00"}),
        ({"language": "en", "lesson_titles": ()}, {"language": "", "lesson_titles": ("en",)}),
        ({"price": 0.1}, {"price": 0.1000000000000001}),  # floats in full (repr), not rounded
    ],
)
def test_near_collisions_differ(a, b):
    assert fingerprint(dataclasses.replace(DOC, **a)) != fingerprint(dataclasses.replace(DOC, **b))


def test_equal_numbers_are_one_fingerprint():
    assert fingerprint(dataclasses.replace(DOC, price=49)) == fingerprint(dataclasses.replace(DOC, price=49.0))
    assert fingerprint(dataclasses.replace(DOC, price=-0.0)) == fingerprint(dataclasses.replace(DOC, price=0.0))


def test_any_text_hashes():
    fingerprint(dataclasses.replace(DOC, title="\ud800 lone surrogate, \U0001f600, \x00"))


def test_the_canonical_form_is_pinned():
    """Stored fingerprints outlive the process that wrote them: a change of the form (or of the fields)
    makes every indexed document differ from its source, so it must come with a rebuild of the indexes."""
    doc = CourseDocument(
        id=uuid.UUID(int=1),
        title="Title",
        summary="Summary",
        description="Déscription",
        teacher_id=uuid.UUID(int=2),
        teacher_name="Teacher",
        category_slug="cooking",
        category_name="Cooking",
        level="beginner",
        price=12.5,
        language="en",
        rating_avg=4.25,
        review_count=3,
        enrollment_count=40,
        published_at=1_700_000_000,
        version=7,
        lesson_titles=("One", "Two"),
    )
    parts = [
        *("00000000-0000-0000-0000-000000000001", "Title", "Summary", "Déscription"),
        *("00000000-0000-0000-0000-000000000002", "Teacher", "cooking", "Cooking", "beginner", "12.5", "en"),
        *("4.25", "3", "40", "1700000000", "7", "2", "One", "Two"),  # lesson_titles: how many, then each
    ]
    form = "\x00".join(parts) + "\x00" + ",".join(str(len(p)) for p in parts)
    assert fingerprint(doc) == hashlib.blake2b(form.encode(), digest_size=8).hexdigest() == "e49ed1a6300c6997"
