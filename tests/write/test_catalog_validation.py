"""Bad input on catalog's routes: a 422 in the contract's error shape, never a 5xx, and nothing changed."""

import json

from tests.actors import verified_teacher
from tests.write.catalog_helpers import (
    COURSE,
    LESSON,
    add_lesson,
    add_module,
    assert_error,
    create_course,
    scalar,
    snapshot,
)

DROP = object()  # "leave this field out"
HUGE = 10**30
LONG_URL = "https://videos.example.com/" + "a" * 2048


def body_with(base: dict, changes: dict) -> dict:
    return {k: v for k, v in (base | changes).items() if v is not DROP}


def raw_with(base: dict, fragment: str) -> bytes:
    """``base`` as JSON with ``fragment`` spliced in as raw JSON text (later keys win), for what json.dumps
    would never write: lone surrogate escapes, NaN, numbers beyond a double."""
    return (json.dumps(base)[:-1] + ", " + fragment + "}").encode()


TEXT_CASES = [
    {"title": 123},
    {"title": None},
    {"title": ""},
    {"title": "ab"},
    {"title": "    "},
    {"title": "x" * 201},
    {"title": "bell \x07 here"},
    {"title": "two\nlines"},
    {"title": "nul \x00 here"},
    {"title": ["a list"]},
    {"description": "x" * 20_001},
    {"description": "nul \x00 in markdown"},
    {"description": 5},
    {"category": "Programming"},
    {"category": ""},
    {"category": None},
    {"category": 1},
    {"level": "expert"},
    {"level": None},
    {"level": ["beginner"]},
    {"language": "eng"},
    {"language": "e"},
    {"language": "e1"},
    {"language": "en-US"},
    {"language": ""},
    {"language": 12},
]
PRICE_CASES = [
    {"price": "abc"},
    {"price": ""},
    {"price": -1},
    {"price": "-0.01"},
    {"price": 1e9},
    {"price": "1e9"},
    {"price": HUGE},
    {"price": "10000.01"},
    {"price": 10000.001},
    {"price": "1.234"},
    {"price": 0.001},
    {"price": "NaN"},
    {"price": "Infinity"},
    {"price": "-Infinity"},
    {"price": True},
    {"price": None},
    {"price": []},
    {"price": {"amount": 1}},
]
SHAPE_CASES = [
    {"bogus": 1},
    {"status": "published"},
    {"version": 7},
    {"currency": "EUR"},
    {"teacher_id": "00000000-0000-4000-8000-000000000000"},
]
RAW_FRAGMENTS = [
    '"title": "\\ud800 lone surrogate"',
    '"description": "broken \\udfff pair"',
    '"title": "nul \\u0000 escaped"',
    '"price": NaN',
    '"price": Infinity',
    '"price": 1e400',
    '"\\ud800": 1',
]
NOT_OBJECTS = [b'{"title": ', b"{", b"[]", b"null", b'"a string"', b"", b"not json", b'{"title": "a",}']


async def test_invalid_new_courses_are_refused_and_nothing_is_written(client, ctx):
    teacher = await verified_teacher(client, ctx)
    h = teacher.headers | {"content-type": "application/json"}
    missing = [{field: DROP} for field in ("title", "category", "level", "price", "language")]
    for changes in TEXT_CASES + PRICE_CASES + SHAPE_CASES + missing:
        response = await client.post("/courses", json=body_with(COURSE, changes), headers=h)
        assert_error(response, 422, "validation_failed")
    for content in [raw_with(COURSE, fragment) for fragment in RAW_FRAGMENTS] + NOT_OBJECTS:
        response = await client.post("/courses", content=content, headers=h)
        assert_error(response, 422, "validation_failed")

    response = await client.post("/courses", json=COURSE | {"category": "underwater-basket-weaving"}, headers=h)
    assert_error(response, 422, "unknown_category")
    assert await scalar(ctx, "SELECT count(*) FROM courses WHERE teacher_id = :t", t=str(teacher.id)) == 0
    assert await scalar(ctx, "SELECT count(*) FROM outbox WHERE payload->>'teacher_id' = :t", t=str(teacher.id)) == 0


async def test_boundaries_that_are_valid(client, ctx):
    teacher = await verified_teacher(client, ctx)
    for price, stored in [(0, "0.00"), ("0", "0.00"), ("-0", "0.00"), ("10000", "10000.00"), (10000, "10000.00")]:
        assert (await create_course(client, teacher, price=price))["price"] == stored
    assert (await create_course(client, teacher, price=0.5))["price"] == "0.50"
    assert (await create_course(client, teacher, price="1e2"))["price"] == "100.00"
    long = await create_course(client, teacher, title="t" * 200, description="line\n\ttabbed\r\n" * 1333)
    assert len(long["title"]) == 200
    assert (await create_course(client, teacher, title="  Spaces   collapse  "))["title"] == "Spaces collapse"
    module = await add_module(client, teacher, long["id"], "m" * 200)
    lesson = await add_lesson(
        client, teacher, module["id"], title="l" * 200, content="é" * 100_000, duration_minutes=1440
    )
    assert len(lesson["content"]) == 100_000
    zero = await add_lesson(client, teacher, module["id"], duration_minutes=0, video_url="HTTP://Example.com:8080/v")
    assert zero["video_url"] == "HTTP://Example.com:8080/v"


async def test_invalid_course_changes_are_refused_and_nothing_changes(client, ctx):
    teacher = await verified_teacher(client, ctx)
    h = teacher.headers | {"content-type": "application/json"}
    course = await create_course(client, teacher)
    url = f"/courses/{course['id']}"
    before = await snapshot(ctx, course["id"])
    for changes in TEXT_CASES + PRICE_CASES + SHAPE_CASES:
        assert_error(await client.patch(url, json=changes, headers=h), 422, "validation_failed")
    for content in [f"{{{fragment}}}".encode() for fragment in RAW_FRAGMENTS] + NOT_OBJECTS:
        assert_error(await client.patch(url, content=content, headers=h), 422, "validation_failed")
    assert_error(await client.patch(url, json={"category": "no-such-subject"}, headers=h), 422, "unknown_category")
    assert await snapshot(ctx, course["id"]) == before


async def test_invalid_modules_are_refused_and_nothing_changes(client, ctx):
    teacher = await verified_teacher(client, ctx)
    h = teacher.headers
    course = await create_course(client, teacher)
    module = await add_module(client, teacher, course["id"])
    before = await snapshot(ctx, course["id"])
    bad_titles = [{"title": t} for t in ("", "   ", None, 7, "x" * 201, "a\nb", "nul\x00", "del\x7f")]
    bad_positions = [{"position": p} for p in (0, -1, HUGE, -HUGE, "1", 1.5, 2.0, True, [1])]
    shape = [{"course_id": course["id"]}, {"id": module["id"]}]
    for changes in bad_titles + bad_positions + shape + [{"title": DROP}]:
        response = await client.post(
            f"/courses/{course['id']}/modules", json=body_with({"title": "M"}, changes), headers=h
        )
        assert_error(response, 422, "validation_failed")
    for changes in [*bad_titles, *bad_positions, *shape, {"position": None}]:
        response = await client.patch(f"/modules/{module['id']}", json=changes, headers=h)
        assert_error(response, 422, "validation_failed")
    assert await snapshot(ctx, course["id"]) == before


BAD_LESSON_FIELDS = [
    *({"title": t} for t in ("", None, "x" * 201, "tab\there", "nul\x00")),
    *({"content": c} for c in (None, 5, "x" * 100_001, "nul \x00 in content")),
    *({"duration_minutes": d} for d in (-1, 1441, HUGE, "10", 10.5, 10.0, True, None)),
    *({"is_preview": p} for p in ("yes", 1, 0, None, "true")),
    *({"position": p} for p in (0, -5, HUGE, "2", 1.5)),
    *(
        {"video_url": u}
        for u in (
            "javascript:alert(1)",
            "ftp://files.example.com/v.mp4",
            "http://",
            "//example.com/v",
            "example.com/v",
            "http://exa mple.com/v",
            "http://example.com/\x00",
            "http://example.com:99999/v",
            "http://[::1",
            LONG_URL,
            5,
        )
    ),
    {"course_id": "00000000-0000-4000-8000-000000000000"},
    {"html": "<b>not ours to set</b>"},
]


async def test_invalid_lessons_are_refused_and_nothing_changes(client, ctx):
    teacher = await verified_teacher(client, ctx)
    h = teacher.headers | {"content-type": "application/json"}
    course = await create_course(client, teacher)
    module = await add_module(client, teacher, course["id"])
    lesson = await add_lesson(client, teacher, module["id"])
    before = await snapshot(ctx, course["id"])
    missing = [{field: DROP} for field in ("title", "content", "duration_minutes")]
    for changes in [*BAD_LESSON_FIELDS, *missing]:
        response = await client.post(f"/modules/{module['id']}/lessons", json=body_with(LESSON, changes), headers=h)
        assert_error(response, 422, "validation_failed")
    raw = raw_with(LESSON, '"content": "\\ud83d alone"')
    assert_error(await client.post(f"/modules/{module['id']}/lessons", content=raw, headers=h), 422)

    not_nullable = [{f: None} for f in ("title", "content", "duration_minutes", "is_preview", "position", "module_id")]
    bad_moves = [{"module_id": "not-a-uuid"}, {"module_id": 5}, {"module_id": ""}]
    for changes in [*(c for c in BAD_LESSON_FIELDS if None not in c.values()), *not_nullable, *bad_moves]:
        response = await client.patch(f"/lessons/{lesson['id']}", json=changes, headers=h)
        assert_error(response, 422, "validation_failed")
    assert await snapshot(ctx, course["id"]) == before


async def test_list_paging_is_bounded(client, ctx):
    teacher = await verified_teacher(client, ctx)
    for query in ("limit=0", "limit=201", f"limit={HUGE}", "offset=-1", f"offset={HUGE}", "limit=abc"):
        assert_error(await client.get(f"/me/courses?{query}", headers=teacher.headers), 422, "validation_failed")
