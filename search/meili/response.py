"""Meilisearch multi-search answers -> SearchResult (pure).

Highlights: Meilisearch puts the highlight tags into ``_formatted`` verbatim and does NOT HTML-escape the
document text around them. So the request asks for two private-use characters as tags (never present in
indexed text, see ``documents.clean_text``), and this module escapes the text piece by piece between them
and only then writes ``<mark>``/``</mark>`` -- document text can neither inject markup nor forge a mark.
"""

import html
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from search.meili.documents import HIGHLIGHT_POST, HIGHLIGHT_PRE
from search.meili.filters import FACET_ATTRIBUTES
from search.meili.request import HIGHLIGHTED, PRICE_STATS_ATTRIBUTE, disjunctive_facets
from search.query import MAX_REACHABLE_HITS, Facet, Hit, SearchQuery, SearchResult


def render_highlight(formatted: str) -> str:
    """HTML-escaped text with each marked piece in ``<mark>...</mark>``; stray or nested markers are
    dropped, and tags are always balanced."""
    out: list[str] = []
    piece: list[str] = []
    open_ = False

    def flush() -> None:
        if piece:
            out.append(html.escape("".join(piece), quote=True))
            piece.clear()

    for char in formatted:
        if char == HIGHLIGHT_PRE:
            if not open_:
                flush()
                out.append("<mark>")
                open_ = True
        elif char == HIGHLIGHT_POST:
            if open_:
                flush()
                out.append("</mark>")
                open_ = False
        else:
            piece.append(char)
    flush()
    if open_:
        out.append("</mark>")
    return "".join(out).replace("<mark></mark>", "")


def hit_highlight(hit: Mapping[str, Any]) -> dict[str, str]:
    formatted = hit.get("_formatted") or {}
    highlight = {}
    for attribute in HIGHLIGHTED:
        value = formatted.get(attribute, hit.get(attribute, ""))
        highlight[attribute] = render_highlight(value if isinstance(value, str) else "")
    return highlight


def _facet_counts(facet: Facet, distribution: Mapping[str, Mapping[str, int]]) -> dict[str, int]:
    counts = dict(distribution.get(FACET_ATTRIBUTES[facet], {}))
    if facet is Facet.PRICE:
        return {"free": int(counts.get("true", 0)), "paid": int(counts.get("false", 0))}
    return {str(value): int(n) for value, n in counts.items() if n}


def map_response(query: SearchQuery, results: Sequence[Mapping[str, Any]]) -> SearchResult:
    """``results`` is multi-search's ``results`` list for ``request.build_search_requests(query, ...)``."""
    main = results[0]
    by_facet = dict(zip(disjunctive_facets(query), results[1:], strict=True))
    distribution = main.get("facetDistribution") or {}
    facets = {}
    for facet in dict.fromkeys(query.facets):
        source = (by_facet[facet].get("facetDistribution") or {}) if facet in by_facet else distribution
        facets[str(facet)] = _facet_counts(facet, source)
    if "totalHits" in main:
        total = int(main["totalHits"])
        # Meilisearch caps totalHits at maxTotalHits: at the cap the true count may be larger
        exact = total < MAX_REACHABLE_HITS
    else:
        total, exact = int(main.get("estimatedTotalHits", 0)), False
    stats = (main.get("facetStats") or {}).get(PRICE_STATS_ATTRIBUTE)
    asked = query.price_stats and stats and total
    price_stats = {"min": float(stats["min"]), "max": float(stats["max"])} if asked else None
    hits = [
        Hit(id=uuid.UUID(str(h["id"])), highlight=hit_highlight(h) if query.highlight else {}) for h in main["hits"]
    ]
    return SearchResult(
        hits=hits,
        total=total,
        total_exact=exact,
        page=query.page,
        per_page=query.per_page,
        facets=facets,
        price_stats=price_stats,
        took_ms=float(sum(r.get("processingTimeMs", 0) or 0 for r in results)),
    )
