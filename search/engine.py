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
    def load(self, batches: Iterable[Iterable[CourseDocument]], version: IndexVersion) -> int:
        """Bulk-loads every document of ``batches`` into ``version``, which must not be active (a rebuild
        fills a new version, then activates it). The embedded engine commits once, at the end, into one
        segment -- which searches read a third faster than the many segments that batch-by-batch commits
        leave. A document met again replaces the one before, as with ``upsert``. Nothing is durable before
        it returns; when it raises, the version holds none (embedded) or an unknown part (Meilisearch) of
        the documents: drop it. An error raised by ``batches`` itself comes out unchanged. ``batches`` is
        consumed lazily, so a caller can report progress from it. Returns the number of documents written."""

    # --- reading ---
    def search(self, query: SearchQuery) -> SearchResult: ...
    def count(self, version: IndexVersion | None = None) -> int: ...
    def fingerprints(self, version: IndexVersion | None = None) -> dict[uuid.UUID, str]:
        """id -> fingerprint of the document as indexed, for every document of the version (the active one
        by default). Each engine stores ``documents.fingerprint`` of the document written along with it at
        upsert time, so ``{d.id: fingerprint(d) for d in source}`` equals this exactly when the index holds
        the source's documents and nothing else. Reads the whole index (well under a second to a few seconds
        per 100,000 documents, a dict entry each): for verification, not for serving. Raises
        SearchEngineError when the version does not exist or (none given) when no version is active. A
        document indexed before its engine stored fingerprints maps to "" (equal to no fingerprint).

        Writes made while it runs may or may not show, and on Meilisearch (read page by page, not from one
        snapshot) a deletion can make a document that stays be missed: re-check the differences found
        before acting on them."""

    def health(self) -> bool: ...
    def release_writer(self) -> None:
        """Lets another process write: the embedded engine has one writer per index at a time, held from
        the first write until this (or ``close``). Writers call it when they stop being the writer."""

    def close(self) -> None: ...
