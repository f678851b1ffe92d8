"""The Meilisearch adapter without a server: its pure parts (filters, settings, document mapping, request
bodies, response mapping with highlight escaping, task checks, index layout), and the engine's version
bookkeeping and error handling over an in-memory stand-in for the client's *management* calls (indexes,
documents, tasks, swaps -- it does not search). Always run; the behaviour suite covers real searches when
EDU_TEST_MEILI_URL is set."""

import dataclasses
import json
import re
import socket
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
import requests
from meilisearch.errors import MeilisearchApiError
from meilisearch.models.document import DocumentsResults
from meilisearch.models.task import Task, TaskInfo

from search import (
    Facet,
    IndexVersion,
    PriceFilter,
    SearchEngineError,
    SearchQuery,
    SearchUnavailable,
    Sort,
    fingerprint,
)
from search.meili import MeilisearchEngine, layout
from search.meili.documents import (
    FINGERPRINT,
    HIGHLIGHT_POST,
    HIGHLIGHT_PRE,
    InvalidDocument,
    from_meili,
    to_meili,
)
from search.meili.filters import FACET_ATTRIBUTES, any_of, build_filter, min_rating_clause, quote
from search.meili.request import SORTS, build_search_requests, plain_query_text
from search.meili.response import map_response, render_highlight
from search.meili.settings import SEARCHABLE_ATTRIBUTES, index_settings, synonyms
from search.meili.tasks import TaskFailed, check_task, is_finished, task_uid
from search.query import MAX_REACHABLE_HITS
from tests.search.corpus import COURSES
from tests.search.test_behaviour import HOSTILE_VALUES

P, Q = HIGHLIGHT_PRE, HIGHLIGHT_POST

# --- filters --------------------------------------------------------------------------------------------

_LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')


def literals(expression: str) -> list[str]:
    """The string values of a filter expression, unescaped as Meilisearch reads them."""
    return [re.sub(r"\\(.)", r"\1", m.group(1)) for m in _LITERAL.finditer(expression)]


def skeleton(expression: str) -> str:
    """The expression with every string literal replaced by ``?``: its structure."""
    return _LITERAL.sub("?", expression)


def test_quote_escapes_backslash_and_double_quote():
    assert quote("cooking") == '"cooking"'
    assert quote('a"b') == '"a\\"b"'
    assert quote("a\\b") == '"a\\\\b"'
    assert quote('\\"') == '"\\\\\\""'
    with pytest.raises(TypeError):
        quote(3)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [*HOSTILE_VALUES, "\\", '"', '\\\\"\\', "a\nb", "ünïcödé", "x" * 300])
def test_hostile_values_stay_one_literal(value):
    query = SearchQuery(categories=(value, "cooking"), levels=(value,))
    expression = build_filter(query)
    assert skeleton(expression) == "(category_slug IN [?, ?]) AND (level IN [?])"
    assert literals(expression) == [value, "cooking", value]


def test_or_within_a_facet_and_across_facets():
    query = SearchQuery(
        categories=("cooking", "music"), levels=("beginner",), price=(PriceFilter.FREE,), min_rating=4.5
    )
    assert build_filter(query) == (
        '(category_slug IN ["cooking", "music"]) AND (level IN ["beginner"]) AND (is_free = true) '
        "AND (rating_avg >= 4.5)"
    )
    assert build_filter(SearchQuery(categories=("cooking",))) == 'category_slug IN ["cooking"]'
    assert build_filter(SearchQuery()) is None


def test_a_facet_can_be_left_out_for_its_disjunctive_counts():
    query = SearchQuery(categories=("cooking",), levels=("advanced",))
    assert build_filter(query, without=Facet.CATEGORY) == 'level IN ["advanced"]'
    assert build_filter(query, without=Facet.LEVEL) == 'category_slug IN ["cooking"]'
    assert build_filter(query, without=Facet.PRICE) == build_filter(query)


def test_price_filter():
    assert build_filter(SearchQuery(price=(PriceFilter.PAID,))) == "is_free = false"
    assert build_filter(SearchQuery(price=(PriceFilter.FREE,))) == "is_free = true"
    assert build_filter(SearchQuery(price=(PriceFilter.FREE, PriceFilter.PAID))) is None  # everything


def test_duplicate_values_are_sent_once():
    assert any_of("level", ["beginner", "beginner"]) == 'level IN ["beginner"]'
    with pytest.raises(ValueError):
        any_of("title", ["x"])


def test_min_rating_is_a_plain_number():
    assert min_rating_clause(4) == "rating_avg >= 4.0"
    assert min_rating_clause(0.00001) == "rating_avg >= 0.00001"
    assert min_rating_clause(None) is None
    for bad in (float("nan"), float("inf"), -1, 5.5):
        with pytest.raises(ValueError):
            min_rating_clause(bad)


# --- settings -------------------------------------------------------------------------------------------


def test_index_settings():
    settings = index_settings()
    assert settings["searchableAttributes"] == [
        "title",
        "teacher_name",
        "category_name",
        "summary",
        "description",
        "lesson_titles",
    ]
    assert set(settings["filterableAttributes"]) == {"category_slug", "level", "is_free", "price", "rating_avg"}
    sortable = {"rating_avg", "review_count", "enrollment_count", "published_at", "price"}
    assert set(settings["sortableAttributes"]) == sortable
    assert settings["typoTolerance"]["enabled"] is True
    assert settings["typoTolerance"]["minWordSizeForTypos"] == {"oneTypo": 5, "twoTypos": 9}
    assert settings["pagination"] == {"maxTotalHits": MAX_REACHABLE_HITS}
    assert settings["rankingRules"][0] == "sort"
    assert settings["stopWords"] == []
    json.dumps(settings)


def test_settings_cover_what_requests_use():
    settings = index_settings()
    for fields in SORTS.values():
        for field in fields:
            assert field.split(":")[0] in settings["sortableAttributes"]
    assert set(FACET_ATTRIBUTES.values()) | {"rating_avg", "price"} <= set(settings["filterableAttributes"])
    assert set(SEARCHABLE_ATTRIBUTES) <= set(to_meili(COURSES[0]))


def test_synonyms_are_mutual():
    mapping = synonyms()
    assert "javascript" in mapping["js"] and "js" in mapping["javascript"]
    assert "kubernetes" in mapping["k8s"] and "k8s" in mapping["kubernetes"]
    assert "machine learning" in mapping["ml"] and "ml" in mapping["machine learning"]
    assert "user experience" in mapping["ux"]
    for term, others in mapping.items():
        assert term not in others
        for other in others:
            assert term in mapping[other]


def test_settings_are_fresh_copies():
    first = index_settings()
    first["typoTolerance"]["minWordSizeForTypos"]["oneTypo"] = 1
    first["searchableAttributes"].clear()
    assert index_settings()["typoTolerance"]["minWordSizeForTypos"]["oneTypo"] == 5
    assert index_settings()["searchableAttributes"]


# --- documents ------------------------------------------------------------------------------------------


def test_documents_round_trip():
    for course in COURSES:
        data = to_meili(course)
        assert json.loads(json.dumps(data, allow_nan=False)) == data
        assert from_meili(data) == course
        assert data["id"] == str(course.id) and data["teacher_id"] == str(course.teacher_id)
        assert data["is_free"] is (course.price == 0)
        assert isinstance(data["lesson_titles"], list)


def test_documents_carry_the_fingerprint_of_the_document_written():
    for course in COURSES:
        assert to_meili(course)[FINGERPRINT] == fingerprint(course)
    forged = dataclasses.replace(COURSES[0], title=f"{P}Fake{Q} mark")
    assert to_meili(forged)[FINGERPRINT] == fingerprint(forged)  # of the source, not of the cleaned text


def test_the_fingerprint_is_neither_searched_filtered_sorted_nor_returned_by_searches():
    settings = index_settings()
    for key in ("searchableAttributes", "filterableAttributes", "sortableAttributes"):
        assert FINGERPRINT not in settings[key]
    assert settings["displayedAttributes"] == ["*"]  # the documents route lists it
    for query in (SearchQuery(), SearchQuery(highlight=False), SearchQuery(text="x", levels=("beginner",))):
        for body in build_search_requests(query, "courses"):
            if body.get("limit") != 0:  # a body with hits names what they hold
                assert FINGERPRINT not in body["attributesToRetrieve"]


def test_highlight_markers_cannot_be_indexed():
    forged = dataclasses.replace(COURSES[0], title=f"{P}Fake{Q} mark", lesson_titles=(f"a{P}b",))
    data = to_meili(forged)
    assert data["title"] == "Fake mark" and data["lesson_titles"] == ["ab"]


@pytest.mark.parametrize(
    "change",
    [
        {"price": float("nan")},
        {"price": float("inf")},
        {"price": -1.0},
        {"rating_avg": 5.1},
        {"rating_avg": float("nan")},
        {"review_count": -1},
        {"enrollment_count": 1.5},
        {"title": None},
    ],
)
def test_invalid_documents_are_refused_clearly(change):
    bad = dataclasses.replace(COURSES[0], **change)
    with pytest.raises(InvalidDocument, match=str(COURSES[0].id)):
        to_meili(bad)
    assert issubclass(InvalidDocument, SearchEngineError)


# --- request bodies -------------------------------------------------------------------------------------


def test_main_request():
    (main,) = build_search_requests(SearchQuery(text="data pyt", page=3, per_page=7), "courses")
    assert main["indexUid"] == "courses" and main["q"] == "data pyt"
    assert main["page"] == 3 and main["hitsPerPage"] == 7
    assert "offset" not in main and "limit" not in main
    assert main["matchingStrategy"] == "all"
    assert main["facets"] == ["category_slug", "level", "is_free", "price"]
    assert main["attributesToHighlight"] == ["title", "summary"]
    assert main["highlightPreTag"] == P and main["highlightPostTag"] == Q
    assert main["attributesToRetrieve"] == ["id", "title", "summary"]
    assert "filter" not in main and "sort" not in main


def test_no_highlight_request():
    (main,) = build_search_requests(SearchQuery(highlight=False, facets=()), "courses")
    assert "attributesToHighlight" not in main and main["attributesToRetrieve"] == ["id"]
    assert main["facets"] == ["price"]  # price stats


def test_price_stats_are_asked_for_only_when_wanted():
    (main,) = build_search_requests(SearchQuery(price_stats=False), "courses")
    assert main["facets"] == ["category_slug", "level", "is_free"]
    answer = _answer(total=3)
    answer["facetStats"] = {"price": {"min": 1.0, "max": 2.0}}
    assert map_response(SearchQuery(price_stats=False), [answer]).price_stats is None
    assert map_response(SearchQuery(), [answer]).price_stats == {"min": 1.0, "max": 2.0}


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (Sort.RATING, ["rating_avg:desc", "review_count:desc"]),
        (Sort.POPULAR, ["enrollment_count:desc"]),
        (Sort.NEWEST, ["published_at:desc"]),
        (Sort.PRICE_ASC, ["price:asc"]),
        (Sort.PRICE_DESC, ["price:desc"]),
    ],
)
def test_sorts(sort, expected):
    (main,) = build_search_requests(SearchQuery(sort=sort), "courses")
    assert main["sort"] == expected


def test_disjunctive_facet_requests():
    query = SearchQuery(text="x", categories=("cooking", "music"), price=(PriceFilter.FREE,), min_rating=4.0)
    main, by_category, by_price = build_search_requests(query, "live")
    assert main["filter"] == build_filter(query)
    assert main["facets"] == ["level", "price"]  # selected facets are counted by their own request
    assert by_category == {
        "indexUid": "live",
        "q": "x",
        "matchingStrategy": "all",
        "facets": ["category_slug"],
        "limit": 0,
        "filter": "(is_free = true) AND (rating_avg >= 4.0)",
    }
    assert by_price["facets"] == ["is_free"] and by_price["limit"] == 0
    assert by_price["filter"] == '(category_slug IN ["cooking", "music"]) AND (rating_avg >= 4.0)'


def test_only_requested_facets():
    requests_ = build_search_requests(SearchQuery(categories=("a",), facets=(Facet.LEVEL,)), "live")
    assert len(requests_) == 1 and requests_[0]["facets"] == ["level", "price"]


def test_query_syntax_is_neutralised():
    assert plain_query_text("-python") == "python"
    assert plain_query_text("data --python -") == "data python "
    assert plain_query_text('"exact phrase"') == " exact phrase "
    assert plain_query_text("e-learning x-ray") == "e-learning x-ray"
    assert plain_query_text(') * title: NOT "') == ") * title: NOT  "


# --- response mapping -----------------------------------------------------------------------------------


def test_render_highlight_escapes_around_marks():
    assert render_highlight(f"HTML & CSS: The <b> Tag and {P}Friends{Q}") == (
        "HTML &amp; CSS: The &lt;b&gt; Tag and <mark>Friends</mark>"
    )
    assert render_highlight(f'{P}<script>{Q}"x"') == "<mark>&lt;script&gt;</mark>&quot;x&quot;"
    assert render_highlight("<mark>not ours</mark>") == "&lt;mark&gt;not ours&lt;/mark&gt;"
    assert render_highlight(f"{P}Pyt{Q}hon") == "<mark>Pyt</mark>hon"


def test_render_highlight_survives_broken_markers():
    assert render_highlight(f"a{Q}b") == "ab"
    assert render_highlight(f"{P}a{P}b{Q}c{Q}") == "<mark>ab</mark>c"
    assert render_highlight(f"{P}open") == "<mark>open</mark>"
    assert render_highlight(f"x{P}{Q}y") == "xy"
    assert render_highlight("") == ""


def _answer(hits=(), total=2, **extra) -> dict[str, Any]:
    return {"hits": list(hits), "totalHits": total, "processingTimeMs": 3, **extra}


def test_map_response():
    a, b = uuid.uuid4(), uuid.uuid4()
    query = SearchQuery(text="pyt", categories=("programming",), page=2, per_page=5)
    results = [
        _answer(
            [
                {
                    "id": str(a),
                    "title": "Python",
                    "summary": "s",
                    "_formatted": {"title": f"{P}Pyt{Q}hon", "summary": "a & b"},
                },
                {"id": str(b), "title": "R <3", "summary": "t"},  # no _formatted: escaped as is
            ],
            total=17,
            facetDistribution={"level": {"beginner": 10, "advanced": 7}, "is_free": {"true": 4, "false": 13}},
            facetStats={"price": {"min": 0, "max": 120.5}},
        ),
        _answer(total=40, processingTimeMs=2, facetDistribution={"category_slug": {"programming": 17, "music": 23}}),
    ]
    result = map_response(query, results)
    assert [h.id for h in result.hits] == [a, b]
    assert result.hits[0].highlight == {"title": "<mark>Pyt</mark>hon", "summary": "a &amp; b"}
    assert result.hits[1].highlight == {"title": "R &lt;3", "summary": "t"}
    assert result.total == 17 and result.total_exact is True
    assert result.page == 2 and result.per_page == 5
    assert result.facets == {
        "category": {"programming": 17, "music": 23},
        "level": {"beginner": 10, "advanced": 7},
        "price": {"free": 4, "paid": 13},
    }
    assert result.price_stats == {"min": 0.0, "max": 120.5}
    assert result.took_ms == 5.0


def test_map_response_totals():
    query = SearchQuery()
    capped = map_response(query, [_answer(total=MAX_REACHABLE_HITS)])
    assert capped.total == MAX_REACHABLE_HITS and capped.total_exact is False
    estimated = map_response(query, [{"hits": [], "estimatedTotalHits": 12, "processingTimeMs": 0}])
    assert estimated.total == 12 and estimated.total_exact is False
    empty = map_response(query, [_answer(total=0)])
    assert empty.price_stats is None and empty.facets["price"] == {"free": 0, "paid": 0}
    assert empty.facets["category"] == {} and empty.hits == []


def test_map_response_without_highlight():
    a = uuid.uuid4()
    result = map_response(SearchQuery(highlight=False), [_answer([{"id": str(a)}])])
    assert result.hits[0].highlight == {}


# --- tasks ----------------------------------------------------------------------------------------------

FAILED = {
    "uid": 42,
    "indexUid": "courses__slot3",
    "status": "failed",
    "type": "documentAdditionOrUpdate",
    "error": {
        "message": "Document identifier `a b` is invalid.",
        "code": "invalid_document_id",
        "type": "invalid_request",
        "link": "https://docs.meilisearch.com/errors#invalid_document_id",
    },
    "enqueuedAt": "2025-01-01T00:00:00.000000Z",
}


def test_a_failed_task_raises_with_meilisearchs_error():
    for task in (FAILED, Task(**FAILED)):  # the JSON and the client's model (what wait_for_task returns)
        with pytest.raises(TaskFailed) as raised:
            check_task(task)
        assert raised.value.code == "invalid_document_id"
        assert "task 42" in str(raised.value) and "Document identifier `a b` is invalid." in str(raised.value)
        assert "courses__slot3" in str(raised.value)
        assert isinstance(raised.value, SearchEngineError)


def test_other_task_outcomes():
    check_task({**FAILED, "status": "succeeded", "error": None})
    check_task(Task(**{**FAILED, "status": "succeeded", "error": None}))
    for status in ("canceled", "enqueued", "processing"):
        with pytest.raises(TaskFailed, match=status if status != "canceled" else "canceled"):
            check_task({**FAILED, "status": status, "error": None})
    assert is_finished({"status": "failed"}) and not is_finished({"status": "processing"})


def test_task_uid():
    info = TaskInfo(
        taskUid=7, indexUid="x", status="enqueued", type="indexCreation", enqueuedAt="2025-01-01T00:00:00.000000Z"
    )
    assert task_uid(info) == 7 and task_uid({"taskUid": 8}) == 8 and task_uid(Task(**FAILED)) == 42
    with pytest.raises(SearchEngineError):
        task_uid({})


# --- layout ---------------------------------------------------------------------------------------------


def test_layout_names():
    assert layout.live_uid("courses") == "courses"
    assert layout.id_uid("courses") == "courses__version"
    assert layout.slot_uid("courses", 7) == "courses__slot7"
    assert layout.slot_number("courses", "courses__slot7") == 7
    for other in ("courses", "courses__slot7__version", "coursesx__slot7", "courses__slot", "other__slot1"):
        assert layout.slot_number("courses", other) is None
    assert layout.version_name("courses", 3) == "courses_v3"
    assert layout.version_number("courses", "courses_v3") == 3
    assert layout.version_number("courses", "other_v3") is None
    assert layout.next_number("courses", ["courses__slot4"], ["courses_v2", "courses_v3"]) == 5
    assert layout.next_number("courses", [], []) == 1


@pytest.mark.parametrize("bad", ["", "a__b", "x_", "has space", "a/b", "é", "x" * 81])
def test_bad_prefixes_are_refused(bad):
    with pytest.raises(ValueError):
        layout.validate_prefix(bad)


# --- the engine over an in-memory stand-in for the client -----------------------------------------------


def api_error(status: int, code: str, message: str) -> MeilisearchApiError:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps({"message": message, "code": code, "type": "invalid_request", "link": ""}).encode()
    return MeilisearchApiError("error", response)


class FakeIndex:
    def __init__(self, client: "FakeClient", uid: str) -> None:
        self.client, self.uid = client, uid

    def update_settings(self, settings):
        return self.client.enqueue("settingsUpdate", self.uid, lambda ix: ix.__setitem__("settings", settings))

    def add_documents(self, documents, primary_key=None):
        def apply(ix):
            for doc in documents:
                ix["docs"][doc["id"]] = dict(doc)

        return self.client.enqueue("documentAdditionOrUpdate", self.uid, apply, create=True)

    def delete_documents(self, ids=None, **_):
        def apply(ix):
            for i in ids:
                ix["docs"].pop(i, None)

        return self.client.enqueue("documentDeletion", self.uid, apply)

    def get_document(self, doc_id):
        ix = self.client.indexes.get(self.uid)
        if ix is None:
            raise api_error(404, "index_not_found", f"Index `{self.uid}` not found.")
        if doc_id not in ix["docs"]:
            raise api_error(404, "document_not_found", f"Document `{doc_id}` not found.")
        return SimpleNamespace(**ix["docs"][doc_id])

    def get_documents(self, parameters=None):
        ix = self.client.indexes.get(self.uid)
        if ix is None:
            raise api_error(404, "index_not_found", f"Index `{self.uid}` not found.")
        self.client.document_reads.append(dict(parameters))
        offset, limit, fields = parameters.get("offset", 0), parameters.get("limit", 20), parameters.get("fields")
        docs = list(ix["docs"].values())
        page = [{k: v for k, v in d.items() if fields is None or k in fields} for d in docs[offset : offset + limit]]
        return DocumentsResults({"results": page, "offset": offset, "limit": limit, "total": len(docs)})

    def get_stats(self):
        ix = self.client.indexes.get(self.uid)
        if ix is None:
            raise api_error(404, "index_not_found", f"Index `{self.uid}` not found.")
        return SimpleNamespace(number_of_documents=len(ix["docs"]))


class FakeClient:
    """Indexes, documents, tasks and swaps, processed at once; ``fail_next`` makes the next task fail."""

    def __init__(self) -> None:
        self.indexes: dict[str, dict] = {}
        self.tasks: dict[int, SimpleNamespace] = {}
        self.fail_next: dict | None = None
        self.searches: list = []
        self.document_reads: list[dict] = []
        self.answer: dict | None = None

    def enqueue(self, kind, index_uid, apply, *, create=False):
        uid = len(self.tasks) + 1
        error = self.fail_next
        self.fail_next = None
        if error is None:
            if index_uid is not None and index_uid not in self.indexes:
                if create:
                    self.indexes[index_uid] = {"docs": {}, "settings": {}}
                else:
                    error = {"code": "index_not_found", "message": f"Index `{index_uid}` not found."}
            if error is None:
                error = apply(self.indexes.get(index_uid))
        status = "failed" if error else "succeeded"
        self.tasks[uid] = SimpleNamespace(uid=uid, index_uid=index_uid, status=status, type=kind, error=error)
        return SimpleNamespace(task_uid=uid)

    def create_index(self, uid, options=None):
        def apply(_):
            if uid in self.indexes:
                return {"code": "index_already_exists", "message": f"Index `{uid}` already exists."}
            self.indexes[uid] = {"docs": {}, "settings": {}}
            return None

        return self.enqueue("indexCreation", None, apply)

    def delete_index(self, uid):
        return self.enqueue("indexDeletion", uid, lambda _: self.indexes.pop(uid) and None)

    def swap_indexes(self, pairs):
        def apply(_):
            names = [u for p in pairs for u in p["indexes"]]
            missing = [u for u in names if u not in self.indexes]
            if missing:
                return {"code": "index_not_found", "message": f"Indexes {missing} not found."}
            for pair in pairs:
                a, b = pair["indexes"]
                self.indexes[a], self.indexes[b] = self.indexes[b], self.indexes[a]
            return None

        return self.enqueue("indexSwap", None, apply)

    def get_task(self, uid):
        return self.tasks[uid]

    def index(self, uid):
        return FakeIndex(self, uid)

    def get_raw_index(self, uid):
        if uid not in self.indexes:
            raise api_error(404, "index_not_found", f"Index `{uid}` not found.")
        return {"uid": uid}

    def get_raw_indexes(self, parameters=None):
        uids = sorted(self.indexes)
        offset, limit = parameters.get("offset", 0), parameters.get("limit", 20)
        return {"results": [{"uid": u} for u in uids[offset : offset + limit]], "total": len(uids)}

    def multi_search(self, queries):
        self.searches.append(queries)
        if "courses" not in self.indexes:
            raise api_error(404, "index_not_found", "Index `courses` not found.")
        return self.answer

    def health(self):
        return {"status": "available"}


@pytest.fixture
def fake() -> FakeClient:
    return FakeClient()


@pytest.fixture
def meili(fake) -> MeilisearchEngine:
    return MeilisearchEngine("http://meili.invalid", None, "courses", client=fake)  # type: ignore[arg-type]


def docs_in(fake: FakeClient, uid: str) -> set[str]:
    return set(fake.indexes[uid]["docs"])


def test_versions_map_onto_a_live_index_and_slots(meili, fake):
    assert meili.active_version() is None and meili.versions() == []
    v1 = meili.create_version()
    assert v1 == IndexVersion("courses_v1") and meili.versions() == [v1]
    assert fake.indexes["courses__slot1"]["settings"] == index_settings()
    meili.upsert(COURSES[:3], v1)
    assert meili.count(v1) == 3 and "courses" not in fake.indexes  # nothing live yet

    meili.activate(v1)
    assert meili.active_version() == v1
    assert docs_in(fake, "courses") == {str(c.id) for c in COURSES[:3]}
    assert "courses__slot1" not in fake.indexes  # the empty placeholder it was swapped with is gone
    assert meili.versions() == [v1]

    v2 = meili.create_version()
    assert v2 == IndexVersion("courses_v2")
    meili.upsert(COURSES[3:8], v2)
    meili.upsert([COURSES[8]])  # the active version by default
    assert meili.count() == 4 and meili.count(v2) == 5

    meili.activate(v2)
    assert meili.active_version() == v2 and meili.count() == 5
    assert docs_in(fake, "courses") == {str(c.id) for c in COURSES[3:8]}
    assert meili.count(v1) == 4  # parked: in v2's old slot, still named v1
    assert fake.indexes["courses__slot2__version"]["docs"]["version"]["name"] == "courses_v1"
    assert meili.versions() == [v1, v2]

    meili.activate(v1)  # rollback is one more swap
    assert meili.active_version() == v1 and meili.count() == 4 and meili.count(v2) == 5
    meili.activate(v2)

    with pytest.raises(SearchEngineError, match="active"):
        meili.drop(v2)
    meili.drop(v1)
    assert meili.versions() == [v2] and "courses__slot2" not in fake.indexes
    meili.drop(v1)  # idempotent

    v3 = meili.create_version()
    assert v3 == IndexVersion("courses_v3")  # never reuses a name


def test_writes_need_an_existing_version(meili):
    with pytest.raises(SearchEngineError, match="no active version"):
        meili.upsert(COURSES[:1])
    with pytest.raises(SearchEngineError, match="courses_v9"):
        meili.upsert(COURSES[:1], IndexVersion("courses_v9"))
    with pytest.raises(SearchEngineError, match="courses_v9"):
        meili.activate(IndexVersion("courses_v9"))
    meili.upsert([])  # nothing to write: no error, no request


def test_a_failed_task_raises_and_later_writes_land(meili, fake):
    v = meili.create_version()
    meili.activate(v)
    fake.fail_next = {"code": "invalid_document_fields", "message": "The document is broken."}
    with pytest.raises(SearchEngineError, match="invalid_document_fields: The document is broken"):
        meili.upsert(COURSES[:2])
    meili.upsert(COURSES[2:4])
    assert meili.count() == 2


def test_an_invalid_document_is_refused_before_anything_is_sent(meili, fake):
    v = meili.create_version()
    meili.activate(v)
    before = len(fake.tasks)
    with pytest.raises(InvalidDocument):
        meili.upsert([COURSES[0], dataclasses.replace(COURSES[1], price=float("nan"))])
    assert len(fake.tasks) == before and meili.count() == 0


def test_upserts_go_in_batches(fake):
    engine = MeilisearchEngine("http://meili.invalid", None, "courses", client=fake, batch_size=7)  # type: ignore[arg-type]
    v = engine.create_version()
    before = len(fake.tasks)
    engine.upsert(COURSES, v)
    assert len(fake.tasks) - before == 6  # 40 documents, 7 a batch
    assert engine.count(v) == len(COURSES)
    engine.delete([c.id for c in COURSES[:10]], v)
    assert engine.count(v) == len(COURSES) - 10


def test_fingerprints_page_through_id_and_fp_only(fake):
    engine = MeilisearchEngine("http://meili.invalid", None, "courses", client=fake, read_page_size=7)  # type: ignore[arg-type]
    with pytest.raises(SearchEngineError, match="no active version"):
        engine.fingerprints()
    v1 = engine.create_version()
    assert engine.fingerprints(v1) == {}
    engine.upsert(COURSES, v1)
    expected = {c.id: fingerprint(c) for c in COURSES}
    fake.document_reads.clear()
    assert engine.fingerprints(v1) == expected
    assert [r["offset"] for r in fake.document_reads] == list(range(0, len(COURSES), 7))  # 40 documents
    assert all(r["fields"] == ["id", FINGERPRINT] and r["limit"] == 7 for r in fake.document_reads)

    engine.activate(v1)
    changed = dataclasses.replace(COURSES[0], price=COURSES[0].price + 1)
    engine.upsert([changed])
    engine.delete([COURSES[1].id])
    expected = {**expected, changed.id: fingerprint(changed)}
    del expected[COURSES[1].id]
    assert engine.fingerprints() == expected

    v2 = engine.create_version()
    engine.upsert(COURSES[:3], v2)
    engine.activate(v2)
    assert engine.fingerprints(v1) == expected  # parked
    assert engine.fingerprints() == {c.id: fingerprint(c) for c in COURSES[:3]}
    with pytest.raises(SearchEngineError, match="courses_v9"):
        engine.fingerprints(IndexVersion("courses_v9"))


def test_a_document_indexed_without_a_fingerprint_lists_as_empty(meili, fake):
    meili.activate(meili.create_version())
    legacy = {k: v for k, v in to_meili(COURSES[0]).items() if k != FINGERPRINT}
    fake.indexes["courses"]["docs"][legacy["id"]] = legacy
    assert meili.fingerprints() == {COURSES[0].id: ""}


def test_a_task_that_never_finishes_times_out(fake):
    engine = MeilisearchEngine("http://meili.invalid", None, "courses", client=fake, task_timeout_s=0.05)  # type: ignore[arg-type]
    v = engine.create_version()
    engine.activate(v)
    real = fake.get_task
    fake.get_task = lambda uid: SimpleNamespace(**{**vars(real(uid)), "status": "processing"})
    with pytest.raises(SearchEngineError, match="not finished"):
        engine.upsert(COURSES[:1])


def test_search_sends_the_built_requests_and_maps_the_answer(meili, fake):
    query = SearchQuery(text="python", categories=("programming",))
    with pytest.raises(SearchUnavailable, match="no active version"):
        meili.search(query)
    meili.activate(meili.create_version())
    a = uuid.uuid4()
    fake.answer = {"results": [_answer([{"id": str(a), "title": "Python", "summary": ""}], total=1), _answer(total=3)]}
    result = meili.search(query)
    assert fake.searches[-1] == build_search_requests(query, "courses")
    assert [h.id for h in result.hits] == [a] and result.total == 1


def test_an_unreachable_server_is_search_unavailable():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the block ends: nothing listens there
    engine = MeilisearchEngine(f"http://127.0.0.1:{port}", "key", "courses", request_timeout_s=2)
    assert engine.health() is False
    for call in (
        lambda: engine.search(SearchQuery(text="x")),
        lambda: engine.upsert(COURSES[:1]),
        lambda: engine.create_version(),
        lambda: engine.active_version(),
        lambda: engine.count(),
    ):
        with pytest.raises(SearchUnavailable):
            call()


@pytest.mark.parametrize(
    ("status", "code", "unavailable"),
    [
        (503, "unavailable", True),
        (502, "bad_gateway", True),
        (401, "missing_authorization_header", True),
        (403, "invalid_api_key", True),
        (400, "invalid_search_filter", False),
        (404, "index_not_found", False),
    ],
)
def test_client_errors_map_onto_the_interface(status, code, unavailable):
    from search.meili.engine import _translate

    error = _translate("search", api_error(status, code, "message text"))
    assert isinstance(error, SearchUnavailable) is unavailable
    assert isinstance(error, SearchEngineError) and "message text" in str(error)
