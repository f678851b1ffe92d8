"""``MeilisearchEngine``: the SearchEngine interface over a Meilisearch server (production).

Versions map onto indexes as ``layout`` describes: searches read only the live index ``<prefix>``;
``create_version`` builds ``<prefix>_vN`` in a slot index; ``activate`` swaps it into the live index
(atomic for readers); ``drop`` deletes a parked version. Every write waits for its Meilisearch task and
checks it (a failed task raises SearchEngineError with Meilisearch's error); an unreachable server raises
SearchUnavailable.

Fingerprints: each document carries ``fp`` (``documents.fingerprint`` of the document written);
``fingerprints`` pages through the documents route asking for ``id`` and ``fp`` only (``read_page_size``
a request: 10 requests per 100,000 documents). Pages are read at successive offsets, not from one snapshot:
a deletion made meanwhile shifts later documents back, and one may be missed.

Rebuild recipe: ``v = create_version(); upsert(docs, v) ...; activate(v); drop(old)``. Writes to the active
version (``version=None``) made while ``v`` is being built land in the old data and must be replayed into
``v`` before it is activated (the projector's checkpoint does this); an ``upsert(docs, v)`` racing an
``activate(v)`` in another process may land in the parked data -- finish writing a version before
activating it.
"""

import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

import meilisearch
import requests
from meilisearch.errors import (
    MeilisearchApiError,
    MeilisearchCommunicationError,
    MeilisearchError,
    MeilisearchTimeoutError,
)

from search.documents import CourseDocument
from search.engine import IndexVersion, SearchEngineError, SearchUnavailable
from search.meili import layout
from search.meili.documents import FINGERPRINT, to_meili
from search.meili.request import build_search_requests
from search.meili.response import map_response
from search.meili.settings import index_settings
from search.meili.tasks import TaskFailed, check_task, is_finished, task_uid
from search.query import SearchQuery, SearchResult

T = TypeVar("T")
PRIMARY_KEY = "id"


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class MeilisearchEngine:
    def __init__(
        self,
        url: str,
        api_key: str | None,
        index_prefix: str = "courses",
        *,
        request_timeout_s: float = 10.0,
        task_timeout_s: float = 120.0,
        batch_size: int = 1000,
        read_page_size: int = 10_000,
        client: meilisearch.Client | None = None,
    ) -> None:
        """``batch_size``: documents (or ids) per write task; ``read_page_size``: documents per page when
        listing fingerprints; ``client`` replaces the ones built from ``url``/``api_key`` (tests)."""
        self._prefix = layout.validate_prefix(index_prefix)
        self._url, self._api_key, self._request_timeout_s = url, api_key, request_timeout_s
        self._shared_client = client
        self._local = threading.local()
        self._task_timeout_s = task_timeout_s
        self._batch_size = batch_size
        self._read_page_size = read_page_size
        self._live = layout.live_uid(self._prefix)

    # --- plumbing ---

    @property
    def _client(self) -> meilisearch.Client:
        """One client per thread: the client's HTTP layer edits a shared headers dict on every request, so
        threads (e.g. the read API's worker pool) must not share one."""
        if self._shared_client is not None:
            return self._shared_client
        client = getattr(self._local, "client", None)
        if client is None:
            client = meilisearch.Client(self._url, self._api_key, timeout=self._request_timeout_s)  # type: ignore[arg-type]
            self._local.client = client
        return client

    def _call(self, what: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except (MeilisearchError, requests.RequestException) as exc:
            raise _translate(what, exc) from exc

    def _wait(self, tasks: list[Any], *, tolerate: frozenset[str] = frozenset()) -> None:
        """Waits for every task (each gets its chance to finish), then raises for the first that did not
        succeed (unless it failed with a code in ``tolerate``) -- the durable "written" point."""
        deadline = time.monotonic() + self._task_timeout_s
        finished = []
        for info in tasks:
            uid = task_uid(info)
            delay = 0.01
            while True:
                task = self._call(f"task {uid}", self._client.get_task, uid)
                if is_finished(task):
                    finished.append(task)
                    break
                if time.monotonic() > deadline:
                    raise SearchEngineError(
                        f"Meilisearch task {uid} ({task.type}) not finished after {self._task_timeout_s:.0f} s "
                        f"(status {task.status}); its writes may still apply"
                    )
                time.sleep(delay)
                delay = min(delay * 2, 0.25)
        for task in finished:
            try:
                check_task(task)
            except TaskFailed as exc:
                if exc.code not in tolerate:
                    raise

    def _exists(self, uid: str) -> bool:
        try:
            self._client.get_raw_index(uid)
        except MeilisearchApiError as exc:
            if exc.code == "index_not_found":
                return False
            raise _translate(f"index {uid}", exc) from exc
        except (MeilisearchError, requests.RequestException) as exc:
            raise _translate(f"index {uid}", exc) from exc
        return True

    def _uids(self) -> list[str]:
        """Every index uid of this prefix."""
        uids, offset = [], 0
        while True:
            page = self._call("list indexes", self._client.get_raw_indexes, {"limit": 1000, "offset": offset})
            results = page["results"] if isinstance(page, dict) else page
            uids += [r["uid"] for r in results if r["uid"].startswith(self._prefix)]
            offset += len(results)
            if not results or offset >= int(page.get("total", 0) if isinstance(page, dict) else 0):
                return uids

    def _name_in(self, data_uid: str) -> str | None:
        """The version name whose data is in ``data_uid`` (None: no such index or no name yet)."""
        try:
            doc = self._client.index(layout.id_uid(data_uid)).get_document(layout.VERSION_DOC_ID)
        except MeilisearchApiError as exc:
            if exc.code in ("index_not_found", "document_not_found"):
                return None
            raise _translate(f"version of {data_uid}", exc) from exc
        except (MeilisearchError, requests.RequestException) as exc:
            raise _translate(f"version of {data_uid}", exc) from exc
        return str(doc.name)

    def _catalog(self) -> tuple[dict[str, str], list[str]]:
        """{version name: data index uid} of every version (live and parked), and every slot uid."""
        uids = self._uids()
        slots = [u for u in uids if layout.slot_number(self._prefix, u) is not None]
        where: dict[str, str] = {}
        for data_uid in [self._live, *slots] if self._live in uids else slots:
            name = self._name_in(data_uid)
            if name and layout.version_number(self._prefix, name) is not None:
                where[name] = data_uid
        return where, slots

    def _data_uid(self, version: IndexVersion | None) -> str:
        if version is None:
            if not self._name_in(self._live):
                raise SearchEngineError(f"no active version of {self._prefix!r}: create and activate one first")
            return self._live
        if self._name_in(self._live) == version.name:
            return self._live
        number = layout.version_number(self._prefix, version.name)
        if number is not None:  # most often still in the slot it was built in
            guess = layout.slot_uid(self._prefix, number)
            if self._name_in(guess) == version.name:
                return guess
        where, _ = self._catalog()
        if version.name not in where:
            raise SearchEngineError(f"no version {version.name!r} in Meilisearch (prefix {self._prefix!r})")
        return where[version.name]

    def _create_index(self, uid: str, name: str) -> None:
        """A data index with the course settings and its one-document name index."""
        name_uid = layout.id_uid(uid)
        self._wait(
            [
                self._call(f"create {uid}", self._client.create_index, uid, {"primaryKey": PRIMARY_KEY}),
                self._call(f"settings of {uid}", self._client.index(uid).update_settings, index_settings()),
                self._call(f"create {name_uid}", self._client.create_index, name_uid, {"primaryKey": "id"}),
                self._call(
                    f"name {uid}",
                    self._client.index(name_uid).add_documents,
                    [layout.version_document(name)],
                    "id",
                ),
            ]
        )

    def _delete_pair(self, data_uid: str) -> None:
        pair = (data_uid, layout.id_uid(data_uid))
        tasks = [self._call(f"delete {u}", self._client.delete_index, u) for u in pair]
        self._wait(tasks, tolerate=frozenset({"index_not_found"}))

    # --- index versions ---

    def active_version(self) -> IndexVersion | None:
        name = self._name_in(self._live)
        return IndexVersion(name) if name else None

    def versions(self) -> list[IndexVersion]:
        where, _ = self._catalog()
        return [IndexVersion(n) for n in sorted(where, key=lambda n: layout.version_number(self._prefix, n) or 0)]

    def create_version(self) -> IndexVersion:
        where, slots = self._catalog()
        number = layout.next_number(self._prefix, slots, list(where))
        name = layout.version_name(self._prefix, number)
        self._create_index(layout.slot_uid(self._prefix, number), name)
        return IndexVersion(name)

    def activate(self, version: IndexVersion) -> None:
        if self._name_in(self._live) == version.name:
            return
        where, _ = self._catalog()
        slot = where.get(version.name)
        if slot is None or slot == self._live:
            raise SearchEngineError(f"no version {version.name!r} to activate (prefix {self._prefix!r})")
        if not (self._exists(self._live) and self._exists(layout.id_uid(self._live))):
            # first activation: an empty, named-as-placeholder live pair to swap with
            self._delete_pair(self._live)  # a half-made pair left by a crash
            self._create_index(self._live, layout.PLACEHOLDER)
        pairs = [
            {"indexes": [self._live, slot]},
            {"indexes": [layout.id_uid(self._live), layout.id_uid(slot)]},
        ]
        self._wait([self._call(f"swap {self._live} <-> {slot}", self._client.swap_indexes, pairs)])
        if not self._name_in(slot):  # the placeholder came back: nothing was active before
            self._delete_pair(slot)

    def drop(self, version: IndexVersion) -> None:
        if self._name_in(self._live) == version.name:
            raise SearchEngineError(f"{version.name!r} is the active version; activate another before dropping it")
        where, _ = self._catalog()
        if version.name in where:
            self._delete_pair(where[version.name])

    # --- writing ---

    def upsert(self, documents: Iterable[CourseDocument], version: IndexVersion | None = None) -> None:
        batches = [[to_meili(d) for d in batch] for batch in _batches(documents, self._batch_size)]
        if not batches:
            return
        index = self._client.index(self._data_uid(version))
        tasks = [self._call("add documents", index.add_documents, batch, PRIMARY_KEY) for batch in batches]
        self._wait(tasks)

    def load(self, batches: Iterable[Iterable[CourseDocument]], version: IndexVersion) -> int:
        if version == self.active_version():
            raise SearchEngineError(f"{version.name} is the active version: load a new one, then activate it")
        index = self._client.index(self._data_uid(version))
        tasks, written = [], 0
        for batch in batches:  # enqueued as they come (Meilisearch indexes meanwhile), awaited at the end
            documents = [to_meili(d) for d in batch]
            for chunk in _batches(documents, self._batch_size):
                tasks.append(self._call("add documents", index.add_documents, chunk, PRIMARY_KEY))
            written += len(documents)
        self._wait(tasks)
        return written

    def delete(self, ids: Iterable[uuid.UUID], version: IndexVersion | None = None) -> None:
        batches = [[str(uuid.UUID(str(i))) for i in batch] for batch in _batches(ids, self._batch_size)]
        if not batches:
            return
        index = self._client.index(self._data_uid(version))
        tasks = []
        with warnings.catch_warnings():
            # the client deprecates deleting by ids in favour of a filter; the server's delete-batch route
            # is current and needs no filterable primary key
            warnings.simplefilter("ignore", DeprecationWarning)
            for batch in batches:
                tasks.append(self._call("delete documents", index.delete_documents, batch))
        self._wait(tasks)

    # --- reading ---

    def search(self, query: SearchQuery) -> SearchResult:
        requests_ = build_search_requests(query, self._live)
        try:
            answer = self._client.multi_search(requests_)
        except MeilisearchApiError as exc:
            if exc.code == "index_not_found":
                raise SearchUnavailable(f"no active version of {self._prefix!r} yet") from exc
            raise _translate("search", exc) from exc
        except (MeilisearchError, requests.RequestException) as exc:
            raise _translate("search", exc) from exc
        return map_response(query, answer["results"])

    def count(self, version: IndexVersion | None = None) -> int:
        uid = self._data_uid(version)
        stats = self._call(f"stats of {uid}", self._client.index(uid).get_stats)
        return int(stats.number_of_documents)

    def fingerprints(self, version: IndexVersion | None = None) -> dict[uuid.UUID, str]:
        uid = self._data_uid(version)
        index = self._client.index(uid)
        found: dict[uuid.UUID, str] = {}
        offset = 0
        while True:
            page = self._call(
                f"documents of {uid}",
                index.get_documents,
                {"fields": ["id", FINGERPRINT], "offset": offset, "limit": self._read_page_size},
            )
            for document in page.results:
                data = dict(document)
                found[uuid.UUID(str(data["id"]))] = str(data.get(FINGERPRINT) or "")
            offset += len(page.results)
            if not page.results or offset >= int(page.total):
                return found

    def health(self) -> bool:
        try:
            return self._client.health().get("status") == "available"
        except (MeilisearchError, requests.RequestException, ValueError):
            return False

    def release_writer(self) -> None:
        """Nothing to release: Meilisearch serialises writes itself."""

    def close(self) -> None:
        """Nothing held open: the client sends each request on its own connection."""


def _translate(what: str, exc: Exception) -> SearchEngineError:
    """The interface's error for a client error: unreachable -> SearchUnavailable, refused -> SearchEngineError."""
    if isinstance(exc, (MeilisearchCommunicationError, MeilisearchTimeoutError, requests.RequestException)):
        return SearchUnavailable(f"Meilisearch unreachable ({what}): {exc}")
    if isinstance(exc, MeilisearchApiError):
        if exc.status_code in (502, 503, 504):
            return SearchUnavailable(f"Meilisearch unavailable ({what}): {exc.message}")
        if exc.status_code in (401, 403):
            return SearchUnavailable(f"Meilisearch refused the API key ({what}): {exc.code}: {exc.message}")
        return SearchEngineError(f"Meilisearch refused {what}: {exc.code}: {exc.message}")
    return SearchEngineError(f"Meilisearch error ({what}): {exc}")
