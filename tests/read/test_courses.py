"""Contract §4's course endpoints after real commands: a card with the fields of its source, the curriculum
in order, reviews newest first page by page, categories with their counts; a draft is served nowhere, an
unpublished course vanishes from every endpoint; unknown ids are 404, malformed ones 422."""

from tests.actors import sign_up, verified_teacher
from tests.errors import assert_error
from tests.projectors.readmodel import card as stored_card
from tests.projectors.readmodel import published_counts
from tests.read.helpers import (
    CARD_FIELDS,
    command,
    ids,
    ok,
    post_review,
    published_ids,
    same_moment,
    unknown_id,
)
from tests.write.catalog_helpers import FULL_SUMMARY, add_lesson, add_module, create_course, published_full_course
from tests.write.learning_helpers import enrolled_student, published_course


async def test_a_card_holds_every_field_of_its_source(platform, api, api_ctx, reader):
    names = {c["slug"]: c["name"] for c in ok(await api.get("/categories"))["items"]}
    teacher, course, published = await published_full_course(api, api_ctx)
    for rating in (5, 4, 4):
        student, _ = await enrolled_student(api, api_ctx, published)
        await post_review(api, student, course["id"], rating, "Rated")
    source = await command(api, "GET", f"/courses/{course['id']}", teacher)
    await platform.settle()

    response = await reader.get(f"/courses/{course['id']}")
    served = ok(response)
    assert response.headers["content-type"].startswith("application/json")
    assert served.keys() >= CARD_FIELDS
    expected = {
        "id": course["id"],
        "title": "Analytical Engines",
        "summary": FULL_SUMMARY,  # plain text, no markdown
        "teacher": {"id": str(teacher.id), "name": "Ada Lovelace"},
        "category": {"slug": "data-science", "name": names["data-science"]},
        "level": "advanced",
        "price": "12.50",
        "currency": source["currency"],
        "is_free": False,
        "language": "de",
        "rating_avg": 4.33,
        "review_count": 3,
        "enrollment_count": 3,
        "module_count": 2,
        "lesson_count": 3,
        "duration_minutes": 35,
        "version": source["version"],
    }
    assert {field: served[field] for field in expected} == expected
    assert same_moment(served["published_at"], published["published_at"])
    assert same_moment(served["updated_at"], source["updated_at"])
    # Passed through as the projector wrote it.
    assert served == stored_card(platform.runtime, course["id"])


async def test_a_free_course_says_so(platform, api, api_ctx, reader):
    _, course, _ = await published_course(api, api_ctx, price="0", category="languages")
    await platform.settle()
    served = ok(await reader.get(f"/courses/{course['id']}"))
    assert (served["price"], served["is_free"]) == ("0.00", True)


async def test_the_curriculum_has_the_contract_shape_in_order(platform, api, api_ctx, reader):
    teacher = await verified_teacher(api, api_ctx)
    course = await create_course(api, teacher, category="design", level="beginner")
    later = await add_module(api, teacher, course["id"], title="Later")
    await add_lesson(api, teacher, later["id"], title="L1", duration_minutes=4)
    first = await add_module(api, teacher, course["id"], title="First", position=1)  # put in front
    b = await add_lesson(api, teacher, first["id"], title="B", duration_minutes=7, is_preview=True)
    await add_lesson(api, teacher, first["id"], title="A", duration_minutes=3, position=1)
    await command(api, "PATCH", f"/lessons/{b['id']}", teacher, json={"title": "B, renamed"})
    await command(api, "POST", f"/courses/{course['id']}/publish", teacher)
    draft = await command(api, "GET", f"/courses/{course['id']}", teacher)
    await platform.settle()

    served = ok(await reader.get(f"/courses/{course['id']}/curriculum"))
    assert {"course_id", "version", "modules"} <= served.keys()
    assert (served["course_id"], served["version"]) == (course["id"], draft["version"])
    outline = [
        (m["title"], m["position"], [(lesson["title"], lesson["duration_minutes"], lesson["is_preview"])
                                     for lesson in m["lessons"]])
        for m in served["modules"]
    ]  # fmt: skip
    assert outline == [("First", 1, [("A", 3, False), ("B, renamed", 7, True)]), ("Later", 2, [("L1", 4, False)])]
    for module, source in zip(served["modules"], draft["modules"], strict=True):
        assert {"id", "title", "position", "lessons"} <= module.keys()
        assert module["id"] == source["id"]
        for lesson, source_lesson in zip(module["lessons"], source["lessons"], strict=True):
            assert {"id", "title", "duration_minutes", "is_preview"} <= lesson.keys()
            assert lesson["id"] == source_lesson["id"]


async def test_reviews_come_newest_first_a_page_at_a_time(platform, api, api_ctx, reader):
    _, course, _ = await published_course(api, api_ctx, category="marketing")
    posted = []
    for number, rating in enumerate((5, 3, 4, 2, 5, 1, 4), start=1):
        student, _ = await enrolled_student(api, api_ctx, course, await sign_up(api, name=f"Reviewer {number}"))
        posted.append(await post_review(api, student, course["id"], rating, f"Review number {number}"))
    await platform.settle()

    everything = ok(await reader.get(f"/courses/{course['id']}/reviews"))
    assert everything["next_cursor"] is None
    newest_first = list(reversed(posted))
    assert [(r["rating"], r["text"], r["author_name"]) for r in everything["items"]] == [
        (p["rating"], p["text"], f"Reviewer {p['text'].split()[-1]}") for p in newest_first
    ]
    for item, source in zip(everything["items"], newest_first, strict=True):
        assert set(item) >= {"rating", "text", "author_name", "created_at"}
        assert same_moment(item["created_at"], source["created_at"])
    card = ok(await reader.get(f"/courses/{course['id']}"))
    assert (card["review_count"], card["rating_avg"]) == (7, 3.43)

    # Pages of 3 (3, 3, 1): together the whole list, no repeats, no gaps; a review posted between two pages
    # fetches neither repeats nor shifts the later pages (the cursor marks a place in time).
    pages, cursor = [], None
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = ok(await reader.get(f"/courses/{course['id']}/reviews", params=params))
        pages.append(page["items"])
        cursor = page["next_cursor"]
        if len(pages) == 1:
            late, _ = await enrolled_student(api, api_ctx, course)
            await post_review(api, late, course["id"], 5, "Posted while paging")
            await platform.settle()
        if cursor is None:
            break
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [item for page in pages for item in page] == everything["items"]
    first = ok(await reader.get(f"/courses/{course['id']}/reviews", params={"limit": 3}))
    assert first["items"][0]["text"] == "Posted while paging"

    bad = await reader.get(f"/courses/{course['id']}/reviews", params={"cursor": "not-a-cursor"})
    error = assert_error(bad, 422, "validation_failed")
    assert error["details"] == {"cursor": "not-a-cursor"}


async def test_a_draft_is_served_by_no_endpoint(platform, api, api_ctx, reader):
    teacher = await verified_teacher(api, api_ctx)
    draft = await create_course(api, teacher, title="Zanzibarian Draft", category="science")
    await add_lesson(api, teacher, (await add_module(api, teacher, draft["id"]))["id"])
    await platform.settle()

    for path in ("", "/curriculum", "/reviews"):
        assert_error(await reader.get(f"/courses/{draft['id']}{path}"), 404, "not_found")
    for params in ({}, {"category": "science"}, {"level": draft["level"]}):
        assert draft["id"] not in ids(ok(await reader.get("/catalog", params=params | {"limit": 100}))["items"])
    found = ok(await reader.get("/search", params={"q": "Zanzibarian"}))
    assert (found["total"], found["hits"]) == (0, [])
    assert _count(ok(await reader.get("/categories")), "science") == len(published_ids(platform.settings, "science"))


async def test_unpublishing_removes_the_course_from_every_endpoint(platform, api, api_ctx, reader):
    teacher, course, _ = await published_course(
        api, api_ctx, title="Quetzalcoatl Studies", category="cybersecurity", level="intermediate"
    )
    student, _ = await enrolled_student(api, api_ctx, course)
    await post_review(api, student, course["id"], 4, "Solid")
    await platform.settle()
    for path in ("", "/curriculum", "/reviews"):
        ok(await reader.get(f"/courses/{course['id']}{path}"))
    listed = ok(await reader.get("/catalog", params={"category": "cybersecurity"}))["items"]
    assert course["id"] in ids(listed)
    assert course["id"] in ids(ok(await reader.get("/search", params={"q": "Quetzalcoatl"}))["hits"])
    assert _count(ok(await reader.get("/categories")), "cybersecurity") == 1

    await command(api, "POST", f"/courses/{course['id']}/unpublish", teacher)
    await platform.settle()

    for path in ("", "/curriculum", "/reviews"):
        assert_error(await reader.get(f"/courses/{course['id']}{path}"), 404, "not_found")
    for params in ({}, {"category": "cybersecurity"}, {"level": "intermediate"}, {"sort": "rating"}):
        assert course["id"] not in ids(ok(await reader.get("/catalog", params=params | {"limit": 100}))["items"])
    found = ok(await reader.get("/search", params={"q": "Quetzalcoatl"}))
    assert (found["total"], found["hits"]) == (0, [])
    assert _count(ok(await reader.get("/categories")), "cybersecurity") == 0


async def test_categories_are_every_category_with_its_published_course_count(platform, api, reader):
    await platform.settle()
    served = ok(await reader.get("/categories"))
    assert set(served) == {"items"}
    names = {c["slug"]: c["name"] for c in ok(await api.get("/categories"))["items"]}
    assert {c["slug"]: c["name"] for c in served["items"]} == names
    assert {c["slug"]: c["course_count"] for c in served["items"]} == published_counts(platform.settings)
    assert any(c["course_count"] > 0 for c in served["items"])


async def test_an_unknown_course_is_404_and_a_malformed_id_422(reader):
    missing = unknown_id()
    for path in ("", "/curriculum", "/reviews"):
        assert_error(await reader.get(f"/courses/{missing}{path}"), 404, "not_found")
        error = assert_error(await reader.get(f"/courses/not-a-uuid{path}"), 422, "validation_failed")
        assert error["details"][0]["loc"] == ["path", "course_id"]
    assert_error(await reader.get(f"/courses/{missing}", params={"min_version": 0}), 422, "validation_failed")
    assert_error(await reader.get("/no-such-endpoint"), 404, "not_found")


def _count(categories: dict, slug: str) -> int:
    return next(c["course_count"] for c in categories["items"] if c["slug"] == slug)
