"""Where the read model lives in Redis: every key the projectors write and the read API reads.

This module is the read model's schema, shared by its one writer (``projectors``) and its readers
(``read``); it imports nothing but the standard library, so the read side can use it without pulling in
anything of the write side.

Versions. Each projection is kept in numbered versions; ``active`` (a hash: projection -> version) names
the one readers use, and a rebuild fills a new version beside it and then switches that one field
(docs/adr/0008-projections.md). Per version:

- ``cards``      hash  course id -> card JSON
- ``curricula``  hash  course id -> curriculum JSON
- ``reviews``    hash  course id -> JSON list of the course's newest reviews (``RECENT_REVIEWS`` at most)
- ``categories`` one string: JSON list of ``{slug, name, course_count}``
- ``listings``   one sorted set per (category, level, sort), every score 0, ordered by member (``BYLEX``):
                 a member is the sort key encoded to order as text, then the course id (``listing_member``);
                 a page after a cursor is ``ZRANGE key (cursor + BYLEX LIMIT 0 n``: O(log n) at any depth.
                 ``members`` (a hash: course id -> JSON list of [key suffix, member]) lets a refresh remove a
                 course's old entries.

Stamps (a hash per projection version: course id -> stamp) hold the change counter a document was built
at; a write with an older stamp is refused, so a projection never goes backwards.
"""

import base64
import binascii
import uuid
from dataclasses import dataclass

CARDS = "cards"
CURRICULA = "curricula"
LISTINGS = "listings"
REVIEWS = "reviews"
CATEGORIES = "categories"
SEARCH = "search"
# Kept per course in Redis (stamped, versioned by ``active``); search keeps its versions in the engine.
REDIS_PROJECTIONS = (CARDS, CURRICULA, LISTINGS, REVIEWS, CATEGORIES)
PROJECTIONS = (*REDIS_PROJECTIONS, SEARCH)

RECENT_REVIEWS = 100  # per course; older reviews are not served by the read API

LEVELS = ("beginner", "intermediate", "advanced")
SORTS = ("newest", "rating", "popular", "price_asc", "price_desc")
ANY = "_"  # "no filter" in a listing key: a category slug or level never is a bare underscore

_ID_LENGTH = 36  # str(uuid)
_EPOCH_MS_TOP = 10**14 - 1  # ~ year 5138
_COUNT_TOP = 10**10 - 1
_CENTS_TOP = 10**10 - 1  # prices are at most 10,000.00


@dataclass(frozen=True)
class ReadModelKeys:
    """The key names of one deployment (``prefix`` is EDU_REDIS_KEY_PREFIX, e.g. ``edu:``)."""

    prefix: str

    @property
    def active(self) -> str:
        return f"{self.prefix}rm:active"

    @property
    def building(self) -> str:
        return f"{self.prefix}rm:building"

    @property
    def version_counter(self) -> str:
        return f"{self.prefix}rm:version-counter"

    def data(self, projection: str, version: int) -> str:
        """cards / curricula / reviews: the hash; categories: the string; listings: the members hash."""
        suffix = ":members" if projection == LISTINGS else ""
        return f"{self.prefix}rm:{projection}:{version}{suffix}"

    @property
    def changes(self) -> str:
        """Pub/sub channel: after each refresh round, the ids of the courses it rewrote (space-separated),
        so readers waiting for a version (``min_version``) look again at once instead of polling."""
        return f"{self.prefix}rm:changes"

    def stamps(self, projection: str, version: int) -> str:
        return f"{self.prefix}rm:{projection}:{version}:stamps"

    def listing_prefix(self, version: int) -> str:
        return f"{self.prefix}rm:{LISTINGS}:{version}:"

    def listing(self, version: int, category: str | None, level: str | None, sort: str) -> str:
        return self.listing_prefix(version) + listing_suffix(category, level, sort)

    def touched(self, projection: str, version: int) -> str:
        """Courses changed while ``version`` was being built: the rebuild re-projects them before it
        switches."""
        return f"{self.prefix}rm:{projection}:{version}:touched"

    def version_keys_pattern(self, projection: str, version: int) -> str:
        return f"{self.prefix}rm:{projection}:{version}:*"


def listing_suffix(category: str | None, level: str | None, sort: str) -> str:
    return f"{category or ANY}|{level or ANY}|{sort}"


def listing_places(category: str, level: str) -> tuple[str, ...]:
    """The four listings a course appears in, for every sort: all, its level, its category, both
    (``listing_suffix`` without the sort: append one)."""
    return tuple(f"{c or ANY}|{lv or ANY}|" for c in (None, category) for lv in (None, level))


def listing_suffixes(category: str, level: str, sort: str) -> tuple[str, ...]:
    """The four listings a course appears in for one sort."""
    return tuple(place + sort for place in listing_places(category, level))


def listing_member(sort: str, *, course_id: str, published_at_ms: int, rating_avg: float, review_count: int,
                   enrollment_count: int, price_cents: int) -> str:  # fmt: skip
    """The member of a course in a listing of ``sort``: fixed-width digits that order as text in the
    listing's order (descending sorts store the complement), best-rated ties broken by more reviews, and
    the course id last, so every member is unique and equal keys order by id."""
    if sort == "newest":
        key = f"{_EPOCH_MS_TOP - published_at_ms:014d}"
    elif sort == "rating":
        key = f"{500 - round(rating_avg * 100):03d}{_COUNT_TOP - review_count:010d}"
    elif sort == "popular":
        key = f"{_COUNT_TOP - enrollment_count:010d}{_EPOCH_MS_TOP - published_at_ms:014d}"
    elif sort == "price_asc":
        key = f"{price_cents:010d}{_EPOCH_MS_TOP - published_at_ms:014d}"
    elif sort == "price_desc":
        key = f"{_CENTS_TOP - price_cents:010d}{_EPOCH_MS_TOP - published_at_ms:014d}"
    else:
        raise ValueError(f"unknown sort {sort!r}")
    return f"{key}:{course_id}"


def member_course_id(member: str | bytes) -> str:
    if isinstance(member, bytes):
        member = member.decode()
    return member[-_ID_LENGTH:]


def encode_cursor(member: str | bytes) -> str:
    """An opaque ``next_cursor``: the last member of a page."""
    raw = member if isinstance(member, bytes) else member.encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> str | None:
    """The member a cursor stands for, or None when it is not one of ours (the caller answers 422)."""
    try:
        member = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        uuid.UUID(member_course_id(member))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if len(member) <= _ID_LENGTH + 1 or member[-_ID_LENGTH - 1] != ":" or not member[: -_ID_LENGTH - 1].isdigit():
        return None
    return member
