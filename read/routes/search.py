"""Full-text search: the parameters validated into a ``SearchQuery`` (never a raw filter string), the
engine's hits joined with their cards from the read model."""

import time

import orjson
from anyio import to_thread
from fastapi import APIRouter, Request, Response

from read import models
from read.errors import InvalidInput
from read.params import SearchParams, openapi_parameters, parse
from read.services import services
from search import Facet, PriceFilter, SearchQuery, SearchResult, Sort
from search.query import MAX_REACHABLE_HITS

router = APIRouter(tags=["search"])


@router.get(
    "/search",
    response_model=models.SearchAnswer,
    responses=models.errors(422, 503),
    summary="Full-text search with filters, facets and highlights",
    description=f"Typo-tolerant, prefix-matching search over published courses. Filters may repeat: OR within "
    f"one (`category=a&category=b`), AND across them. Only the first {MAX_REACHABLE_HITS} hits are reachable "
    f"(`max_reachable_hits`); a page past them is 422. An unknown category matches nothing. Search being "
    f"down is 503 `search_unavailable` (the catalog and cards keep working).",
    openapi_extra={"parameters": openapi_parameters(SearchParams)},
)
async def search(request: Request) -> Response:
    started = time.perf_counter()
    deps, params = services(request), parse(request, SearchParams)
    result = await to_thread.run_sync(deps.engine.search, _query(params), limiter=deps.search_slots)
    cards = await deps.model.cards([hit.id for hit in result.hits])
    hits = [
        card[:-1] + b',"highlight":' + orjson.dumps(_highlight(hit.highlight)) + b"}"
        for hit, card in zip(result.hits, cards, strict=True)
        if card  # a course unpublished a moment ago may linger in the index until its commit
    ]
    rest = _summary(result) | {"took_ms": round((time.perf_counter() - started) * 1000, 2)}
    body = b'{"hits":[' + b",".join(hits) + b"]," + orjson.dumps(rest)[1:]
    return Response(body, media_type="application/json", headers={"Cache-Control": deps.search_max_age})


def _query(params: SearchParams) -> SearchQuery:
    if (params.page - 1) * params.per_page >= MAX_REACHABLE_HITS:
        raise InvalidInput(
            f"Only the first {MAX_REACHABLE_HITS} hits can be reached; narrow the search instead.",
            details={"max_reachable_hits": MAX_REACHABLE_HITS},
        )
    return SearchQuery(
        text=params.q,
        categories=tuple(dict.fromkeys(params.category)),
        levels=tuple(dict.fromkeys(params.level)),
        price=tuple(PriceFilter(p) for p in dict.fromkeys(params.price)),
        min_rating=params.min_rating,
        sort=Sort(params.sort),
        page=params.page,
        per_page=params.per_page,
        facets=(Facet.CATEGORY, Facet.LEVEL, Facet.PRICE),
        price_stats=False,  # the answer has no price range
    )


def _summary(result: SearchResult) -> dict:
    price = result.facets.get("price", {})
    return {
        "total": result.total,
        "total_exact": result.total_exact,
        "page": result.page,
        "per_page": result.per_page,
        "max_reachable_hits": MAX_REACHABLE_HITS,
        "facets": {
            "category": result.facets.get("category", {}),
            "level": result.facets.get("level", {}),
            "price": {"free": price.get("free", 0), "paid": price.get("paid", 0)},
        },
    }


def _highlight(found: dict[str, str]) -> dict[str, str]:
    return {"title": found.get("title", ""), "summary": found.get("summary", "")}
