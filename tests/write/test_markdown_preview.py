"""POST /markdown/preview: a teacher sees their markdown exactly as students will (the lessons' renderer,
sanitised), without saving anything; only verified teachers may ask, and bad input is a 422."""

import pytest

from tests.actors import admin, sign_up, verified_teacher
from tests.write.html_helpers import unsafe_parts
from tests.write.xss_vectors import HOSTILE
from write.rendering import markdown_to_safe_html


async def test_a_teacher_sees_what_students_will_see(client, ctx):
    teacher = await verified_teacher(client, ctx)
    markdown = "# Scales\n\nThe **major** scale: `W W H W W W H`.\n\n- one\n- two\n"
    answer = await client.post("/markdown/preview", json={"markdown": markdown}, headers=teacher.headers)
    assert answer.status_code == 200, answer.text
    html = answer.json()["html"]
    assert html == markdown_to_safe_html(markdown)  # the renderer a lesson is opened with
    assert "<strong>major</strong>" in html and "<li>two</li>" in html


@pytest.mark.parametrize("hostile", HOSTILE[:10])
async def test_a_preview_of_hostile_markdown_is_safe(client, ctx, hostile):
    teacher = await verified_teacher(client, ctx)
    answer = await client.post("/markdown/preview", json={"markdown": hostile}, headers=teacher.headers)
    assert answer.status_code == 200, answer.text
    assert unsafe_parts(answer.json()["html"]) == []


async def test_only_verified_teachers_may_preview(client, ctx):
    body = {"markdown": "**hi**"}
    assert (await client.post("/markdown/preview", json=body)).status_code == 401
    for actor in (await sign_up(client, "student"), await sign_up(client, "teacher"), await admin(client, ctx)):
        answer = await client.post("/markdown/preview", json=body, headers=actor.headers)
        assert answer.status_code == 403, (actor.role, answer.text)


@pytest.mark.parametrize("body", [{}, {"markdown": 42}, {"markdown": "x" * 100_001}, {"markdown": "x", "save": True}])
async def test_bad_input_is_a_422(client, ctx, body):
    teacher = await verified_teacher(client, ctx)
    answer = await client.post("/markdown/preview", json=body, headers=teacher.headers)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "validation_failed"
