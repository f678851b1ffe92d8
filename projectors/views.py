"""The projections of one course, made from its source: the card, the curriculum, its listing entries,
its newest reviews and its search document.

Every value is a pure function of the source, serialised canonically (fixed key order, no whitespace,
UTC timestamps), so projecting the same source twice gives the same bytes -- which is what makes
duplicate and out-of-order deliveries harmless and lets ``verify`` compare bytes.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import orjson

from projectors.layout import SORTS, listing_member, listing_places
from projectors.plain_text import markdown_to_text, summary_of
from projectors.source import CategoryCount, CourseSource
from search import CourseDocument


@dataclass(frozen=True)
class CourseViews:
    id: uuid.UUID
    version: int
    card: bytes
    curriculum: bytes
    reviews: bytes
    listing: bytes  # JSON list of [listing key suffix, member]
    listing_entries: tuple[tuple[str, str], ...]
    document: CourseDocument


def dumps(value: object) -> bytes:
    """Compact UTF-8 JSON, keys in the order written (orjson: the same bytes as the standard library's
    ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``, several times faster)."""
    return orjson.dumps(value)


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def rating_average(source: CourseSource) -> float:
    return round(source.rating_sum / source.review_count, 2) if source.review_count else 0.0


def price_text(price: Decimal) -> str:
    return f"{price:.2f}"


def course_views(source: CourseSource) -> CourseViews:
    course_id = str(source.id)
    description = markdown_to_text(source.description)
    rating = rating_average(source)
    lessons = [lesson for module in source.modules for lesson in module.lessons]
    card = {
        "id": course_id,
        "title": source.title,
        "summary": summary_of(description),
        "teacher": {"id": str(source.teacher_id), "name": source.teacher_name},
        "category": {"slug": source.category_slug, "name": source.category_name},
        "level": source.level,
        "price": price_text(source.price),
        "currency": source.currency,
        "is_free": source.price == 0,
        "language": source.language,
        "rating_avg": rating,
        "review_count": source.review_count,
        "enrollment_count": source.enrollment_count,
        "module_count": len(source.modules),
        "lesson_count": len(lessons),
        "duration_minutes": sum(lesson.duration_minutes for lesson in lessons),
        "published_at": timestamp(source.published_at),
        "updated_at": timestamp(source.updated_at),
        "version": source.version,
    }
    curriculum = {
        "course_id": course_id,
        "version": source.version,
        "modules": [
            {
                "id": module.id,
                "title": module.title,
                "position": module.position,
                "lessons": [
                    {
                        "id": lesson.id,
                        "title": lesson.title,
                        "position": lesson.position,
                        "duration_minutes": lesson.duration_minutes,
                        "is_preview": lesson.is_preview,
                    }
                    for lesson in module.lessons
                ],
            }
            for module in source.modules
        ],
    }
    reviews = [
        {"rating": r.rating, "text": r.text, "author_name": r.author_name, "created_at": timestamp(r.created_at)}
        for r in source.recent_reviews
    ]
    published_ms = int(source.published_at.timestamp() * 1000)
    price_cents = int(source.price * 100)
    listing = []
    places = listing_places(source.category_slug, source.level)
    for sort in SORTS:
        member = listing_member(
            sort, course_id=course_id, published_at_ms=published_ms, rating_avg=rating,
            review_count=source.review_count, enrollment_count=source.enrollment_count, price_cents=price_cents,
        )  # fmt: skip
        listing.extend((place + sort, member) for place in places)
    document = CourseDocument(
        id=source.id,
        title=source.title,
        summary=card["summary"],
        description=description,
        teacher_id=source.teacher_id,
        teacher_name=source.teacher_name,
        category_slug=source.category_slug,
        category_name=source.category_name,
        level=source.level,
        price=float(source.price),
        language=source.language,
        rating_avg=rating,
        review_count=source.review_count,
        enrollment_count=source.enrollment_count,
        published_at=int(source.published_at.timestamp()),
        version=source.version,
        lesson_titles=tuple(lesson.title for lesson in lessons),
    )
    return CourseViews(
        id=source.id,
        version=source.version,
        card=dumps(card),
        curriculum=dumps(curriculum),
        reviews=dumps(reviews),
        listing=dumps(listing),
        listing_entries=tuple(listing),
        document=document,
    )


def views_of(
    ids: list[uuid.UUID], sources: dict[uuid.UUID, CourseSource], failed: dict[uuid.UUID, str]
) -> tuple[list[CourseViews], list[uuid.UUID]]:
    """The views of the published courses among ``ids`` and the ids of the others (to remove). A course
    whose views cannot be made is added to ``failed`` and is in neither list: it keeps what it had."""
    views, removed = [], []
    for course_id in ids:
        if course_id in failed:
            continue
        source = sources.get(course_id)
        if source is None:
            removed.append(course_id)
            continue
        try:
            views.append(course_views(source))
        except Exception as error:
            failed[course_id] = f"{type(error).__name__}: {error}"
    return views, removed


def categories_view(counts: list[CategoryCount]) -> bytes:
    return dumps([{"slug": c.slug, "name": c.name, "course_count": c.course_count} for c in counts])
