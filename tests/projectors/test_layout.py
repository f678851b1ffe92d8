"""The read model's key layout: listing members order as text exactly as the listing must, and cursors
round-trip and refuse what is not theirs."""

import uuid

import pytest

from projectors.layout import (
    ReadModelKeys,
    decode_cursor,
    encode_cursor,
    listing_member,
    listing_suffixes,
    member_course_id,
)


def member(sort, **facts):
    defaults = dict(
        course_id=str(uuid.uuid4()), published_at_ms=1_700_000_000_000, rating_avg=0.0, review_count=0,
        enrollment_count=0, price_cents=0,
    )  # fmt: skip
    return listing_member(sort, **(defaults | facts))


def order(sort, facts_list):
    members = [member(sort, **facts) for facts in facts_list]
    return [members.index(m) for m in sorted(members)]


def test_newest_first():
    assert order("newest", [{"published_at_ms": 1}, {"published_at_ms": 3}, {"published_at_ms": 2}]) == [1, 2, 0]


def test_best_rated_first_and_more_reviews_break_ties():
    facts = [
        {"rating_avg": 4.5, "review_count": 2},
        {"rating_avg": 4.9, "review_count": 1},
        {"rating_avg": 4.5, "review_count": 10},
        {"rating_avg": 0.0, "review_count": 0},
    ]
    assert order("rating", facts) == [1, 2, 0, 3]


def test_popular_first_then_newest():
    facts = [{"enrollment_count": 5}, {"enrollment_count": 50}, {"enrollment_count": 5, "published_at_ms": 2 * 10**12}]
    assert order("popular", facts) == [1, 2, 0]


def test_prices_both_ways():
    facts = [{"price_cents": 1999}, {"price_cents": 0}, {"price_cents": 100_000}]
    assert order("price_asc", facts) == [1, 0, 2]
    assert order("price_desc", facts) == [2, 0, 1]


def test_the_course_id_is_the_last_part_of_a_member():
    course_id = str(uuid.uuid4())
    assert member_course_id(member("rating", course_id=course_id)) == course_id
    assert member_course_id(member("rating", course_id=course_id).encode()) == course_id


def test_unknown_sort_is_refused():
    with pytest.raises(ValueError):
        member("cheapest")


def test_a_course_is_in_four_listings_per_sort():
    assert listing_suffixes("design", "beginner", "newest") == (
        "_|_|newest", "_|beginner|newest", "design|_|newest", "design|beginner|newest",
    )  # fmt: skip


def test_cursors_round_trip():
    m = member("price_asc", price_cents=4200)
    assert decode_cursor(encode_cursor(m)) == m
    assert decode_cursor(encode_cursor(m.encode())) == m


@pytest.mark.parametrize(
    "cursor", ["", "!!!", "bm90IGEgbWVtYmVy", encode_cursor("12:" + "x" * 36), encode_cursor(str(uuid.uuid4()))]
)
def test_foreign_cursors_are_refused(cursor):
    assert decode_cursor(cursor) is None


def test_every_key_carries_the_deployment_prefix():
    keys = ReadModelKeys("edu-x:")
    names = [
        keys.active,
        keys.building,
        keys.data("cards", 3),
        keys.stamps("cards", 3),
        keys.listing(3, None, "beginner", "rating"),
    ]
    assert all(name.startswith("edu-x:rm:") for name in names)
    assert keys.listing(3, None, "beginner", "rating") == "edu-x:rm:listings:3:_|beginner|rating"
