"""The requests of ``make bench-read``, drawn from the read model the run just built, so that every one is
answerable and caches cannot flatter: a uniformly random published course for every card and curriculum;
catalog pages of a random category (or all), level (or any) and sort, some of them deep in the listing
(a cursor at a random rank); searches from ``loadtest.search_mix`` over the published titles (typos,
prefixes, filters, facets, sorts), a few of them on a later page or with a price or rating filter.
"""

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from redis import Redis

from loadtest.search_mix import CLASSES, query_mix
from projectors.layout import CARDS, CATEGORIES, LEVELS, LISTINGS, SORTS, ReadModelKeys, encode_cursor

ENDPOINTS = ("card", "curriculum", "catalog", "search")
PATHS = {  # what each endpoint is, for the report
    "card": "GET /courses/{id}",
    "curriculum": "GET /courses/{id}/curriculum",
    "catalog": "GET /catalog?category=&level=&sort=&cursor=",
    "search": "GET /search?q=&category=&level=&price=&min_rating=&sort=&page=",
}
DEEP_SHARE = 0.3  # catalog pages that start at a cursor somewhere in the listing, not at its first page
ALL_CATEGORIES_SHARE = 0.2  # catalog pages of every category
ANY_LEVEL_SHARE = 0.5
TITLE_SAMPLE = 20_000  # cards whose titles the search queries are drawn from


@dataclass(frozen=True)
class Title:
    """What ``search_mix.query_mix`` reads of a course document: its title, category and level."""

    title: str
    category_slug: str
    level: str


@dataclass
class ReadModel:
    """The published courses of the active read model, and the listings to page through."""

    redis: Redis
    keys: ReadModelKeys
    cards_key: str
    listings: int  # active listings version
    course_ids: list[str]
    categories: list[str]  # slugs with published courses

    @classmethod
    def load(cls, redis: Redis, prefix: str) -> "ReadModel":
        keys = ReadModelKeys(prefix)
        active = {k.decode(): int(v) for k, v in redis.hgetall(keys.active).items()}
        cards_key = keys.data(CARDS, active[CARDS])
        course_ids = sorted(member.decode() for member in redis.hkeys(cards_key))
        categories = json.loads(redis.get(keys.data(CATEGORIES, active[CATEGORIES])) or b"[]")
        slugs = [c["slug"] for c in categories if c.get("course_count", 1) > 0]
        return cls(redis, keys, cards_key, active[LISTINGS], course_ids, slugs)

    def titles(self, rng: random.Random, limit: int = TITLE_SAMPLE) -> list[Title]:
        chosen = rng.sample(self.course_ids, min(limit, len(self.course_ids)))
        found = []
        for first in range(0, len(chosen), 1000):
            for raw in self.redis.hmget(self.cards_key, chosen[first : first + 1000]):
                if raw:
                    card = json.loads(raw)
                    found.append(Title(card["title"], card["category"]["slug"], card["level"]))
        return found


def course_paths(model: ReadModel, endpoint: str) -> list[str]:
    suffix = "/curriculum" if endpoint == "curriculum" else ""
    return [f"/courses/{course_id}{suffix}" for course_id in model.course_ids]


def catalog_paths(model: ReadModel, count: int, seed: int) -> list[str]:
    """``count`` catalog pages (20 cards each, the API's default)."""
    rng = random.Random(f"{seed}/catalog")
    paths = []
    sizes: dict[str, int] = {}
    while len(paths) < count:
        category = None if rng.random() < ALL_CATEGORIES_SHARE or not model.categories else rng.choice(model.categories)
        level = None if rng.random() < ANY_LEVEL_SHARE else rng.choice(LEVELS)
        sort = rng.choice(SORTS)
        params = {"category": category, "level": level, "sort": sort}
        if rng.random() < DEEP_SHARE:
            key = model.keys.listing(model.listings, category, level, sort)
            if key not in sizes:
                sizes[key] = model.redis.zcard(key)
            if sizes[key] > 1:
                rank = rng.randrange(sizes[key] - 1)
                member = model.redis.zrange(key, rank, rank)[0]
                params["cursor"] = encode_cursor(member)
        paths.append("/catalog?" + urlencode({k: v for k, v in params.items() if v is not None}))
    return paths


def search_paths(titles: Sequence[Title], count: int, seed: int) -> list[str]:
    """About ``count`` searches, the same number of every ``search_mix`` class; one in ten asks for page 2,
    one in ten filters by price or a minimum rating besides."""
    mix = query_mix(titles, max(1, count // len(CLASSES)), seed)
    rng = random.Random(f"{seed}/search-extras")
    paths = []
    for kind in CLASSES:
        for bench_query in mix[kind]:
            query = bench_query.query
            params: list[tuple[str, str]] = [("q", query.text)]
            params += [("category", slug) for slug in query.categories]
            params += [("level", level) for level in query.levels]
            if query.sort != "relevance":
                params.append(("sort", str(query.sort)))
            extra = rng.random()
            if extra < 0.1:
                params.append(("page", "2"))
            elif extra < 0.15:
                params.append(("price", rng.choice(("free", "paid"))))
            elif extra < 0.2:
                params.append(("min_rating", rng.choice(("3.5", "4", "4.5"))))
            paths.append("/search?" + urlencode(params, quote_via=quote))
    rng.shuffle(paths)
    return paths
