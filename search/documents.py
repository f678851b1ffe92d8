"""The course document both engines index: what search needs of a published course card."""

import uuid
from dataclasses import dataclass, field


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
