"""The course document both engines index: what search needs of a published course card, and its
fingerprint (what ``SearchEngine.fingerprints`` compares with the source of truth)."""

import hashlib
import operator
import uuid
from dataclasses import dataclass, field, fields


@dataclass(frozen=True, kw_only=True)
class CourseDocument:
    id: uuid.UUID
    title: str
    summary: str  # plain text, no markdown
    description: str  # plain text of the description (markdown stripped by the projector)
    teacher_id: uuid.UUID
    teacher_name: str
    category_slug: str
    category_name: str
    level: str  # beginner | intermediate | advanced
    price: float  # in the platform currency; 0 = free
    language: str
    rating_avg: float  # 0 when unrated
    review_count: int
    enrollment_count: int
    published_at: int  # epoch seconds
    version: int  # the course version this document was built from
    lesson_titles: tuple[str, ...] = field(default=())

    @property
    def is_free(self) -> bool:
        return self.price == 0


_FIELDS = fields(CourseDocument)
_VALUES = operator.attrgetter(*(f.name for f in _FIELDS))
_IS_FLOAT = tuple(f.type is float for f in _FIELDS)


def fingerprint(doc: CourseDocument) -> str:
    """A stable 16-hex-digit hash (blake2b, 64 bits) of every field of ``doc``: equal documents have equal
    fingerprints in every process; documents that differ in any field differ (but for a 2^-64
    chance).

    Canonical form: one text per field in declaration order -- a float field as ``repr(float(value))``
    (so 49 and 49.0 are one price, and -0.0 is 0.0), ``lesson_titles`` as its length then each title in
    order, any other field (text, UUIDs, integers) as ``str(value)`` -- joined by NUL and followed by the
    length of every text, so no two documents share a form whatever their text holds. Changing this form
    (or the fields) changes fingerprints: indexes must then be rebuilt, their stored ones no longer match."""
    parts: list[str] = []
    add = parts.append
    for is_float, value in zip(_IS_FLOAT, _VALUES(doc), strict=True):
        if is_float:
            number = float(value)
            add(repr(number if number else 0.0))  # -0.0 == 0.0
        elif type(value) is tuple:
            add(str(len(value)))
            parts += map(str, value)
        else:
            add(str(value))
    data = "\x00".join(parts) + "\x00" + ",".join(map(str, map(len, parts)))
    return hashlib.blake2b(data.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
