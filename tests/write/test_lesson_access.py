"""GET /lessons/{id}: who may open which lesson, with exact status codes, and what they get.

The matrix: six callers x three course states (published, unpublished after students enrolled, a draft
never published) x preview or not. Owner and enrolled student always see it; anyone sees a preview of a
published course; otherwise 404 for a course that is not public, 401 anonymous, 403 ``not_enrolled``.
"""

import uuid
from dataclasses import dataclass

import pytest

from tests.actors import Actor, admin, sign_up, verified_teacher
from tests.errors import assert_error
from tests.write.catalog_helpers import add_lesson, add_module, create_course
from tests.write.html_helpers import elements, text_of, unsafe_parts
from tests.write.learning_helpers import enrolled_student
from write.catalog.lessons import RENDER_INLINE_MAX_CHARS

CONTENT = (
    "# Welcome\n\nRead **this** first.\n\n"
    "<script>alert('x')</script> [bad](javascript:alert(1)) [good](https://example.com)"
)
VIDEO = "https://videos.example.com/intro.mp4"
LESSON_KEYS = {"id", "title", "html", "video_url", "duration_minutes", "is_preview", "course_id", "module_id"}

CALLERS = ["owner", "enrolled", "other_student", "anonymous", "other_teacher", "admin"]
STATES = ["published", "unpublished", "draft"]

OK = (200, None)
NOT_FOUND = (404, "not_found")
UNAUTHENTICATED = (401, "unauthenticated")
NOT_ENROLLED = (403, "not_enrolled")
# Signed in, neither owner nor enrolled: other students, other teachers and admins alike.
_STRANGER = {
    ("published", True): OK,
    ("published", False): NOT_ENROLLED,
    ("unpublished", True): NOT_FOUND,
    ("unpublished", False): NOT_FOUND,
    ("draft", True): NOT_FOUND,
    ("draft", False): NOT_FOUND,
}
EXPECTED = {
    "owner": dict.fromkeys(_STRANGER, OK),
    # "enrolled" is enrolled in the published and the unpublished course; a draft cannot be enrolled in.
    "enrolled": dict.fromkeys(_STRANGER, OK) | {("draft", True): NOT_FOUND, ("draft", False): NOT_FOUND},
    "other_student": _STRANGER,
    "anonymous": _STRANGER | {("published", False): UNAUTHENTICATED},
    "other_teacher": _STRANGER,
    "admin": _STRANGER,
}


@dataclass
class Course:
    id: str
    module_id: str
    preview: str  # lesson ids
    regular: str


@dataclass
class World:
    callers: dict[str, Actor | None]
    courses: dict[str, Course]


async def _course(client, teacher: Actor, title: str) -> Course:
    course = await create_course(client, teacher, title=title, price="0")
    module = await add_module(client, teacher, course["id"])
    preview = await add_lesson(
        client,
        teacher,
        module["id"],
        title="Preview",
        content=CONTENT,
        is_preview=True,
        video_url=VIDEO,
        duration_minutes=7,
    )
    regular = await add_lesson(client, teacher, module["id"], title="Members only", content=CONTENT)
    return Course(course["id"], module["id"], preview["id"], regular["id"])


async def _publish(client, teacher: Actor, course_id: str, action: str = "publish") -> None:
    response = await client.post(f"/courses/{course_id}/{action}", headers=teacher.headers)
    assert response.status_code == 200, response.text


@pytest.fixture(scope="module")
async def world(app_client, ctx) -> World:
    client = app_client
    owner = await verified_teacher(client, ctx)
    courses = {state: await _course(client, owner, f"Lesson access {state}") for state in STATES}
    await _publish(client, owner, courses["published"].id)
    await _publish(client, owner, courses["unpublished"].id)
    student, _ = await enrolled_student(client, ctx, {"id": courses["published"].id, "price": "0"})
    await enrolled_student(client, ctx, {"id": courses["unpublished"].id, "price": "0"}, student=student)
    await _publish(client, owner, courses["unpublished"].id, "unpublish")  # enrolled students keep access
    callers = {
        "owner": owner,
        "enrolled": student,
        "other_student": await sign_up(client, "student"),
        "anonymous": None,
        "other_teacher": await verified_teacher(client, ctx),
        "admin": await admin(client, ctx),
    }
    return World(callers, courses)


def _headers(actor: Actor | None) -> dict[str, str]:
    return actor.headers if actor else {}


@pytest.mark.parametrize("preview", [True, False], ids=["preview", "regular"])
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("caller", CALLERS)
async def test_access_matrix(client, world, caller, state, preview):
    course = world.courses[state]
    lesson_id = course.preview if preview else course.regular
    response = await client.get(f"/lessons/{lesson_id}", headers=_headers(world.callers[caller]))
    status, code = EXPECTED[caller][(state, preview)]
    if status != 200:
        assert_error(response, status, code)
        return
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == LESSON_KEYS
    assert body["id"] == lesson_id and body["course_id"] == course.id and body["module_id"] == course.module_id
    assert body["is_preview"] is preview
    assert (body["title"], body["video_url"], body["duration_minutes"]) == (
        ("Preview", VIDEO, 7) if preview else ("Members only", None, 10)
    )


def test_the_matrix_covers_every_case():
    assert {caller: len(cases) for caller, cases in EXPECTED.items()} == dict.fromkeys(CALLERS, 6)


async def test_the_lesson_comes_as_sanitised_html(client, world):
    response = await client.get(f"/lessons/{world.courses['published'].preview}")
    assert response.status_code == 200, response.text
    html = response.json()["html"]
    assert unsafe_parts(html) == []
    tags = [element.tag for element in elements(html)]
    assert tags[:2] == ["h1", "p"] and "strong" in tags
    links = [element.attrs for element in elements(html) if element.tag == "a"]
    assert [link.get("href") for link in links] == ["https://example.com"]  # the javascript: link lost its href
    assert "<script>alert('x')</script>" in text_of(html)  # shown as text, never run


async def test_an_anonymous_refusal_asks_for_a_bearer_token(client, world):
    response = await client.get(f"/lessons/{world.courses['published'].regular}")
    assert_error(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "authorization",
    ["Bearer not-a-token", "Bearer ", "Basic dXNlcjpwYXNz", "", "Bearer a.b.c"],
    ids=["garbage", "empty-token", "basic", "empty-header", "bad-jwt"],
)
async def test_credentials_that_do_not_hold_are_refused_even_for_a_preview(client, world, authorization):
    # Not silently treated as anonymous: the client must learn its token is bad.
    response = await client.get(
        f"/lessons/{world.courses['published'].preview}", headers={"Authorization": authorization}
    )
    assert_error(response, 401, "invalid_token")


async def test_unknown_lessons_are_404_for_everyone(client, world):
    for caller in ("owner", "enrolled", "anonymous"):
        response = await client.get(f"/lessons/{uuid.uuid4()}", headers=_headers(world.callers[caller]))
        assert_error(response, 404, "not_found")


async def test_a_malformed_lesson_id_is_invalid_input(client):
    assert_error(await client.get("/lessons/not-a-uuid"), 422, "validation_failed")


async def test_edits_show_at_once(client, ctx):
    teacher = await verified_teacher(client, ctx)
    course = await _course(client, teacher, "Edited lessons")
    await _publish(client, teacher, course.id)
    url = f"/lessons/{course.preview}"
    assert (await client.get(url)).status_code == 200

    response = await client.patch(url, json={"content": "## Changed"}, headers=teacher.headers)
    assert response.status_code == 200, response.text
    assert [element.tag for element in elements((await client.get(url)).json()["html"])] == ["h2"]

    response = await client.patch(url, json={"is_preview": False}, headers=teacher.headers)
    assert response.status_code == 200, response.text
    assert_error(await client.get(url), 401, "unauthenticated")

    assert (await client.delete(url, headers=teacher.headers)).status_code == 204
    assert_error(await client.get(url, headers=teacher.headers), 404, "not_found")


async def test_a_large_lesson_renders_in_full(client, ctx):
    # Past the inline limit the rendering runs in a worker thread; the answer must be the same.
    teacher = await verified_teacher(client, ctx)
    course = await create_course(client, teacher, title="Long read", price="0")
    module = await add_module(client, teacher, course["id"])
    paragraphs = [f"Paragraph {number} with a [link](https://example.com/{number})." for number in range(1500)]
    content = "\n\n".join(paragraphs)
    assert len(content) > RENDER_INLINE_MAX_CHARS
    lesson = await add_lesson(client, teacher, module["id"], content=content)
    response = await client.get(f"/lessons/{lesson['id']}", headers=teacher.headers)
    assert response.status_code == 200, response.text
    html = response.json()["html"]
    assert [element.tag for element in elements(html)].count("a") == 1500
    assert unsafe_parts(html) == []
