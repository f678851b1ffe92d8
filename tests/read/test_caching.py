"""HTTP caching: a strong ETag (``"<projection>.<version>.<hash>"``) that stays while the answer does and
changes with it, 304 Not Modified on If-None-Match (one tag, a list, a weak ``W/`` tag, ``*``), public
Cache-Control on reads, and ``no-store`` on every error."""

import re

import pytest

from tests.errors import assert_error
from tests.read.helpers import command, ok, unknown_id
from tests.write.learning_helpers import enrolled_student, published_course

ETAG = re.compile(r'^"(cards|curricula|reviews|listings|categories)\.[0-9]+\.[0-9a-f]+"$')


@pytest.fixture(scope="module")
async def course(platform, api, api_ctx) -> tuple:
    teacher, course, _ = await published_course(api, api_ctx, category="programming", title="Cached Course")
    await platform.settle()
    return teacher, course


def paths(course_id: str) -> dict[str, str]:
    return {
        "cards": f"/courses/{course_id}",
        "curricula": f"/courses/{course_id}/curriculum",
        "reviews": f"/courses/{course_id}/reviews",
        "listings": "/catalog?category=programming",
        "categories": "/categories",
    }


async def test_every_read_carries_a_stable_etag_and_answers_304_when_it_is_held(course, reader):
    _, course = course
    for projection, path in paths(course["id"]).items():
        first, second = await reader.get(path), await reader.get(path)
        assert first.status_code == second.status_code == 200, first.text
        etag = first.headers["etag"]
        assert ETAG.match(etag) and etag.startswith(f'"{projection}.'), etag
        assert second.headers["etag"] == etag
        assert first.content == second.content
        assert first.headers["cache-control"].startswith("public, max-age="), first.headers
        assert int(first.headers["cache-control"].split("max-age=")[1].split(",")[0]) > 0

        other = '"cards.1.0000000000"'
        for condition in (etag, f"{other}, {etag}", f"{other},{etag}", f"W/{etag}", f"{other}, W/{etag}", "*"):
            not_modified = await reader.get(path, headers={"If-None-Match": condition})
            assert not_modified.status_code == 304, (path, condition)
            assert not_modified.content == b""
            assert not_modified.headers["etag"] == etag
            assert "cache-control" in not_modified.headers
        for condition in (other, etag[:-2] + '"', f"W/{other}"):
            modified = await reader.get(path, headers={"If-None-Match": condition})
            assert modified.status_code == 200, (path, condition)
            assert modified.content == first.content


async def test_a_change_to_the_course_changes_its_etags(platform, api, api_ctx, course, reader):
    teacher, course = course
    before = {name: (await reader.get(path)).headers["etag"] for name, path in paths(course["id"]).items()}

    await command(api, "PATCH", f"/courses/{course['id']}", teacher, json={"title": "Cached Course, Renamed"})
    await enrolled_student(api, api_ctx, course)  # ... and the catalog's counts change too
    await platform.settle()

    card_path = paths(course["id"])["cards"]
    stale = await reader.get(card_path, headers={"If-None-Match": before["cards"]})
    assert stale.status_code == 200
    assert stale.json()["title"] == "Cached Course, Renamed"
    assert stale.headers["etag"] != before["cards"]
    assert (await reader.get(paths(course["id"])["curricula"])).headers["etag"] != before["curricula"]
    assert (await reader.get(paths(course["id"])["listings"])).headers["etag"] != before["listings"]
    # Nothing about the reviews changed: the same tag.
    assert (await reader.get(paths(course["id"])["reviews"])).headers["etag"] == before["reviews"]


async def test_search_is_briefly_cacheable_and_errors_never_are(course, reader):
    found = await reader.get("/search", params={"q": "cached"})
    assert found.status_code == 200
    assert found.headers["cache-control"].startswith("public, max-age=")

    for response, status, code in (
        (await reader.get(f"/courses/{unknown_id()}"), 404, "not_found"),
        (await reader.get(f"/courses/{unknown_id()}/curriculum"), 404, "not_found"),
        (await reader.get("/courses/not-a-uuid"), 422, "validation_failed"),
        (await reader.get("/catalog", params={"cursor": "bad"}), 422, "validation_failed"),
        (await reader.get("/search", params={"q": "x" * 201}), 422, "validation_failed"),
        (await reader.get("/nothing-here"), 404, "not_found"),
    ):
        assert_error(response, status, code)
        assert response.headers["cache-control"] == "no-store", response.request.url
        assert "etag" not in response.headers


async def test_a_min_version_read_is_revalidated_every_time(course, reader):
    _, course = course
    card = ok(await reader.get(f"/courses/{course['id']}"))
    response = await reader.get(f"/courses/{course['id']}", params={"min_version": card["version"]})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    assert ETAG.match(response.headers["etag"])
    again = await reader.get(
        f"/courses/{course['id']}",
        params={"min_version": card["version"]},
        headers={"If-None-Match": response.headers["etag"]},
    )
    assert again.status_code == 304
