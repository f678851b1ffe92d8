"""Course search: one interface (``SearchEngine``), an embedded tantivy engine and a Meilisearch adapter.

A small library: it imports nothing of the platform. ``projectors`` write documents into it and ``read``
queries it; both go through the names exported here.
"""

from search.documents import CourseDocument, fingerprint
from search.engine import IndexVersion, SearchEngine, SearchEngineError, SearchUnavailable
from search.query import Facet, Hit, PriceFilter, SearchQuery, SearchResult, Sort

__all__ = [
    "CourseDocument",
    "Facet",
    "Hit",
    "IndexVersion",
    "PriceFilter",
    "SearchEngine",
    "SearchEngineError",
    "SearchQuery",
    "SearchResult",
    "SearchUnavailable",
    "Sort",
    "fingerprint",
]
