"""Search documents of seeded courses, without a database: what ``make bench-search`` indexes.

The courses, teachers, categories, descriptions and lesson titles are the seed generator's own rows
(``seed.plan`` and ``seed.generator``, the same streams ``edu seed`` loads), and a course's rating, review
count and enrollment count are counted from the plan's reviews and enrollments. Only published courses are
searchable, so the plan is drawn about 20% larger than asked and the first ``n`` published courses are
kept: the same ``n`` and seed always give the same documents.
"""

import math
import re
from collections import defaultdict
from collections.abc import Iterator
from itertools import groupby

from search import CourseDocument
from seed.generator import COURSE_COLUMNS, LESSON_COLUMNS, Environment, tables
from seed.plan import Plan, make_plan
from seed.scales import Scale
from write.catalog.categories import CATEGORIES

CATEGORY_NAMES = {category.slug: category.name for category in CATEGORIES}
PUBLISHED_SHARE_FLOOR = 0.85  # seed.plan publishes 88% of generated courses (all demo ones)
_TITLE = LESSON_COLUMNS.index("title")
_COURSE_ID = LESSON_COLUMNS.index("course_id")
_MARKUP = re.compile(r"^(#+|-)\s+|\*\*|`", re.MULTILINE)


def course_documents(n: int, seed: int = 1) -> Iterator[CourseDocument]:
    """``n`` search documents of published seeded courses, in plan order (the hand-written demo courses
    first). Raises ValueError if the plan holds fewer than ``n`` published courses (it never has)."""
    plan = make_plan(_scale_for(n), seed)
    made = 0
    for document in _documents(plan):
        if made == n:
            return
        yield document
        made += 1
    if made < n:
        raise ValueError(f"the plan for {n} documents published only {made} courses")


def _scale_for(n: int) -> Scale:
    """``seed.scales.FULL``'s proportions (per course: 0.4 students, 0.1 teachers, 2 enrollments, 1 review)
    with enough courses for ``n`` published ones."""
    courses = math.ceil(n / PUBLISHED_SHARE_FLOOR) + 50
    return Scale(f"search-{n}", students=max(courses * 2 // 5, 20), teachers=max(courses // 10, 5), courses=courses,
                 enrollments=2 * courses, reviews=courses)  # fmt: skip


def _documents(plan: Plan) -> Iterator[CourseDocument]:
    env = Environment("USD", {category.slug: number for number, category in enumerate(CATEGORIES, 1)}, {})
    by_name = {table.name: table for table in tables(plan, env)}
    enrollments, ratings = _counts(plan)
    lessons = groupby(by_name["lessons"].rows(), key=lambda row: row[_COURSE_ID])
    for course, row, (course_id, lesson_rows) in zip(plan.courses, by_name["courses"].rows(), lessons, strict=True):
        assert course_id == course.id, "the lessons table follows the plan's course order"
        if course.status != "published":
            continue
        fields = dict(zip(COURSE_COLUMNS, row, strict=True))
        reviews = ratings.get(course.index, ())
        yield CourseDocument(
            id=course.id,
            title=course.title,
            summary=_plain(fields["description"].split("\n\n", 1)[0]),
            description=_plain(fields["description"]),
            teacher_id=course.teacher.id,
            teacher_name=course.teacher.name,
            category_slug=course.subject.slug,
            category_name=CATEGORY_NAMES[course.subject.slug],
            level=course.level,
            price=float(course.price),
            language=course.language,
            rating_avg=round(sum(reviews) / len(reviews), 2) if reviews else 0.0,
            review_count=len(reviews),
            enrollment_count=enrollments[course.index],
            published_at=course.published,
            version=course.version,
            lesson_titles=tuple(lesson[_TITLE] for lesson in lesson_rows),
        )


def _counts(plan: Plan) -> tuple[dict[int, int], dict[int, list[int]]]:
    """Per course index: its enrollments, and the ratings of its reviews."""
    enrollments: dict[int, int] = defaultdict(int)
    ratings: dict[int, list[int]] = defaultdict(list)
    for enrollment in plan.enrollments:
        enrollments[enrollment.course.index] += 1
        if enrollment.review_id is not None:
            ratings[enrollment.course.index].append(enrollment.rating)
    return enrollments, ratings


def _plain(markdown: str) -> str:
    """The generator's description markdown as plain text: no headings' or list items' markers, no bold
    or code marks (the only markup descriptions use)."""
    return _MARKUP.sub("", markdown).strip()
