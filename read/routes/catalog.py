"""Catalog pages and the categories."""

import orjson
from fastapi import APIRouter, Request, Response

from projectors.layout import CATEGORIES, LISTINGS, decode_cursor, encode_cursor
from read import models
from read.caching import cached, etag_of
from read.errors import InvalidInput
from read.params import CatalogParams, openapi_parameters, parse
from read.services import services

router = APIRouter(tags=["catalog"])


@router.get(
    "/catalog",
    response_model=models.CatalogPage,
    responses=models.errors(304, 422, 503),
    summary="Published courses by category and level, in an order, a page at a time",
    description="Cursor pages: as cheap at any depth, and no course repeats or goes missing between pages "
    "when the catalog changes meanwhile (a course that moved is shown where it is now). An unknown category "
    "is an empty page.",
    openapi_extra={"parameters": openapi_parameters(CatalogParams)},
)
async def catalog(request: Request) -> Response:
    deps, params = services(request), parse(request, CatalogParams)
    after, limit = None, params.limit
    if params.cursor is not None:
        after = decode_cursor(params.cursor)
        if after is None:
            raise InvalidInput("This cursor is not one the API gave out.", details={"cursor": params.cursor})
    version, entries = await deps.model.listing_page(params.category, params.level, params.sort, after, limit + 1)
    more = len(entries) > limit
    entries = entries[:limit]
    cards = [card for _, card in entries if card]
    next_cursor = encode_cursor(entries[-1][0]) if more else None
    body = b'{"items":[' + b",".join(cards) + b'],"next_cursor":' + orjson.dumps(next_cursor) + b"}"
    return cached(request, body, etag_of(LISTINGS, version, body), deps.max_age)


@router.get(
    "/categories",
    response_model=models.Categories,
    responses=models.errors(304, 503),
    summary="Every category with its number of published courses",
)
async def categories(request: Request) -> Response:
    deps = services(request)
    version, items = await deps.model.categories()
    body = b'{"items":' + items + b"}"
    return cached(request, body, etag_of(CATEGORIES, version, body), deps.max_age)
