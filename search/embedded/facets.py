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


CELLS = {"cells": {"terms": {"field": S.CELL, "size": MAX_FACET_VALUES}}}
CELLS_WITH_PRICES = {"cells": {**CELLS["cells"], "aggs": {"s": {"stats": {"field": S.PRICE}}}}}

Cell = tuple[tuple[str, ...], int, float | None, float | None]  # (values in _ORDER), count, min, max


def _cells(result: dict) -> Iterable[Cell]:
    for bucket in result.get("cells", {}).get("buckets", []):
        if bucket["doc_count"]:
            stats = bucket.get("s") or {}
            values = S.cell_values(str(bucket["key"]))
            yield values, int(bucket["doc_count"]), stats.get("min"), stats.get("max")


def joint_cells(searcher: tantivy.Searcher, base: tantivy.Query, *, prices: bool) -> tuple[Cell, ...]:
    """The joint distribution over the documents matching ``base`` (the text and non-facet filters), with
    each cell's price range when ``prices`` (else min and max are None)."""
    return tuple(_cells(searcher.aggregate(base, CELLS_WITH_PRICES if prices else CELLS)))


_POSITION = {facet: i for i, facet in enumerate(_ORDER)}


def derive(
    cells: tuple[Cell, ...], selected: dict[Facet, frozenset[str]], requested: Iterable[Facet]
) -> tuple[dict[str, dict[str, int]], dict[str, float] | None]:
    """Facet counts (disjunctive) and price stats for the facet selections ``selected``, in one pass: a
    cell that fails no selection counts for every facet (and the price stats), a cell that fails one
    selection only for that facet (whose own selection a facet ignores), any other cell for none."""
    wanted = list(dict.fromkeys(Facet(f) for f in requested))
    counts: dict[Facet, dict[str, int]] = {facet: {} for facet in wanted}
    checks = [(facet, _POSITION[facet], chosen) for facet, chosen in selected.items()]
    positions = [(counts[facet], _POSITION[facet]) for facet in wanted]
    lows, highs = [], []
    for values, count, lo, hi in cells:
        failed = [facet for facet, at, chosen in checks if values[at] not in chosen]
        if not failed:
            for found, at in positions:
                key = values[at]
                found[key] = found.get(key, 0) + count
            if lo is not None:
                lows.append(lo)
                highs.append(hi)
        elif len(failed) == 1 and failed[0] in counts:
            found, key = counts[failed[0]], values[_POSITION[failed[0]]]
            found[key] = found.get(key, 0) + count
    facets = {f.value: dict(sorted(counts[f].items(), key=lambda kv: (-kv[1], kv[0]))) for f in wanted}
    price_stats = {"min": float(min(lows)), "max": float(max(highs))} if lows else None
    return facets, price_stats
