"""The tantivy schema of a course index and the mapping of a ``CourseDocument`` onto it."""

import math
import uuid

import tantivy

from search.documents import CourseDocument, fingerprint
from search.embedded.analysis import TOKENIZER, index_form

# Bump when the schema or the analysis changes: an index of another layout must be rebuilt.
SCHEMA_VERSION = 3  # 3: the stored fingerprint (FP)

ID = "id"  # raw, stored: deletes by term, the hit's id
STORED_TITLE = "title"  # bytes, stored: the original title and summary (for highlights)
STORED_SUMMARY = "summary"
FP = "fp"  # bytes, stored only: ``documents.fingerprint`` of the document written (ASCII hex)

# Searchable fields (``analysis.index_form`` of the text) and their weights, best first.
SEARCHABLE: dict[str, int] = {  # (the order of to_tantivy's forms)
    "s_title": 50,
    "s_teacher": 40,
    "s_category": 30,
    "s_summary": 20,
    "s_description": 20,
    "s_lessons": 10,
}

# Every searchable field's terms again, in one field: typo and prefix matching (automata, the costly part
# of a query) run on it and on the title only, not on every field.
ALL_TEXT = "s_all"
TITLE = "s_title"

# Filter fields: raw (one term each, matched literally).
CATEGORY = "category"
LEVEL = "level"
PRICE_KIND = "price_kind"  # "free" | "paid"
RATING = "rating_avg"  # f64, fast: min_rating
PRICE = "price"  # f64, fast: price stats
# The facet values of a document in one raw fast field, "level<US>price kind<US>category" (the category
# last: it may contain anything): one terms aggregation on it gives the joint distribution the facet
# counts are derived from.
CELL = "facet_cell"
CELL_SEPARATOR = "\x1f"


def cell_values(key: str) -> tuple[str, str, str]:
    """(category, level, price kind) of a CELL value."""
    level, kind, category = key.split(CELL_SEPARATOR, 2)
    return category, level, kind


# Sort keys: one u64 fast field per sort order, the sort's fields packed from most to least significant,
# the low bits taken from the course id, so equal values still order stably (and tantivy orders the rare
# remaining ties by document address, fixed for one searcher).
K_RATING = "k_rating"
K_POPULAR = "k_popular"
K_NEWEST = "k_newest"
K_PRICE = "k_price"


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field(ID, stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_bytes_field(STORED_TITLE, stored=True)
    sb.add_bytes_field(STORED_SUMMARY, stored=True)
    sb.add_bytes_field(FP, stored=True)
    for name in (*SEARCHABLE, ALL_TEXT):
        sb.add_text_field(name, tokenizer_name=TOKENIZER, index_option="basic")
    for name in (CATEGORY, LEVEL, PRICE_KIND):
        sb.add_text_field(name, tokenizer_name="raw", index_option="basic")
    sb.add_text_field(CELL, tokenizer_name="raw", index_option="basic", fast=True)
    sb.add_float_field(RATING, indexed=True, fast=True)
    sb.add_float_field(PRICE, fast=True)
    for name in (K_RATING, K_POPULAR, K_NEWEST, K_PRICE):
        sb.add_unsigned_field(name, fast=True)
    return sb.build()


class InvalidDocument(ValueError):
    pass


_B16, _B24, _B30, _B34 = (1 << 16) - 1, (1 << 24) - 1, (1 << 30) - 1, (1 << 34) - 1


def _clamp(value: int, top: int) -> int:
    return 0 if value < 0 else top if value > top else value


def sort_keys(doc_id: uuid.UUID, rating: float, review_count: int, enrollments: int, published_at: int, price: float):
    """The packed sort keys (see K_*): most significant field first, low bits from the id."""
    low = doc_id.int
    return (
        (_clamp(round(rating * 10_000), _B16) << 48) | (_clamp(int(review_count), _B24) << 24) | (low & _B24),
        (_clamp(int(enrollments), _B34) << 30) | (low & _B30),
        (_clamp(int(published_at), _B34) << 30) | (low & _B30),
        (_clamp(round(price * 100), _B34) << 30) | (low & _B30),
    )


def to_tantivy(doc: CourseDocument) -> tuple[str, tantivy.Document]:
    """The document's id (as indexed) and its tantivy form. Raises InvalidDocument — before anything is
    written — when it cannot be indexed. (Hot path of bulk indexing: kept lean.)"""
    try:
        doc_id = doc.id
        if not isinstance(doc_id, uuid.UUID):
            raise InvalidDocument(f"id must be a UUID, got {doc_id!r}")
        price = float(doc.price)
        rating = float(doc.rating_avg)
        if not (math.isfinite(price) and math.isfinite(rating)):
            raise InvalidDocument(f"price and rating_avg must be finite numbers, got {price!r}, {rating!r}")
        if price < 0:
            raise InvalidDocument(f"price must not be negative, got {price}")
        key = str(doc_id)
        out = tantivy.Document()
        add_text = out.add_text
        add_text(ID, key)
        # text fields of another type fail in encode / index_form (TypeError, AttributeError)
        out.add_bytes(STORED_TITLE, doc.title.encode())
        out.add_bytes(STORED_SUMMARY, doc.summary.encode())
        forms = (
            index_form(doc.title),
            index_form(doc.teacher_name),
            index_form(doc.category_name),
            index_form(doc.summary),
            index_form(doc.description),
            index_form("\n".join(doc.lesson_titles)),
        )
        add_text("s_title", forms[0])
        add_text("s_teacher", forms[1])
        add_text("s_category", forms[2])
        add_text("s_summary", forms[3])
        add_text("s_description", forms[4])
        add_text("s_lessons", forms[5])
        add_text(ALL_TEXT, " ".join(forms))
        kind = "free" if price == 0 else "paid"
        category, level = doc.category_slug, doc.level
        if CELL_SEPARATOR in level:
            raise InvalidDocument(f"level must not contain {CELL_SEPARATOR!r}")
        add_text(CATEGORY, category)
        add_text(LEVEL, level)
        add_text(PRICE_KIND, kind)
        add_text(CELL, f"{level}{CELL_SEPARATOR}{kind}{CELL_SEPARATOR}{category}")
        out.add_float(RATING, rating)
        out.add_float(PRICE, price)
        k_rating, k_popular, k_newest, k_price = sort_keys(
            doc_id, rating, doc.review_count, doc.enrollment_count, doc.published_at, price
        )
        add_unsigned = out.add_unsigned
        add_unsigned(K_RATING, k_rating)
        add_unsigned(K_POPULAR, k_popular)
        add_unsigned(K_NEWEST, k_newest)
        add_unsigned(K_PRICE, k_price)
        out.add_bytes(FP, fingerprint(doc).encode())
        return key, out
    except InvalidDocument as exc:
        raise InvalidDocument(f"course {getattr(doc, 'id', '?')}: {exc}") from None
    except (TypeError, ValueError, OverflowError, AttributeError) as exc:
        raise InvalidDocument(f"course {getattr(doc, 'id', '?')}: {exc!r}") from exc


def stored_texts(doc: tantivy.Document) -> tuple[str, str, str]:
    """(id, title, summary) of a stored document."""
    return doc.get_first(ID), doc.get_first(STORED_TITLE).decode(), doc.get_first(STORED_SUMMARY).decode()


def stored_fingerprint(doc: tantivy.Document) -> tuple[uuid.UUID, str]:
    """(id, fingerprint) of a stored document."""
    return uuid.UUID(doc.get_first(ID)), doc.get_first(FP).decode()
