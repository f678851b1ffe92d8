"""The Meilisearch adapter of the search interface (production engine).

Pure parts, each tested without a server: ``filters`` (filter expressions), ``settings`` (index settings),
``documents`` (CourseDocument <-> JSON), ``request`` (multi-search bodies), ``response`` (answers ->
SearchResult, highlight escaping), ``tasks`` (task outcome checks), ``layout`` (versions <-> indexes).
"""

from search.meili.engine import MeilisearchEngine

__all__ = ["MeilisearchEngine"]
