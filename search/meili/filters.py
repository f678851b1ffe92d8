"""Meilisearch filter expressions, built only from validated values.

Every string value is double-quoted with ``\\`` and ``"`` escaped (Meilisearch >= 1.4 unescapes both inside a
quoted value), so a value such as ``a" OR category_slug = "b`` is one literal that matches nothing: it can
neither widen a result nor make the expression invalid. Numbers are formatted from validated floats, booleans
and attribute names come from this module. Filters are AND across facets and OR within one.
"""

import math
from collections.abc import Iterable

from search.query import Facet, PriceFilter, SearchQuery

FACET_ATTRIBUTES = {Facet.CATEGORY: "category_slug", Facet.LEVEL: "level", Facet.PRICE: "is_free"}
_PRICE_VALUES = {PriceFilter.FREE: "true", PriceFilter.PAID: "false"}


def quote(value: str) -> str:
    """A Meilisearch filter string literal holding exactly ``value``."""
    if not isinstance(value, str):
        raise TypeError(f"filter values are strings, got {type(value).__name__}")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def any_of(attribute: str, values: Iterable[str]) -> str | None:
    """``attribute IN ["a", "b"]``: one of the values (None when there are none)."""
    if attribute not in FACET_ATTRIBUTES.values():
        raise ValueError(f"{attribute!r} is not a filterable facet")
    unique = list(dict.fromkeys(values))
    if not unique:
        return None
    return f"{attribute} IN [{', '.join(quote(v) for v in unique)}]"


def price_clause(price: Iterable[PriceFilter]) -> str | None:
    selected = {PriceFilter(p) for p in price}
    if not selected:
        return None
    if len(selected) == len(PriceFilter):
        return None  # free OR paid: everything
    (only,) = selected
    return f"is_free = {_PRICE_VALUES[only]}"


def min_rating_clause(min_rating: float | None) -> str | None:
    if min_rating is None:
        return None
    value = float(min_rating)
    if not math.isfinite(value) or not 0 <= value <= 5:
        raise ValueError("min_rating must be a finite number within 0..5")
    text = repr(value)
    if "e" in text.lower():  # tiny values: no exponent in a filter expression
        text = f"{value:.20f}".rstrip("0")
    return f"rating_avg >= {text}"


def facet_clause(query: SearchQuery, facet: Facet) -> str | None:
    if facet is Facet.CATEGORY:
        return any_of("category_slug", query.categories)
    if facet is Facet.LEVEL:
        return any_of("level", query.levels)
    return price_clause(query.price)


def is_selected(query: SearchQuery, facet: Facet) -> bool:
    return facet_clause(query, facet) is not None


def build_filter(query: SearchQuery, *, without: Facet | None = None) -> str | None:
    """The query's filter, optionally without one facet's own selection (for its disjunctive counts)."""
    clauses = [facet_clause(query, facet) for facet in Facet if facet is not without]
    clauses.append(min_rating_clause(query.min_rating))
    present = [c for c in clauses if c]
    if not present:
        return None
    return " AND ".join(f"({c})" if len(present) > 1 else c for c in present)
