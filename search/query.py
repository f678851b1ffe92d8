"""What a search asks and what it answers, engine-independent.

The read API validates client input into a ``SearchQuery``; engines never see a raw filter string.
"""

import enum
import uuid
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 200
MAX_PER_PAGE = 100
# Both engines answer at most this many hits per query (Meilisearch's default maxTotalHits); pages past
# it are empty and the answer says so (``total_exact`` False when the total was capped).
MAX_REACHABLE_HITS = 1000


class Sort(enum.StrEnum):
    RELEVANCE = "relevance"
    RATING = "rating"  # rating_avg desc, then review_count desc
    POPULAR = "popular"  # enrollment_count desc
    NEWEST = "newest"  # published_at desc
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"


class PriceFilter(enum.StrEnum):
    FREE = "free"
    PAID = "paid"


class Facet(enum.StrEnum):
    CATEGORY = "category"  # counts by category_slug
    LEVEL = "level"
    PRICE = "price"  # counts of free / paid


@dataclass(frozen=True, kw_only=True)
class SearchQuery:
    """Filters are AND across facets and OR within one (``categories=("a", "b")`` is a OR b)."""

    text: str = ""
    categories: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    price: tuple[PriceFilter, ...] = ()
    min_rating: float | None = None
    sort: Sort = Sort.RELEVANCE
    page: int = 1  # 1-based
    per_page: int = 20
    facets: tuple[Facet, ...] = (Facet.CATEGORY, Facet.LEVEL, Facet.PRICE)
    highlight: bool = True
    # The price range of the matches (``SearchResult.price_stats``): a price slider needs it, a result
    # list does not, and it costs the embedded engine a third of its facet pass.
    price_stats: bool = True

    def __post_init__(self) -> None:
        if len(self.text) > MAX_QUERY_CHARS:
            raise ValueError(f"query text is limited to {MAX_QUERY_CHARS} characters")
        if self.page < 1 or not 1 <= self.per_page <= MAX_PER_PAGE:
            raise ValueError(f"page must be >= 1 and per_page within 1..{MAX_PER_PAGE}")
        if self.min_rating is not None and not 0 <= self.min_rating <= 5:
            raise ValueError("min_rating must be within 0..5")


@dataclass(frozen=True)
class Hit:
    id: uuid.UUID
    # HTML-escaped title and summary with matched words (typo and prefix matches too) in <mark>...</mark>;
    # empty when the query asked for no highlights.
    highlight: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class SearchResult:
    hits: list[Hit]
    total: int
    total_exact: bool
    page: int
    per_page: int
    # Disjunctive: a facet's counts ignore that facet's own selection (so the other choices stay visible)
    # but apply every other filter.
    facets: dict[str, dict[str, int]]
    # {"min": .., "max": ..} over the matching documents; None if none matched or the query did not ask
    price_stats: dict[str, float] | None
    took_ms: float
