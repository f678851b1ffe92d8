"""The Meilisearch index settings of a course index (applied by ``create_version``)."""

from typing import Any

from search.query import MAX_REACHABLE_HITS
from search.synonyms import SYNONYM_GROUPS

# In weight order: Meilisearch ranks a match by the position of its attribute in this list
# (the ``attribute`` ranking rule).
# (Every other attribute -- ids, numbers, the fingerprint ``fp`` -- is not searchable.)
SEARCHABLE_ATTRIBUTES = ["title", "teacher_name", "category_name", "summary", "description", "lesson_titles"]
FILTERABLE_ATTRIBUTES = ["category_slug", "level", "is_free", "price", "rating_avg"]
SORTABLE_ATTRIBUTES = ["rating_avg", "review_count", "enrollment_count", "published_at", "price"]

# "sort" first: an explicit sort (rating, newest, ...) orders every match; relevance only breaks its ties.
# Without a ``sort`` parameter the rule does nothing and the order is pure relevance. Ties left after every
# rule keep Meilisearch's internal document order, which is stable, so pages never repeat a hit.
RANKING_RULES = ["sort", "words", "typo", "proximity", "attribute", "exactness"]


def synonyms() -> dict[str, list[str]]:
    """Meilisearch synonyms are one-way, so every term of a group maps to the others."""
    mapping: dict[str, list[str]] = {}
    for group in SYNONYM_GROUPS:
        for term in group:
            mapping.setdefault(term, [])
            mapping[term] += [other for other in group if other != term and other not in mapping[term]]
    return mapping


# Meilisearch's own policy, spelled out so a server default can never change it: no typo under 5 letters,
# one for 5-8, two from 9 (a typo on the first letter counts as two).
TYPO_TOLERANCE = {
    "enabled": True,
    "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9},
    "disableOnWords": [],
    "disableOnAttributes": [],
}


def index_settings() -> dict[str, Any]:
    return {
        "searchableAttributes": list(SEARCHABLE_ATTRIBUTES),
        "filterableAttributes": list(FILTERABLE_ATTRIBUTES),
        "sortableAttributes": list(SORTABLE_ATTRIBUTES),
        # every attribute, ``fp`` included, so the documents route can list fingerprints; search requests
        # name the few attributes a hit needs (``request``)
        "displayedAttributes": ["*"],
        "rankingRules": list(RANKING_RULES),
        "stopWords": [],
        "synonyms": synonyms(),
        "typoTolerance": {**TYPO_TOLERANCE, "minWordSizeForTypos": dict(TYPO_TOLERANCE["minWordSizeForTypos"])},
        "pagination": {"maxTotalHits": MAX_REACHABLE_HITS},
        "faceting": {"maxValuesPerFacet": 100},
    }
