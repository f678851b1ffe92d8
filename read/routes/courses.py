"""A course's card, curriculum and reviews."""

import base64
import binascii
import uuid
from datetime import datetime

import orjson
from fastapi import APIRouter, Request, Response

from projectors.layout import CARDS, CURRICULA, REVIEWS
from read import models
from read.caching import REVALIDATE, cached, etag_of
from read.errors import InvalidInput, NotFound
from read.freshness import wait_for_version
from read.params import CourseParams, ReviewsParams, openapi_parameters, parse
from read.services import Services, services

router = APIRouter(tags=["courses"])
COURSE = {"parameters": openapi_parameters(CourseParams)}


def _version_of(document: bytes | None) -> int | None:
    return None if document is None else orjson.loads(document)["version"]


async def _course_document(deps: Services, projection: str, course_id: uuid.UUID, min_version: int | None):
    """(active version, document) of a card or curriculum, waiting for ``min_version`` when asked."""
    version, document = await deps.model.document(projection, course_id)
    if min_version is not None and (document is None or _version_of(document) < min_version):

        async def read() -> tuple[bytes | None, int | None]:
            nonlocal version
            version, found = await deps.model.document(projection, course_id)
            return found, _version_of(found)

        document = await wait_for_version(
            deps.feed, course_id, min_version, read, deps.settings.min_version_wait_seconds
        )
    if document is None:
        raise NotFound("No published course has this id.")
    return version, document


async def _course_answer(request: Request, projection: str) -> Response:
    deps, params = services(request), parse(request, CourseParams)
    version, body = await _course_document(deps, projection, params.course_id, params.min_version)
    freshness = REVALIDATE if params.min_version else deps.max_age
    return cached(request, body, etag_of(projection, version, body), freshness)


@router.get(
    "/courses/{course_id}",
    response_model=models.Card,
    responses=models.errors(304, 404, 422, 503),
    summary="A course's card",
    openapi_extra=COURSE,
)
async def card(request: Request) -> Response:
    return await _course_answer(request, CARDS)


@router.get(
    "/courses/{course_id}/curriculum",
    response_model=models.Curriculum,
    responses=models.errors(304, 404, 422, 503),
    summary="A course's modules and lessons, in order",
    openapi_extra=COURSE,
)
async def curriculum(request: Request) -> Response:
    return await _course_answer(request, CURRICULA)


# -- reviews: the newest first, paged over the projection's recent reviews ------------------------------


def _review_cursor(created_at: str, seen_at_that_time: int) -> str:
    return base64.urlsafe_b64encode(f"{created_at}|{seen_at_that_time}".encode()).decode().rstrip("=")


def _decode_review_cursor(cursor: str) -> tuple[str, int]:
    try:
        created_at, seen = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("|")
        datetime.fromisoformat(created_at)
        if not seen.isdigit() or int(seen) > 10_000:
            raise ValueError(seen)
        return created_at, int(seen)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidInput("This cursor is not one the API gave out.", details={"cursor": cursor}) from None


@router.get(
    "/courses/{course_id}/reviews",
    response_model=models.ReviewsPage,
    responses=models.errors(304, 404, 422, 503),
    summary="A course's reviews, newest first",
    description="Pages over the course's 100 newest reviews (older ones are not served). The cursor marks a "
    "place in time, so reviews posted meanwhile never repeat or shift a later page.",
    openapi_extra={"parameters": openapi_parameters(ReviewsParams)},
)
async def reviews(request: Request) -> Response:
    deps, params = services(request), parse(request, ReviewsParams)
    version, raw = await deps.model.document(REVIEWS, params.course_id)
    if raw is None:
        raise NotFound("No published course has this id.")
    page, next_cursor = _page(orjson.loads(raw), params.cursor, params.limit)  # 100 at most: parsed to be paged
    body = orjson.dumps({"items": page, "next_cursor": next_cursor})
    return cached(request, body, etag_of(REVIEWS, version, body), deps.max_age)


def _page(items: list[dict], cursor: str | None, limit: int) -> tuple[list[dict], str | None]:
    """The reviews after ``cursor`` (newest first) and the cursor after them: a cursor names an instant and
    how many reviews of that instant were shown, so reviews posted meanwhile never repeat or shift a page."""
    start = 0
    if cursor is not None:
        created_at, seen = _decode_review_cursor(cursor)
        while start < len(items) and items[start]["created_at"] > created_at:
            start += 1
        while seen and start < len(items) and items[start]["created_at"] == created_at:
            start, seen = start + 1, seen - 1
    page = items[start : start + limit]
    if not page or start + limit >= len(items):
        return page, None
    last = page[-1]["created_at"]
    return page, _review_cursor(last, sum(1 for item in items[: start + limit] if item["created_at"] == last))
