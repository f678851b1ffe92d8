"""Reviews: only a student enrolled in a course may review it, once; only the author edits it.

Refusals change nothing (no row, no event). The text is stored exactly as written; ``text_html`` is the
same text escaped for a page, so no review can put markup (let alone script) into it.
"""

import asyncio
import json
import uuid
from datetime import datetime
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from tests.actors import admin, sign_up, verified_teacher
from tests.errors import assert_error
from tests.write.catalog_helpers import add_lesson, add_module, create_course
from tests.write.learning_helpers import enrolled_student, published_course
from write.review.models import Review, outbox

REVIEW = {"rating": 5, "text": "Clear, practical and kind.\nWould take again."}
POSTED_PAYLOAD = {"course_id", "student_id", "teacher_id", "course_title", "rating", "text"}


async def review_events(ctx, review_id) -> list:
    async with ctx.databases.transaction("review") as session:
        query = select(outbox).where(outbox.c.aggregate_id == uuid.UUID(str(review_id))).order_by(outbox.c.id)
        return list((await session.execute(query)).all())


async def counts(ctx, course_id) -> tuple[int, int]:
    """(reviews of the course, review events about the course): what a refusal must not move."""
    async with ctx.databases.transaction("review") as session:
        reviews = await session.scalar(select(func.count()).where(Review.course_id == uuid.UUID(str(course_id))))
        events = await session.scalar(select(func.count()).where(outbox.c.payload["course_id"].astext == course_id))
    return reviews, events


async def stored_text(ctx, review_id) -> str:
    async with ctx.databases.transaction("review") as session:
        return await session.scalar(select(Review.text).where(Review.id == uuid.UUID(str(review_id))))


def as_stored(review: dict) -> dict:
    """An answer with its timestamps parsed (the database may hand them back in another UTC offset)."""
    return review | {key: datetime.fromisoformat(review[key]) for key in ("created_at", "updated_at")}


async def post(client, actor, course_id, body=REVIEW):
    return await client.post(f"/courses/{course_id}/reviews", json=body, headers=actor.headers if actor else {})


@pytest.fixture
async def enrolled(client, ctx):
    """(teacher, course, student) with the student enrolled in the teacher's free published course."""
    teacher, course, _ = await published_course(client, ctx, lessons=1)
    student, _ = await enrolled_student(client, ctx, course)
    return teacher, course, student


async def test_an_enrolled_student_reviews_the_course(client, ctx, enrolled):
    teacher, course, student = enrolled

    response = await post(client, student, course["id"])

    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {
        "id",
        "course_id",
        "student_id",
        "rating",
        "text",
        "text_html",
        "version",
        "created_at",
        "updated_at",
    }
    assert body["course_id"] == course["id"] and body["student_id"] == str(student.id)
    assert (body["rating"], body["text"], body["version"]) == (5, REVIEW["text"], 1)
    assert body["text_html"] == "Clear, practical and kind.<br>\nWould take again."
    assert as_stored(body)["created_at"] == as_stored(body)["updated_at"]
    [event] = await review_events(ctx, body["id"])
    assert (event.event_type, event.aggregate_type, event.aggregate_version) == ("ReviewPosted", "review", 1)
    assert set(event.payload) == POSTED_PAYLOAD
    assert event.payload == {
        "course_id": course["id"],
        "student_id": str(student.id),
        "teacher_id": str(teacher.id),
        "course_title": course["title"],
        "rating": 5,
        "text": REVIEW["text"],
    }


async def test_a_paid_course_can_be_reviewed_after_buying_it(client, ctx):
    _, course, _ = await published_course(client, ctx, price="12.50", lessons=1)
    student, _ = await enrolled_student(client, ctx, course)

    response = await post(client, student, course["id"], {"rating": 1, "text": "Not for me."})

    assert response.status_code == 201, response.text


async def test_only_enrolled_students_may_review(client, ctx, enrolled):
    teacher, course, _ = enrolled
    stranger = await sign_up(client, "student")
    boss = await admin(client, ctx)
    other_teacher = await verified_teacher(client, ctx)
    before = await counts(ctx, course["id"])

    assert_error(await post(client, None, course["id"]), 401, "unauthenticated")
    bad_token = {"Authorization": "Bearer not-a-token"}
    assert_error(await client.post(f"/courses/{course['id']}/reviews", json=REVIEW, headers=bad_token), 401)
    assert_error(await post(client, stranger, course["id"]), 403, "not_enrolled")
    for not_a_student in (teacher, other_teacher, boss):
        assert_error(await post(client, not_a_student, course["id"]), 403, "forbidden")
    assert await counts(ctx, course["id"]) == before


async def test_unknown_and_draft_courses_are_not_found(client, ctx, enrolled):
    _, _, student = enrolled
    teacher = await verified_teacher(client, ctx)
    draft = await create_course(client, teacher)
    await add_lesson(client, teacher, (await add_module(client, teacher, draft["id"]))["id"])

    assert_error(await post(client, student, uuid.uuid4()), 404, "not_found")
    assert_error(await post(client, student, draft["id"]), 404, "not_found")  # a draft is not revealed
    assert_error(await client.post("/courses/not-a-uuid/reviews", json=REVIEW, headers=student.headers), 422)
    assert await counts(ctx, draft["id"]) == (0, 0)


async def test_an_unpublished_course_can_still_be_reviewed_by_its_students(client, ctx, enrolled):
    teacher, course, student = enrolled
    response = await client.post(f"/courses/{course['id']}/unpublish", headers=teacher.headers)
    assert response.status_code == 200, response.text

    assert (await post(client, student, course["id"])).status_code == 201
    assert_error(await post(client, await sign_up(client, "student"), course["id"]), 404, "not_found")


async def test_a_second_review_of_the_same_course_is_a_conflict(client, ctx, enrolled):
    _, course, student = enrolled
    first = await post(client, student, course["id"])
    assert first.status_code == 201, first.text

    assert_error(await post(client, student, course["id"], {"rating": 1, "text": "Changed my mind"}), 409)
    assert await counts(ctx, course["id"]) == (1, 1)
    assert (await stored_text(ctx, first.json()["id"])) == REVIEW["text"]


async def test_racing_reviews_by_one_student_make_exactly_one(client, ctx, enrolled):
    _, course, student = enrolled

    responses = await asyncio.gather(
        *(post(client, student, course["id"], {"rating": n % 5 + 1, "text": f"Take {n}"}) for n in range(8))
    )

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 7, [r.text for r in responses]
    for response in responses:
        if response.status_code == 409:
            assert_error(response, 409, "already_reviewed")
    assert await counts(ctx, course["id"]) == (1, 1)


async def test_other_students_review_the_same_course_independently(client, ctx, enrolled):
    _, course, student = enrolled
    classmate, _ = await enrolled_student(client, ctx, course)

    assert (await post(client, student, course["id"])).status_code == 201
    assert (await post(client, classmate, course["id"], {"rating": 3, "text": "Fine."})).status_code == 201
    assert await counts(ctx, course["id"]) == (2, 2)


BAD_BODIES = [
    {"rating": 0, "text": "x"},
    {"rating": 6, "text": "x"},
    {"rating": -1, "text": "x"},
    {"rating": "5", "text": "x"},
    {"rating": 4.0, "text": "x"},
    {"rating": 4.5, "text": "x"},
    {"rating": True, "text": "x"},
    {"rating": None, "text": "x"},
    {"rating": 10**30, "text": "x"},
    {"text": "no rating"},
    {"rating": 5},
    {"rating": 5, "text": ""},
    {"rating": 5, "text": "   \n\t "},
    {"rating": 5, "text": "x" * 5001},
    {"rating": 5, "text": "nul \x00 here"},
    {"rating": 5, "text": "bell \x07 here"},
    {"rating": 5, "text": None},
    {"rating": 5, "text": ["a", "list"]},
    {"rating": 5, "text": "fine", "stars": 5},
    [],
    "a string",
]


@pytest.mark.parametrize("body", BAD_BODIES, ids=[json.dumps(b)[:40] for b in BAD_BODIES])
async def test_bad_review_bodies_are_422(client, ctx, enrolled, body):
    _, course, student = enrolled

    assert_error(await post(client, student, course["id"], body), 422, "validation_failed")
    assert await counts(ctx, course["id"]) == (0, 0)


async def test_undecodable_bodies_are_422(client, ctx, enrolled):
    _, course, student = enrolled
    headers = student.headers | {"Content-Type": "application/json"}
    url = f"/courses/{course['id']}/reviews"

    for raw in (b'{"rating": 5, "text": "\\ud800"}', b"{not json", b'{"rating": NaN, "text": "x"}', b"\xff\xfe"):
        assert_error(await client.post(url, content=raw, headers=headers), 422)
    assert await counts(ctx, course["id"]) == (0, 0)


async def test_text_up_to_5000_characters_with_lines_and_unicode_is_kept(client, ctx, enrolled):
    _, course, student = enrolled
    text = ("Ünïcödé ✓ 日本語 — “quotes” & <angles>\r\n\tindented\n" * 200)[:4999] + "!"

    response = await post(client, student, course["id"], {"rating": 4, "text": text})

    assert response.status_code == 201, response.text
    assert response.json()["text"] == text
    assert await stored_text(ctx, response.json()["id"]) == text


class _Markup(HTMLParser):
    """Collects what a browser would make of an HTML fragment: its elements and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        self.tags.append((f"/{tag}", []))

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.tags.append(("!--", [data]))


def parsed(fragment: str) -> _Markup:
    parser = _Markup()
    parser.feed(fragment)
    parser.close()
    return parser


# OWASP XSS filter evasion cheat sheet and friends.
XSS = [
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
    "<SCRIPT SRC=//xss.rocks/.j>",
    "<iframe src=javascript:alert(1)>",
    "<body onload=alert(1)>",
    '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "</textarea><script>alert(1)</script>",
    "<!--<script>alert(1)//-->",
    "<div style=\"background:url('javascript:alert(1)')\">",
    "line one\n<script>\nalert(1)\n</script>\r\nline <b>four</b>",
]


@pytest.mark.parametrize("attack", XSS, ids=range(len(XSS)))
async def test_markup_in_a_review_is_stored_verbatim_and_shown_as_text(client, ctx, enrolled, attack):
    _, course, student = enrolled

    response = await post(client, student, course["id"], {"rating": 1, "text": attack})

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["text"] == attack
    assert await stored_text(ctx, body["id"]) == attack  # no escaping in the database
    html = body["text_html"]
    assert "<script" not in html.lower() and "<img" not in html.lower() and "<svg" not in html.lower()
    markup = parsed(html)
    # The only element is <br> (no attributes, so no onerror=, no href="javascript:"): every other
    # character is text, and that text is exactly what the student wrote.
    assert {tag for tag, _ in markup.tags} <= {"br"}, markup.tags
    assert all(attrs == [] for _, attrs in markup.tags)
    normalised = attack.replace("\r\n", "\n").replace("\r", "\n")
    assert "".join(markup.text) == normalised  # each <br> is followed by the newline it stands for


async def test_the_author_edits_their_review(client, ctx, enrolled):
    teacher, course, student = enrolled
    posted = (await post(client, student, course["id"])).json()

    response = await client.patch(f"/reviews/{posted['id']}", json={"rating": 3}, headers=student.headers)

    assert response.status_code == 200, response.text
    edited, before = as_stored(response.json()), as_stored(posted)
    assert (edited["rating"], edited["text"], edited["version"]) == (3, REVIEW["text"], 2)
    assert edited["created_at"] == before["created_at"] and edited["updated_at"] > before["updated_at"]
    response = await client.patch(
        f"/reviews/{posted['id']}", json={"text": "Line\n<b>bold?</b>", "rating": 3}, headers=student.headers
    )
    assert response.status_code == 200, response.text
    assert (response.json()["text_html"], response.json()["version"]) == ("Line<br>\n&lt;b&gt;bold?&lt;/b&gt;", 3)

    events = await review_events(ctx, posted["id"])
    assert [(e.event_type, e.aggregate_version) for e in events] == [
        ("ReviewPosted", 1),
        ("ReviewEdited", 2),
        ("ReviewEdited", 3),
    ]
    common = {"course_id": course["id"], "student_id": str(student.id), "teacher_id": str(teacher.id)}
    assert events[1].payload == common | {"changes": {"rating": 3}}
    assert events[2].payload == common | {"changes": {"text": "Line\n<b>bold?</b>"}}  # only what changed


async def test_a_patch_that_changes_nothing_records_nothing(client, ctx, enrolled):
    _, course, student = enrolled
    posted = (await post(client, student, course["id"])).json()

    for body in ({}, {"rating": 5}, {"text": REVIEW["text"]}, REVIEW):
        response = await client.patch(f"/reviews/{posted['id']}", json=body, headers=student.headers)
        assert response.status_code == 200, response.text
        assert as_stored(response.json()) == as_stored(posted)

    assert len(await review_events(ctx, posted["id"])) == 1


async def test_only_the_author_may_edit(client, ctx, enrolled):
    teacher, course, student = enrolled
    classmate, _ = await enrolled_student(client, ctx, course)
    posted = (await post(client, student, course["id"])).json()
    url = f"/reviews/{posted['id']}"

    assert_error(await client.patch(url, json={"rating": 1}), 401, "unauthenticated")
    for someone_else in (classmate, teacher, await admin(client, ctx)):
        response = await client.patch(url, json={"rating": 1}, headers=someone_else.headers)
        assert_error(response, 404, "not_found")
        assert posted["text"] not in response.text
    assert_error(await client.patch(f"/reviews/{uuid.uuid4()}", json={"rating": 1}, headers=student.headers), 404)
    assert_error(await client.patch("/reviews/42", json={"rating": 1}, headers=student.headers), 422)
    for body in ({"rating": None}, {"text": None}, {"rating": 9}, {"text": ""}, {"text": " "}, {"stars": 1}):
        assert_error(await client.patch(url, json=body, headers=student.headers), 422, "validation_failed")

    assert len(await review_events(ctx, posted["id"])) == 1
    assert await stored_text(ctx, posted["id"]) == REVIEW["text"]


async def test_racing_edits_each_get_their_own_version(client, ctx, enrolled):
    _, course, student = enrolled
    posted = (await post(client, student, course["id"])).json()

    responses = await asyncio.gather(
        *(
            client.patch(f"/reviews/{posted['id']}", json={"text": f"Edit {n}"}, headers=student.headers)
            for n in range(6)
        )
    )

    assert [r.status_code for r in responses] == [200] * 6
    assert sorted(r.json()["version"] for r in responses) == list(range(2, 8))
    versions = [e.aggregate_version for e in await review_events(ctx, posted["id"])]
    assert versions == list(range(1, 8))
