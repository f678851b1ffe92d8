"""Search request bodies for Meilisearch's multi-search (pure).

One query fetches the page of hits with every filter applied (and the price stats, and the counts of every
facet that has no selection). Each facet WITH a selection gets one more query: every other filter, its own
removed, ``facets=[that facet]``, ``limit=0`` -- so its counts show the alternatives to what is selected
(disjunctive faceting). All of them go in one ``POST /multi-search``.
"""

import re
from typing import Any

from search.meili.documents import HIGHLIGHT_POST, HIGHLIGHT_PRE
from search.meili.filters import FACET_ATTRIBUTES, build_filter, is_selected
from search.query import Facet, SearchQuery, Sort

# Every explicit sort orders all matches (``sort`` is the first ranking rule); ties fall back to relevance,
# then to Meilisearch's internal document order (stable).
SORTS: dict[Sort, list[str]] = {
    Sort.RELEVANCE: [],
    Sort.RATING: ["rating_avg:desc", "review_count:desc"],
    Sort.POPULAR: ["enrollment_count:desc"],
    Sort.NEWEST: ["published_at:desc"],
    Sort.PRICE_ASC: ["price:asc"],
    Sort.PRICE_DESC: ["price:desc"],
}

HIGHLIGHTED = ["title", "summary"]
PRICE_STATS_ATTRIBUTE = "price"
# Multi-word policy: every query word must match a document (each with its own typo/prefix/synonym
# tolerance); a word that matches nothing empties the result rather than being dropped.
MATCHING_STRATEGY = "all"

_NEGATION = re.compile(r"(^|\s)-+")


def plain_query_text(text: str) -> str:
    """The query as plain words: Meilisearch's only query syntax -- ``"phrase"`` and ``-word`` (exclude)
    -- is neutralised, so a query means the same on every engine (no operator can remove results)."""
    return _NEGATION.sub(r"\1", text.replace('"', " "))


def _with_filter(body: dict[str, Any], expression: str | None) -> dict[str, Any]:
    if expression is not None:
        body["filter"] = expression
    return body


def build_search_requests(query: SearchQuery, index_uid: str) -> list[dict[str, Any]]:
    text = plain_query_text(query.text)
    unselected = [FACET_ATTRIBUTES[f] for f in query.facets if not is_selected(query, f)]
    main: dict[str, Any] = {
        "indexUid": index_uid,
        "q": text,
        "matchingStrategy": MATCHING_STRATEGY,
        # page/hitsPerPage: Meilisearch counts the matches exhaustively (totalHits), up to maxTotalHits
        "page": query.page,
        "hitsPerPage": query.per_page,
        "attributesToRetrieve": ["id", *HIGHLIGHTED] if query.highlight else ["id"],
        "facets": [*dict.fromkeys(unselected), *([PRICE_STATS_ATTRIBUTE] if query.price_stats else [])],
    }
    if SORTS[query.sort]:
        main["sort"] = list(SORTS[query.sort])
    if query.highlight:
        main["attributesToHighlight"] = list(HIGHLIGHTED)
        main["highlightPreTag"] = HIGHLIGHT_PRE
        main["highlightPostTag"] = HIGHLIGHT_POST
    requests = [_with_filter(main, build_filter(query))]
    for facet in dict.fromkeys(query.facets):
        if is_selected(query, facet):
            body = {
                "indexUid": index_uid,
                "q": text,
                "matchingStrategy": MATCHING_STRATEGY,
                "facets": [FACET_ATTRIBUTES[facet]],
                "limit": 0,
            }
            requests.append(_with_filter(body, build_filter(query, without=facet)))
    return requests


def disjunctive_facets(query: SearchQuery) -> list[Facet]:
    """The facets that got their own query, in request order (after the main one)."""
    return [f for f in dict.fromkeys(query.facets) if is_selected(query, f)]
