"""The interface both engines implement, and its errors."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from search.documents import CourseDocument
from search.query import SearchQuery, SearchResult


class SearchEngineError(Exception):
    """An operation failed (a document the engine refused, a failed Meilisearch task): nothing is dropped
    silently; the caller retries or parks the batch."""


class SearchUnavailable(SearchEngineError):
    """The engine cannot be reached or opened; the read API answers 503."""


@dataclass(frozen=True)
class IndexVersion:
    """One physical index. Rebuilds write a new version, then ``activate`` switches readers atomically."""

    name: str


class SearchEngine(Protocol):
    # --- index versions (zero-downtime rebuilds) ---
    def active_version(self) -> IndexVersion | None: ...
    def create_version(self) -> IndexVersion:
        """A new empty index with the platform's settings applied (searchable weights, filters, sorts,
        synonyms); not visible to searches until activated."""

    def activate(self, version: IndexVersion) -> None:
        """Atomically makes ``version`` the one searches use."""

    def drop(self, version: IndexVersion) -> None: ...
    def versions(self) -> list[IndexVersion]: ...

    # --- writing (to the active version unless one is given) ---
    def upsert(self, documents: Iterable[CourseDocument], version: IndexVersion | None = None) -> None:
        """Adds or replaces documents by id. Returns only once they are durably written (committed /
        the Meilisearch task succeeded); raises SearchEngineError otherwise."""

    def delete(self, ids: Iterable[uuid.UUID], version: IndexVersion | None = None) -> None: ...

    # --- reading ---
    def search(self, query: SearchQuery) -> SearchResult: ...
    def count(self, version: IndexVersion | None = None) -> int: ...
    def health(self) -> bool: ...
    def close(self) -> None: ...
