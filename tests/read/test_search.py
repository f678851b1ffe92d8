"""GET /search on the embedded engine the projectors wrote: typo and prefix matches, HTML-escaped highlights,
facet counts, repeated filters (OR within one, AND across), min_rating, the sorts, pages; limits are 422."""

import asyncio
import html
import time

import pytest

from tests.errors import assert_error
from tests.read.helpers import ids, ok, post_review
from tests.write.catalog_helpers import create_course
from tests.write.learning_helpers import enrolled_student, published_course

# (title, category, level, price, ratings, extra enrollments), published in this order.
PLAN = {
    "basics": ("Kubernetes Orchestration Basics", "cloud-devops", "beginner", "0", [], 0),
    "networking": ("Kubernetes Networking Deep Dive", "cloud-devops", "advanced", "30", [5], 1),
    "pipelines": ("Kubernetes for Data Pipelines", "data-science", "intermediate", "15", [3], 0),
    "bold": ("Learn <b>Bold</b> Typography & Layout", "design", "beginner", "0", [], 0),
    "watercolour": ("Watercolour Painting", "design", "intermediate", "10", [4], 0),
}
KUBERNETES = ("basics", "networking", "pipelines")


@pytest.fixture(scope="module")
async def courses(platform, api, api_ctx) -> dict[str, str]:
    """name -> course id of PLAN's published courses (and a draft that matches the words too), projected."""
    made = {}
    for name, (title, category, level, price, ratings, enrollments) in PLAN.items():
        if name in KUBERNETES[1:]:
            # The engine orders "newest" by the second (search documents carry epoch seconds): the three
            # courses that test it are published in different seconds.
            await asyncio.sleep(1 - time.time() % 1 + 0.01)
        teacher, course, _ = await published_course(
            api, api_ctx, title=title, category=category, level=level, price=price, description=f"All about {name}."
        )
        made[name] = course["id"]
        for rating in ratings:
            student, _ = await enrolled_student(api, api_ctx, course)
            await post_review(api, student, course["id"], rating, "Rated")
        for _ in range(enrollments):
            await enrolled_student(api, api_ctx, course)
    await create_course(api, teacher, title="Kubernetes Draft Course", category="cloud-devops")
    await platform.settle()
    return made


async def search(reader, **params) -> dict:
    answer = ok(await reader.get("/search", params=params))
    assert {"hits", "total", "total_exact", "page", "per_page", "facets", "took_ms", "max_reachable_hits"} <= set(
        answer
    )
    return answer


def names(answer: dict, courses: dict[str, str]) -> list[str]:
    by_id = {course_id: name for name, course_id in courses.items()}
    return [by_id[hit["id"]] for hit in answer["hits"]]


async def test_a_typo_and_a_prefix_find_the_course_and_are_highlighted(courses, reader):
    typo = await search(reader, q="kubernetis")
    assert sorted(names(typo, courses)) == sorted(KUBERNETES)  # not the draft
    assert typo["total"] == 3
    hit = next(h for h in typo["hits"] if h["id"] == courses["basics"])
    assert hit["highlight"]["title"] == "<mark>Kubernetes</mark> Orchestration Basics"
    assert set(hit["highlight"]) >= {"title", "summary"}

    prefix = await search(reader, q="orchestr")
    assert names(prefix, courses) == ["basics"]
    assert prefix["hits"][0]["highlight"]["title"] == "Kubernetes <mark>Orchestr</mark>ation Basics"

    summary = await search(reader, q="networking")
    assert names(summary, courses) == ["networking"]
    assert summary["hits"][0]["highlight"]["summary"] == "All about <mark>networking</mark>."


async def test_a_hit_is_the_card_with_an_html_escaped_highlight(courses, reader):
    answer = await search(reader, q="typography")
    assert names(answer, courses) == ["bold"]
    hit = answer["hits"][0]
    assert hit["highlight"]["title"] == "Learn &lt;b&gt;Bold&lt;/b&gt; <mark>Typography</mark> &amp; Layout"
    assert "<b>" not in hit["highlight"]["title"]
    assert html.unescape(hit["highlight"]["title"].replace("<mark>", "").replace("</mark>", "")) == hit["title"]
    card = ok(await reader.get(f"/courses/{hit['id']}"))
    assert hit["title"] == card["title"] == PLAN["bold"][0]  # the card itself is data: not escaped
    assert {key: value for key, value in hit.items() if key != "highlight"} == card


async def test_facets_count_the_matches_by_category_level_and_price(courses, reader):
    answer = await search(reader, q="kubernetes")
    assert answer["facets"] == {
        "category": {"cloud-devops": 2, "data-science": 1},
        "level": {"beginner": 1, "advanced": 1, "intermediate": 1},
        "price": {"free": 1, "paid": 2},
    }
    everything = await search(reader)
    assert everything["total"] == len(PLAN)
    assert everything["facets"]["category"] == {"cloud-devops": 2, "data-science": 1, "design": 2}
    assert everything["facets"]["price"] == {"free": 2, "paid": 3}


async def test_filters_or_within_one_and_across_them(courses, reader):
    async def found(**params) -> set[str]:
        return set(names(await search(reader, **params), courses))

    assert await found(category=["cloud-devops", "data-science"]) == set(KUBERNETES)
    assert await found(category=["cloud-devops", "design"], level=["beginner"]) == {"basics", "bold"}
    assert await found(level=["beginner", "advanced"]) == {"basics", "networking", "bold"}
    assert await found(category="cloud-devops", price="paid") == {"networking"}
    assert await found(price=["free", "paid"], q="kubernetes") == set(KUBERNETES)
    assert await found(q="kubernetes", level="intermediate") == {"pipelines"}
    assert await found(category="no-such-category") == set()

    # A facet's counts ignore its own selection (the other choices stay visible) but apply the other filters.
    filtered = await search(reader, q="kubernetes", category="cloud-devops", price="paid")
    assert filtered["total"] == 1
    assert filtered["facets"]["category"] == {"cloud-devops": 1, "data-science": 1}
    assert filtered["facets"]["price"] == {"free": 1, "paid": 1}
    assert filtered["facets"]["level"] == {"advanced": 1}


async def test_min_rating_keeps_the_courses_rated_that_well(courses, reader):
    assert set(names(await search(reader, min_rating=4), courses)) == {"networking", "watercolour"}
    assert set(names(await search(reader, min_rating=3, q="kubernetes"), courses)) == {"networking", "pipelines"}
    assert names(await search(reader, min_rating=5), courses) == ["networking"]
    for bad in (-1, 5.5, "nan", "high"):
        assert_error(await reader.get("/search", params={"min_rating": bad}), 422, "validation_failed")


async def test_every_sort(courses, reader):
    async def order(sort: str, **params) -> list[str]:
        return names(await search(reader, q="kubernetes", sort=sort, **params), courses)

    assert await order("price_asc") == ["basics", "pipelines", "networking"]
    assert await order("price_desc") == ["networking", "pipelines", "basics"]
    assert await order("rating") == ["networking", "pipelines", "basics"]
    assert await order("newest") == ["pipelines", "networking", "basics"]
    assert await order("popular") == ["networking", "pipelines", "basics"]  # 2, 1, 0 enrollments
    assert set(await order("relevance")) == set(KUBERNETES)
    assert_error(await reader.get("/search", params={"sort": "cheapest"}), 422, "validation_failed")


async def test_pages_of_hits(courses, reader):
    whole = await search(reader, sort="price_desc", per_page=100)
    assert sorted(names(whole, courses)) == sorted(PLAN)
    pages = [await search(reader, sort="price_desc", per_page=2, page=page) for page in (1, 2, 3, 4)]
    assert [(p["page"], p["per_page"], p["total"]) for p in pages] == [(n, 2, 5) for n in (1, 2, 3, 4)]
    assert [len(p["hits"]) for p in pages] == [2, 2, 1, 0]
    assert [i for p in pages for i in ids(p["hits"])] == ids(whole["hits"])
    assert whole["total_exact"] is True
    assert isinstance(whole["took_ms"], int | float) and whole["took_ms"] >= 0


async def test_a_page_past_the_reachable_hits_and_an_overlong_query_are_422(courses, reader):
    limit = (await search(reader))["max_reachable_hits"]
    assert limit == 1000
    assert (await search(reader, page=50, per_page=20))["hits"] == []  # ranks 981..1000: reachable, empty
    for params in ({"page": 51, "per_page": 20}, {"page": 11, "per_page": 100}, {"page": 1001, "per_page": 1}):
        assert_error(await reader.get("/search", params=params), 422, "validation_failed")
    for params in ({"page": 0}, {"per_page": 0}, {"per_page": 101}):
        assert_error(await reader.get("/search", params=params), 422, "validation_failed")

    assert (await search(reader, q="k" * 200))["total"] == 0
    error = assert_error(await reader.get("/search", params={"q": "k" * 201}), 422, "validation_failed")
    assert error["details"][0]["loc"] == ["query", "q"]
    for category in ("Bad Slug", "UPPER", "a" * 65):
        assert_error(await reader.get("/search", params={"category": category}), 422, "validation_failed")
    assert_error(await reader.get("/search", params={"level": "expert"}), 422, "validation_failed")
    assert_error(await reader.get("/search", params={"price": "cheap"}), 422, "validation_failed")


async def test_search_follows_unpublishing_and_edits(platform, api, api_ctx, reader, courses):
    teacher, course, _ = await published_course(api, api_ctx, title="Xylophone Mastery", category="music")
    await platform.settle()
    assert ids((await search(reader, q="xylophon"))["hits"]) == [course["id"]]

    patch = {"title": "Marimba Mastery"}
    response = await api.patch(f"/courses/{course['id']}", json=patch, headers=teacher.headers)
    assert response.status_code == 200, response.text
    await platform.settle()
    assert (await search(reader, q="xylophone"))["total"] == 0
    renamed = await search(reader, q="marimba")
    assert ids(renamed["hits"]) == [course["id"]]
    assert renamed["hits"][0]["title"] == "Marimba Mastery"

    response = await api.post(f"/courses/{course['id']}/unpublish", headers=teacher.headers)
    assert response.status_code == 200, response.text
    await platform.settle()
    assert (await search(reader, q="marimba"))["total"] == 0
