"""Request and response bodies of catalog's endpoints.

Numbers are strict (``"3"``, ``3.0`` and ``true`` are not positions) and bounded, so a huge number is a
422, never an overflow in PostgreSQL. A position past the end of its list is not an error: it is clamped
to the end (see ``write.catalog.positions``).
"""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal, Self
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from write.schemas import RequestBody, ResponseBody
from write.text_fields import multi_line, single_line

CENT = Decimal("0.01")
MAX_POSITION = 10_000

CourseTitle = single_line(max_length=200, min_length=3)
Description = multi_line(max_length=20_000)
PartTitle = single_line(max_length=200)  # module and lesson titles
LessonContent = multi_line(max_length=100_000)
Level = Literal["beginner", "intermediate", "advanced"]
CategoryName = single_line(max_length=100)
CategorySlug = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]


def _in_cents(value: Decimal) -> Decimal:
    value = value.quantize(CENT)
    return value.copy_abs() if value == 0 else value  # "-0" is simply free


# A decimal string or a JSON number; at most two decimals; NaN, Infinity and booleans are refused.
Price = Annotated[Decimal, Field(ge=0, le=10_000, max_digits=7, decimal_places=2), AfterValidator(_in_cents)]


def _lowercase(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


Language = Annotated[str, BeforeValidator(_lowercase), Field(pattern=r"^[a-z]{2}$", description="ISO 639-1 code")]


def _http_url(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("contains invalid unicode (lone surrogate)") from None
    if any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in value):
        raise ValueError("must not contain spaces or control characters")
    parts = urlsplit(value)
    _ = parts.port  # raises ValueError for a port that is not a number in 0..65535
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL with a host")
    return value


VideoUrl = Annotated[str, Field(max_length=2048), AfterValidator(_http_url)]
Position = Annotated[int, Field(strict=True, ge=1, le=MAX_POSITION)]
Minutes = Annotated[int, Field(strict=True, ge=0, le=1440)]
Flag = Annotated[bool, Field(strict=True)]


class PatchBody(RequestBody):
    """A partial update: absent fields stay as they are; ``null`` only clears the fields in ``nullable``."""

    nullable: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _no_null_for_required_fields(self) -> Self:
        nulls = sorted(f for f in self.model_fields_set if getattr(self, f) is None and f not in self.nullable)
        if nulls:
            raise ValueError(f"may not be null: {', '.join(nulls)}")
        return self

    def given(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class CourseIn(RequestBody):
    title: CourseTitle
    description: Description = ""
    category: CategorySlug
    level: Level
    price: Price
    language: Language


class CoursePatch(PatchBody):
    title: CourseTitle | None = None
    description: Description | None = None
    category: CategorySlug | None = None
    level: Level | None = None
    price: Price | None = None
    language: Language | None = None


class ModuleIn(RequestBody):
    title: PartTitle
    position: Position | None = Field(None, description="1-based; past the end (or absent) means last")


class ModulePatch(PatchBody):
    title: PartTitle | None = None
    position: Position | None = None


class LessonIn(RequestBody):
    title: PartTitle
    content: LessonContent
    video_url: VideoUrl | None = None
    duration_minutes: Minutes
    is_preview: Flag = False
    position: Position | None = Field(None, description="1-based; past the end (or absent) means last")


class MarkdownPreviewIn(RequestBody):
    markdown: LessonContent


class MarkdownPreview(ResponseBody):
    html: str = Field(description="sanitised HTML, exactly as a lesson's content is shown to students")


class LessonPatch(PatchBody):
    nullable: ClassVar[frozenset[str]] = frozenset({"video_url"})

    title: PartTitle | None = None
    content: LessonContent | None = None
    video_url: VideoUrl | None = None
    duration_minutes: Minutes | None = None
    is_preview: Flag | None = None
    position: Position | None = None
    module_id: uuid.UUID | None = Field(None, description="move to another module of the same course")


class CategoryRenameIn(RequestBody):
    name: CategoryName


class CategoryOut(ResponseBody):
    slug: str
    name: str


class CategoryList(ResponseBody):
    items: list[CategoryOut]


class CourseSummary(ResponseBody):
    id: uuid.UUID
    teacher_id: uuid.UUID
    title: str
    category: str
    level: str
    price: str = Field(description="decimal string, two places")
    currency: str
    language: str
    status: str
    version: int
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None


class CourseOut(CourseSummary):
    description: str


class TeacherCourse(CourseSummary):
    module_count: int
    lesson_count: int


class TeacherCourseList(ResponseBody):
    items: list[TeacherCourse]


class ModuleOut(ResponseBody):
    id: uuid.UUID
    course_id: uuid.UUID
    course_version: int
    title: str
    position: int


class LessonOut(ResponseBody):
    id: uuid.UUID
    course_id: uuid.UUID
    module_id: uuid.UUID
    course_version: int
    title: str
    content: str
    video_url: str | None
    duration_minutes: int
    is_preview: bool
    position: int


class LessonDraft(ResponseBody):
    id: uuid.UUID
    title: str
    content: str
    video_url: str | None
    duration_minutes: int
    is_preview: bool
    position: int


class ModuleDraft(ResponseBody):
    id: uuid.UUID
    title: str
    position: int
    lessons: list[LessonDraft]


class CourseDraft(CourseOut):
    """The owner's full working copy: every module and lesson in order, lesson markdown included."""

    modules: list[ModuleDraft]


class LessonView(ResponseBody):
    """A lesson as a learner sees it: the markdown rendered to sanitised HTML (write.rendering)."""

    id: uuid.UUID
    course_id: uuid.UUID
    module_id: uuid.UUID
    title: str
    html: str = Field(description="sanitised HTML, safe to insert into a page as is")
    video_url: str | None
    duration_minutes: int
    is_preview: bool
