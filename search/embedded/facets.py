"""Disjunctive facet counts and price stats in one aggregation pass.

One tantivy aggregation over the documents matching the text and the non-facet filters (min_rating)
yields the joint distribution category x level x price kind, with price min/max per cell (at most
categories x 3 x 2 cells; one terms aggregation over ``schema.CELL``, each document's three values in one
field). Every answer is derived from it in Python:

- a facet's counts: the cells that satisfy every *other* facet's selection (disjunctive: a facet's own
  selection is ignored, so its other values stay visible), summed by that facet's value;
- ``total`` check and price stats: the cells that satisfy every selection.

So a search costs at most two passes over the matches (top hits, then this), whatever the filters; the
engine caches the distribution per (index generation, words, min_rating).
"""

from collections.abc import Iterable

import tantivy

from search.embedded import schema as S
from search.query import Facet

FACET_FIELDS = {Facet.CATEGORY: S.CATEGORY, Facet.LEVEL: S.LEVEL, Facet.PRICE: S.PRICE_KIND}
_ORDER = (Facet.CATEGORY, Facet.LEVEL, Facet.PRICE)
MAX_FACET_VALUES = 10_000


AGGREGATION = {
    "cells": {
        "terms": {"field": S.CELL, "size": MAX_FACET_VALUES},
        "aggs": {"s": {"stats": {"field": S.PRICE}}},
    }
}

Cell = tuple[tuple[str, ...], int, float | None, float | None]  # (values in _ORDER), count, min, max


def _cells(result: dict) -> Iterable[Cell]:
    for bucket in result.get("cells", {}).get("buckets", []):
        if bucket["doc_count"]:
            stats = bucket.get("s") or {}
            values = S.cell_values(str(bucket["key"]))
            yield values, int(bucket["doc_count"]), stats.get("min"), stats.get("max")


def joint_cells(searcher: tantivy.Searcher, base: tantivy.Query) -> tuple[Cell, ...]:
    """The joint distribution over the documents matching ``base`` (the text and non-facet filters)."""
    return tuple(_cells(searcher.aggregate(base, AGGREGATION)))


_POSITION = {facet: i for i, facet in enumerate(_ORDER)}


def derive(
    cells: tuple[Cell, ...], selected: dict[Facet, frozenset[str]], requested: Iterable[Facet]
) -> tuple[dict[str, dict[str, int]], dict[str, float] | None]:
    """Facet counts (disjunctive) and price stats for the facet selections ``selected``."""

    def passes(values: tuple[str, ...], ignore: Facet | None) -> bool:
        return all(values[_POSITION[f]] in chosen for f, chosen in selected.items() if f is not ignore)

    facets: dict[str, dict[str, int]] = {}
    for facet in dict.fromkeys(Facet(f) for f in requested):
        counts: dict[str, int] = {}
        for values, count, _, _ in cells:
            if passes(values, facet):
                key = values[_POSITION[facet]]
                counts[key] = counts.get(key, 0) + count
        facets[facet.value] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    matching = [(lo, hi) for values, _, lo, hi in cells if passes(values, None) and lo is not None]
    price_stats = (
        {"min": float(min(lo for lo, _ in matching)), "max": float(max(hi for _, hi in matching))} if matching else None
    )
    return facets, price_stats
