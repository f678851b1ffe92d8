"""Every command of contract §3 that changes what readers see shows up in the right projections -- cards,
curricula, listings, reviews, categories and search -- once its events are delivered and worked by a real
RQ worker; and a course that is not published shows up in none of them.

Tests share one platform (module scope), so each works in categories of its own and compares listing order
among its own courses only."""

import asyncio
from datetime import datetime
from decimal import Decimal

from projectors.layout import LEVELS, SORTS, listing_suffix, listing_suffixes
from tests.actors import admin, sign_up, verified_teacher
from tests.projectors.readmodel import (
    card,
    categories,
    curriculum,
    found,
    indexed,
    listing,
    listings_holding,
    published_counts,
    reviews,
)
from tests.write.catalog_helpers import FULL_SUMMARY, add_lesson, add_module, create_course, published_full_course
from tests.write.learning_helpers import enrolled_student, published_course

CARD_FIELDS = {
    "id", "title", "summary", "teacher", "category", "level", "price", "currency", "is_free", "language",
    "rating_avg", "review_count", "enrollment_count", "module_count", "lesson_count", "duration_minutes",
    "published_at", "updated_at", "version",
}  # fmt: skip


async def category_names(api) -> dict[str, str]:
    response = await api.get("/categories")
    assert response.status_code == 200, response.text
    return {c["slug"]: c["name"] for c in response.json()["items"]}


async def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json() if response.content else {}


async def post_review(api, student, course_id: str, rating: int, text: str) -> dict:
    return await ok(
        await api.post(f"/courses/{course_id}/reviews", json={"rating": rating, "text": text}, headers=student.headers),
        201,
    )


async def draft(api, teacher, course_id: str) -> dict:
    return await ok(await api.get(f"/courses/{course_id}", headers=teacher.headers))


MODULE_FIELDS = ("id", "title", "position")
LESSON_FIELDS = ("id", "title", "duration_minutes", "is_preview")


def contract_curriculum(course: dict) -> dict:
    """The fields contract §4 promises of a curriculum (a projection may carry more), modules and lessons
    in order. ``course`` is a stored curriculum, or the owner's working copy (the write side's truth)."""
    return {
        "course_id": course.get("course_id", course.get("id")),
        "version": course["version"],
        "modules": [
            {field: module[field] for field in MODULE_FIELDS}
            | {"lessons": [{field: lesson[field] for field in LESSON_FIELDS} for lesson in module["lessons"]]}
            for module in course["modules"]
        ],
    }


def assert_curriculum(rt, course_id: str, working_copy: dict) -> dict:
    stored = curriculum(rt, course_id)
    assert stored is not None
    assert contract_curriculum(stored) == contract_curriculum(working_copy)
    return stored


def all_listings(category: str, level: str) -> set[str]:
    return {suffix for sort in SORTS for suffix in listing_suffixes(category, level, sort)}


def same_moment(text: str, other: str) -> bool:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) == datetime.fromisoformat(other.replace("Z", "+00:00"))


async def test_a_draft_is_in_no_projection(platform, api, api_ctx):
    rt = platform.runtime
    teacher = await verified_teacher(api, api_ctx)
    course = await create_course(api, teacher, title="Draft Only Course", category="science", level="beginner")
    module = await add_module(api, teacher, course["id"])
    await add_lesson(api, teacher, module["id"])
    counts_before = categories(rt)

    await platform.settle()

    assert card(rt, course["id"]) is None
    assert curriculum(rt, course["id"]) is None
    assert reviews(rt, course["id"]) is None
    assert listings_holding(rt, course["id"]) == set()
    assert course["id"] not in indexed(rt)
    assert categories(rt) == counts_before


async def test_publishing_makes_a_card_with_every_field_of_the_contract(platform, api, api_ctx):
    rt = platform.runtime
    names = await category_names(api)
    teacher, course, published = await published_full_course(api, api_ctx)

    await platform.settle()

    found_card = card(rt, course["id"])
    assert found_card is not None
    for moment in ("published_at", "updated_at"):
        assert found_card[moment].endswith("Z"), found_card[moment]
        assert same_moment(found_card[moment], published[moment]), (found_card[moment], published[moment])
    expected = {
        "id": course["id"],
        "title": "Analytical Engines",
        "summary": FULL_SUMMARY,
        "teacher": {"id": str(teacher.id), "name": "Ada Lovelace"},
        "category": {"slug": "data-science", "name": names["data-science"]},
        "level": "advanced",
        "price": "12.50",
        "currency": published["currency"],
        "is_free": False,
        "language": "de",
        "rating_avg": 0.0,
        "review_count": 0,
        "enrollment_count": 0,
        "module_count": 2,
        "lesson_count": 3,
        "duration_minutes": 35,
        "version": published["version"],
    }
    # Contract §4: "at least" these fields (more may come).
    assert {field: found_card.get(field) for field in expected} == expected
    assert found_card.keys() >= CARD_FIELDS
    assert_curriculum(rt, course["id"], await draft(api, teacher, course["id"]))
    assert reviews(rt, course["id"]) == []
    assert listings_holding(rt, course["id"]) == all_listings("data-science", "advanced")
    assert course["id"] in found(rt, "compute", categories=("data-science",))
    assert course["id"] in found(rt, "Lovelace")


async def test_a_free_course_is_free(platform, api, api_ctx):
    _, course, _ = await published_course(api, api_ctx, price="0", category="languages")
    await platform.settle()
    found_card = card(platform.runtime, course["id"])
    assert (found_card["price"], found_card["is_free"]) == ("0.00", True)


async def test_editing_a_course_moves_it_between_listings_and_categories(platform, api, api_ctx):
    rt = platform.runtime
    teacher, course, _ = await published_course(api, api_ctx, price="30", category="music", level="beginner")
    await platform.settle()
    assert listings_holding(rt, course["id"]) == all_listings("music", "beginner")
    before = categories(rt)

    patched = await ok(
        await api.patch(
            f"/courses/{course['id']}",
            json={"title": "Renamed And Moved", "category": "finance", "level": "advanced", "price": "0"},
            headers=teacher.headers,
        )
    )
    await platform.settle()

    found_card = card(rt, course["id"])
    assert found_card["title"] == "Renamed And Moved"
    assert found_card["category"]["slug"] == "finance"
    assert (found_card["level"], found_card["price"], found_card["is_free"]) == ("advanced", "0.00", True)
    assert found_card["version"] == patched["version"]
    assert listings_holding(rt, course["id"]) == all_listings("finance", "advanced")
    assert course["id"] not in listing(rt, "newest", "music")
    assert course["id"] not in listing(rt, "newest", None, "beginner")
    assert course["id"] in listing(rt, "price_asc", "finance", "advanced")
    after = categories(rt)
    assert after["music"]["course_count"] == before["music"]["course_count"] - 1
    assert after["finance"]["course_count"] == before["finance"]["course_count"] + 1
    assert course["id"] in found(rt, "Renamed Moved", categories=("finance",))
    assert course["id"] not in found(rt, "", categories=("music",))


async def test_the_curriculum_follows_every_module_and_lesson_change(platform, api, api_ctx):
    rt = platform.runtime
    teacher = await verified_teacher(api, api_ctx)
    course = await create_course(api, teacher, category="design", level="beginner")
    first = await add_module(api, teacher, course["id"], title="First")
    one = await add_lesson(api, teacher, first["id"], title="One", duration_minutes=10)
    two = await add_lesson(api, teacher, first["id"], title="Two", duration_minutes=20)
    await ok(await api.post(f"/courses/{course['id']}/publish", headers=teacher.headers))
    await platform.settle()
    assert [m["title"] for m in curriculum(rt, course["id"])["modules"]] == ["First"]

    # A module added in front, renamed modules and lessons, a lesson moved up and one moved across,
    # a lesson deleted.
    zero = await add_module(api, teacher, course["id"], title="Zero", position=1)
    three = await add_lesson(api, teacher, zero["id"], title="Three", duration_minutes=5)
    doomed = await add_lesson(api, teacher, zero["id"], title="Doomed", duration_minutes=7)
    await ok(await api.patch(f"/modules/{first['id']}", json={"title": "First, renamed"}, headers=teacher.headers))
    await ok(
        await api.patch(f"/lessons/{two['id']}", json={"title": "Two, renamed", "position": 1}, headers=teacher.headers)
    )
    await ok(await api.patch(f"/lessons/{one['id']}", json={"module_id": zero["id"]}, headers=teacher.headers))
    await ok(await api.delete(f"/lessons/{doomed['id']}", headers=teacher.headers), 204)
    await platform.settle()

    working_copy = await draft(api, teacher, course["id"])
    found_curriculum = assert_curriculum(rt, course["id"], working_copy)
    assert [(m["title"], [lesson["title"] for lesson in m["lessons"]]) for m in found_curriculum["modules"]] == [
        ("Zero", ["Three", "One"]),
        ("First, renamed", ["Two, renamed"]),
    ]
    found_card = card(rt, course["id"])
    assert (found_card["module_count"], found_card["lesson_count"], found_card["duration_minutes"]) == (2, 3, 35)
    assert found_card["version"] == working_copy["version"]
    assert three["id"] in {lesson["id"] for lesson in found_curriculum["modules"][0]["lessons"]}

    # The modules swapped, then one deleted with its lessons.
    await ok(await api.patch(f"/modules/{first['id']}", json={"position": 1}, headers=teacher.headers))
    await platform.settle()
    assert [m["title"] for m in curriculum(rt, course["id"])["modules"]] == ["First, renamed", "Zero"]
    await ok(await api.delete(f"/modules/{zero['id']}", headers=teacher.headers), 204)
    await platform.settle()
    working_copy = await draft(api, teacher, course["id"])
    assert_curriculum(rt, course["id"], working_copy)
    found_card = card(rt, course["id"])
    assert (found_card["module_count"], found_card["lesson_count"], found_card["duration_minutes"]) == (1, 1, 20)
    assert found_card["version"] == working_copy["version"]


async def test_unpublishing_removes_the_course_from_every_projection_and_publishing_brings_it_back(
    platform, api, api_ctx
):
    rt = platform.runtime
    teacher, course, _ = await published_course(
        api, api_ctx, title="Vanishing Course", category="cybersecurity", level="intermediate"
    )
    student, _ = await enrolled_student(api, api_ctx, course)
    await post_review(api, student, course["id"], 4, "Solid")
    await platform.settle()
    present = card(rt, course["id"])
    assert present["review_count"] == 1 and reviews(rt, course["id"])
    assert course["id"] in indexed(rt)
    count = categories(rt)["cybersecurity"]["course_count"]

    await ok(await api.post(f"/courses/{course['id']}/unpublish", headers=teacher.headers))
    await platform.settle()

    assert card(rt, course["id"]) is None
    assert curriculum(rt, course["id"]) is None
    assert reviews(rt, course["id"]) is None
    assert listings_holding(rt, course["id"]) == set()
    assert course["id"] not in indexed(rt)
    assert course["id"] not in found(rt, "Vanishing")
    assert categories(rt)["cybersecurity"]["course_count"] == count - 1

    republished = await ok(await api.post(f"/courses/{course['id']}/publish", headers=teacher.headers))
    await platform.settle()
    back = card(rt, course["id"])
    assert back["version"] == republished["version"] > present["version"]
    assert back["published_at"] == present["published_at"]  # publishing again keeps the first date
    assert reviews(rt, course["id"])[0]["text"] == "Solid"
    assert listings_holding(rt, course["id"]) == all_listings("cybersecurity", "intermediate")
    assert course["id"] in found(rt, "Vanishing")
    assert categories(rt)["cybersecurity"]["course_count"] == count


async def test_enrollments_are_counted_and_order_the_popular_listing(platform, api, api_ctx):
    rt = platform.runtime
    courses = []
    for _ in range(3):  # published in this order: the last is the newest
        _, course, _ = await published_course(api, api_ctx, price="9.99", category="photography", level="advanced")
        courses.append(course)
    first, second, third = (c["id"] for c in courses)
    for course, students in zip(courses, (2, 1, 0), strict=True):
        for _ in range(students):
            await enrolled_student(api, api_ctx, course)
    await platform.settle()

    assert [card(rt, c)["enrollment_count"] for c in (first, second, third)] == [2, 1, 0]
    mine = {first, second, third}
    for category, level in ((None, None), ("photography", None), (None, "advanced"), ("photography", "advanced")):
        assert [i for i in listing(rt, "popular", category, level) if i in mine] == [first, second, third]

    for _ in range(2):
        await enrolled_student(api, api_ctx, courses[2])
    await platform.settle()
    assert card(rt, third)["enrollment_count"] == 2
    # Equally popular: the newer first.
    assert [i for i in listing(rt, "popular", "photography") if i in mine] == [third, first, second]


async def test_reviews_make_the_rating_and_the_newest_first_list(platform, api, api_ctx):
    rt = platform.runtime
    _, course, _ = await published_course(api, api_ctx, category="marketing")
    alice = await sign_up(api, "student", name="Alice Reviewer")
    bob = await sign_up(api, "student", name="Bob Reviewer")
    for student in (alice, bob):
        await enrolled_student(api, api_ctx, course, student)
    alices = await post_review(api, alice, course["id"], 4, "Good course")
    bobs = await post_review(api, bob, course["id"], 5, "Great course")
    await platform.settle()

    found_card = card(rt, course["id"])
    assert (found_card["rating_avg"], found_card["review_count"]) == (4.5, 2)
    found_reviews = reviews(rt, course["id"])
    assert [(r["author_name"], r["rating"], r["text"]) for r in found_reviews] == [
        ("Bob Reviewer", 5, "Great course"),
        ("Alice Reviewer", 4, "Good course"),
    ]
    assert same_moment(found_reviews[0]["created_at"], bobs["created_at"])
    assert same_moment(found_reviews[1]["created_at"], alices["created_at"])
    assert course["id"] in found(rt, "", min_rating=4.5)

    await ok(
        await api.patch(
            f"/reviews/{alices['id']}", json={"rating": 1, "text": "Changed my mind"}, headers=alice.headers
        )
    )
    await platform.settle()
    found_card = card(rt, course["id"])
    assert (found_card["rating_avg"], found_card["review_count"]) == (3.0, 2)
    assert [(r["author_name"], r["rating"], r["text"]) for r in reviews(rt, course["id"])] == [
        ("Bob Reviewer", 5, "Great course"),
        ("Alice Reviewer", 1, "Changed my mind"),  # an edit keeps its place
    ]
    assert course["id"] not in found(rt, "", min_rating=3.5)


async def test_a_teacher_rename_reaches_every_card_of_theirs(platform, api, api_ctx):
    rt = platform.runtime
    teacher, one, _ = await published_course(api, api_ctx, category="business")
    _, two, _ = await published_course(api, api_ctx, teacher=teacher, category="mathematics")
    unpublished = await create_course(api, teacher)
    await platform.settle()

    await ok(await api.patch("/auth/me", json={"name": "Grace Hopper"}, headers=teacher.headers))
    await platform.settle()

    for course in (one, two):
        assert card(rt, course["id"])["teacher"] == {"id": str(teacher.id), "name": "Grace Hopper"}
    assert set(found(rt, "Hopper")) == {one["id"], two["id"]}
    assert card(rt, unpublished["id"]) is None


async def test_a_student_rename_reaches_their_reviews(platform, api, api_ctx):
    rt = platform.runtime
    student = await sign_up(api, "student", name="Old Name")
    courses = [(await published_course(api, api_ctx, category="science"))[1] for _ in range(2)]
    for course in courses:
        await enrolled_student(api, api_ctx, course, student)
        await post_review(api, student, course["id"], 3, "Fine")
    await platform.settle()
    assert [reviews(rt, c["id"])[0]["author_name"] for c in courses] == ["Old Name", "Old Name"]

    await ok(await api.patch("/auth/me", json={"name": "New Name"}, headers=student.headers))
    await platform.settle()

    assert [reviews(rt, c["id"])[0]["author_name"] for c in courses] == ["New Name", "New Name"]


async def test_a_category_rename_reaches_every_card_in_it_and_the_categories(platform, api, api_ctx):
    rt = platform.runtime
    courses = [(await published_course(api, api_ctx, category="writing"))[1] for _ in range(3)]
    boss = await admin(api, api_ctx)
    await platform.settle()

    await ok(await api.patch("/admin/categories/writing", json={"name": "Creative Writing"}, headers=boss.headers))
    await platform.settle()

    for course in courses:
        assert card(rt, course["id"])["category"] == {"slug": "writing", "name": "Creative Writing"}
    assert categories(rt)["writing"]["name"] == "Creative Writing"
    assert {c["id"] for c in courses} <= set(found(rt, "Creative", categories=("writing",)))


async def test_categories_count_published_courses_only(platform, api, api_ctx):
    rt = platform.runtime
    await platform.settle()
    before = categories(rt)["mathematics"]["course_count"]
    teacher, course, _ = await published_course(api, api_ctx, category="mathematics")
    await create_course(api, teacher, category="mathematics")  # a draft counts for nothing
    await platform.settle()
    assert categories(rt)["mathematics"]["course_count"] == before + 1

    await ok(await api.post(f"/courses/{course['id']}/unpublish", headers=teacher.headers))
    await platform.settle()
    assert categories(rt)["mathematics"]["course_count"] == before

    served = categories(rt)
    assert {slug: c["course_count"] for slug, c in served.items()} == published_counts(platform.settings)
    names = await category_names(api)
    assert {slug: c["name"] for slug, c in served.items()} == names


def expected_order(cards: list[dict], sort: str) -> list[str]:
    """The listing order of contract §4's sorts, worked out from the cards: price and dates ties go to
    the newest, rating ties to more reviews, remaining ties to the id."""

    def published_ms(c: dict) -> int:
        return int(datetime.fromisoformat(c["published_at"].replace("Z", "+00:00")).timestamp() * 1000)

    def cents(c: dict) -> int:
        return int(Decimal(c["price"]) * 100)

    keys = {
        "newest": lambda c: (-published_ms(c), c["id"]),
        "rating": lambda c: (-round(c["rating_avg"] * 100), -c["review_count"], c["id"]),
        "popular": lambda c: (-c["enrollment_count"], -published_ms(c), c["id"]),
        "price_asc": lambda c: (cents(c), -published_ms(c), c["id"]),
        "price_desc": lambda c: (-cents(c), -published_ms(c), c["id"]),
    }
    return [c["id"] for c in sorted(cards, key=keys[sort])]


async def test_listings_order_courses_by_price_rating_popularity_and_date(platform, api, api_ctx):
    rt = platform.runtime
    plan = [  # (price, ratings, level), published in this order
        ("20", [5], "beginner"),
        ("5", [3, 4], "beginner"),
        ("0", [], "intermediate"),
        ("5", [4, 3], "beginner"),
        ("7.50", [4], "advanced"),
        ("0", [5, 5], "beginner"),
    ]
    courses = []
    for price, ratings, level in plan:
        _, course, _ = await published_course(api, api_ctx, price=price, category="health-fitness", level=level)
        courses.append(course)
        for rating in ratings:
            student, _ = await enrolled_student(api, api_ctx, course)
            await post_review(api, student, course["id"], rating, "Rated")
        await asyncio.sleep(0.002)  # distinct publication milliseconds
    await platform.settle()

    cards = [card(rt, c["id"]) for c in courses]
    a, b, c, d, e, f = (x["id"] for x in cards)
    mine = set(map(str, (a, b, c, d, e, f)))
    # Spelled out once, so that the expectation does not just mirror the projector's own encoding:
    assert [i for i in listing(rt, "price_asc", "health-fitness") if i in mine] == [f, c, d, b, e, a]
    assert [i for i in listing(rt, "price_desc", "health-fitness") if i in mine] == [a, e, d, b, f, c]
    assert [i for i in listing(rt, "newest", "health-fitness") if i in mine] == [f, e, d, c, b, a]
    assert [i for i in listing(rt, "rating", "health-fitness") if i in mine][:2] == [f, a]
    for sort in SORTS:
        for level in (None, *LEVELS):
            wanted = [x for x in cards if level is None or x["level"] == level]
            for category in (None, "health-fitness"):
                got = [i for i in listing(rt, sort, category, level) if i in mine]
                assert got == expected_order(wanted, sort), listing_suffix(category, level, sort)
