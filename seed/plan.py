"""The plan of a seed run: who exists, which courses they teach, who enrolls where, how far they got and
what they thought of it -- the facts every table's rows are written from (``seed.generator``).

The plan holds ids, times and counts only (no lesson text), so it stays small at full scale: lesson and
module ids are kept as one ``bytes`` blob per course. Each part is drawn from its own random stream,
seeded from the run's seed and the part's name, so a part does not shift when another one changes.

Times are whole seconds between ``START`` and ``END`` (fixed dates, never the clock), and every row
keeps the order the commands would have produced: a teacher is verified before authoring, a course is
published before anyone enrolls, payments come just before their enrollment, progress and reviews after.
"""

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from random import Random

from seed.demo_courses import DEMO_COURSES
from seed.demo_logins import ADMIN, STUDENT, TEACHER, DemoLogin
from seed.locales import LANGUAGE_WEIGHTS
from seed.names import email_for, person_name
from seed.prose import Writer
from seed.scales import Scale
from seed.vocabulary import SUBJECT_WEIGHTS, SUBJECTS_BY_SLUG, Subject
from seed.weights import Weighted

START = int(datetime(2023, 1, 1, tzinfo=UTC).timestamp())
END = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())
HOUR, DAY = 3600, 86_400

# Skewed to the low side: about 3.4 modules of about 4.1 lessons, so ~14 lessons a course on average.
MODULE_COUNTS = Weighted(range(1, 9), (16, 22, 20, 15, 11, 8, 5, 3))
LESSON_COUNTS = Weighted(range(1, 11), (12, 17, 18, 15, 12, 9, 6, 5, 3, 3))  # per module
STATUSES = Weighted.of({"published": 88, "draft": 8, "unpublished": 4})
LEVELS = Weighted.of({"beginner": 50, "intermediate": 35, "advanced": 15})
SUBJECTS = Weighted.of(SUBJECT_WEIGHTS)
LANGUAGES = Weighted.of(LANGUAGE_WEIGHTS)
FREE_SHARE = 0.2
# fmt: off
PRICES = Weighted.of({
    "9.99": 14, "12.99": 8, "14.99": 10, "19.99": 16, "24.99": 8, "29.99": 10, "34.99": 4, "39.99": 6, "49": 6,
    "49.99": 6, "59.99": 3, "69.99": 2, "79.99": 2, "89.99": 2, "99.99": 1.5, "129": 0.8, "149.99": 0.6,
    "199": 0.4, "299": 0.2, "499": 0.1,
})
# fmt: on
# A course's quality decides its ratings: weights of 1..5 stars. Most courses are liked.
RATINGS_BY_QUALITY = tuple(
    Weighted(range(1, 6), weights)
    for weights in ((1, 1, 3, 20, 75), (2, 3, 10, 35, 50), (8, 10, 25, 32, 25), (30, 25, 20, 15, 10))
)
QUALITIES = Weighted(range(len(RATINGS_BY_QUALITY)), (30, 45, 20, 5))
# Zipf-like popularity: the course of rank r gets weight 1 / (r + OFFSET) ** EXPONENT.
POPULARITY_EXPONENT, POPULARITY_OFFSET = 1.05, 5
# Share of enrollments with progress; completed ones review more often.
COMPLETED_SHARE, PARTIAL_SHARE = 0.15, 0.35
REVIEW_WEIGHT = {"completed": 0.8, "partial": 0.55, "none": 0.35}
CENT = Decimal("0.01")


def new_uuid(rng: Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def uuid_blob(rng: Random, count: int) -> bytes:
    """``count`` random UUIDs in one call, as 16-byte slices (read them back with ``uuid_at``)."""
    return rng.getrandbits(128 * count).to_bytes(16 * count, "big") if count else b""


def uuid_at(blob: bytes, index: int) -> uuid.UUID:
    return uuid.UUID(bytes=blob[16 * index : 16 * index + 16], version=4)


def at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@dataclass(slots=True)
class UserPlan:
    id: uuid.UUID
    role: str
    name: str
    email: str
    created: int
    verified: int | None = None  # teachers an admin verified
    login: DemoLogin | None = None  # the demo accounts, which get their own password


@dataclass(slots=True)
class CoursePlan:
    index: int
    id: uuid.UUID
    teacher: UserPlan
    subject: Subject
    topic: str
    title: str
    language: str
    level: str
    price: Decimal
    status: str
    created: int
    published: int | None  # first went live (kept when unpublished)
    unpublished: int | None
    authored: int  # the last module or lesson was added
    lessons_per_module: tuple[int, ...]
    module_ids: bytes
    lesson_ids: bytes
    quality: int
    demo: dict | None = None  # a hand-written course of seed.demo_courses

    @property
    def lesson_count(self) -> int:
        return len(self.lesson_ids) // 16

    @property
    def version(self) -> int:
        """1 for creating it, one per module and lesson added, one per publish and unpublish."""
        published = self.published is not None
        return 1 + len(self.lessons_per_module) + self.lesson_count + published + (self.unpublished is not None)

    @property
    def updated(self) -> int:
        return self.unpublished or self.published or self.authored

    def change_time(self, change: int, changes: int) -> int:
        """When the ``change``-th of ``changes`` curriculum additions happened (evenly while authoring)."""
        return self.created + (self.authored - self.created) * change // changes


@dataclass(slots=True)
class EnrollmentPlan:
    id: uuid.UUID
    student: UserPlan
    course: CoursePlan
    enrolled: int
    payment_id: uuid.UUID | None
    paid: int  # the payment's creation time (paid courses only)
    done: int  # lessons completed, in curriculum order
    pace: float  # how far towards END the student's progress spread
    review_id: uuid.UUID | None = None
    rating: int = 0
    reviewed: int = 0
    review_text: str = ""

    @property
    def progress_time(self) -> list[int]:
        span = (END - self.enrolled - 120) * self.pace  # the last lesson is done before END
        return [self.enrolled + 60 + int(span * k / self.done) for k in range(1, self.done + 1)]

    @property
    def completed(self) -> int | None:
        return self.progress_time[-1] if self.done and self.done == self.course.lesson_count else None

    @property
    def kind(self) -> str:
        return "completed" if self.completed else "partial" if self.done else "none"


@dataclass
class Plan:
    scale: Scale
    seed: int
    writer: Writer
    admin: UserPlan
    teachers: list[UserPlan]
    students: list[UserPlan]
    courses: list[CoursePlan] = field(default_factory=list)
    enrollments: list[EnrollmentPlan] = field(default_factory=list)

    @property
    def users(self) -> list[UserPlan]:
        return [self.admin, *self.teachers, *self.students]


def make_plan(scale: Scale, seed: int) -> Plan:
    writer = Writer(seed)
    admin, teachers, students = _people(scale, Random(f"{seed}/people"))
    plan = Plan(scale, seed, writer, admin, teachers, students)
    plan.courses = _courses(scale, Random(f"{seed}/courses"), writer, teachers)
    plan.enrollments = _enrollments(scale, Random(f"{seed}/enrollments"), plan)
    _reviews(scale, Random(f"{seed}/reviews"), writer, plan.enrollments)
    return plan


# --- people ----------------------------------------------------------------------------------------------


def _people(scale: Scale, rng: Random) -> tuple[UserPlan, list[UserPlan], list[UserPlan]]:
    admin = UserPlan(new_uuid(rng), "admin", ADMIN.name, ADMIN.email, START, login=ADMIN)
    teachers = [UserPlan(new_uuid(rng), "teacher", TEACHER.name, TEACHER.email, START + DAY, START + 2 * DAY, TEACHER)]
    for number in range(1, scale.teachers):
        name = person_name(rng)
        created = START + int(rng.random() * (END - START) * 0.8)
        verified = created + rng.randint(HOUR, 7 * DAY) if rng.random() < scale.verified_teacher_share else None
        teachers.append(UserPlan(new_uuid(rng), "teacher", name, email_for(name, number, rng), created, verified))
    students = [UserPlan(new_uuid(rng), "student", STUDENT.name, STUDENT.email, START + 10 * DAY, login=STUDENT)]
    for number in range(scale.teachers, scale.teachers + scale.students - 1):
        name = person_name(rng)
        created = START + int(rng.random() * (END - 14 * DAY - START))
        students.append(UserPlan(new_uuid(rng), "student", name, email_for(name, number, rng), created))
    return admin, teachers, students


# --- courses ---------------------------------------------------------------------------------------------


def _courses(scale: Scale, rng: Random, writer: Writer, teachers: list[UserPlan]) -> list[CoursePlan]:
    demo_teacher = teachers[0]
    courses = [_demo_course(index, rng, demo_teacher, spec) for index, spec in enumerate(DEMO_COURSES)]
    # The demo teacher also has a few generated courses, a draft and an unpublished one among them.
    for status in ("published", "published", "published", "draft", "unpublished"):
        courses.append(_generated_course(len(courses), rng, writer, demo_teacher, status))
    verified = [teacher for teacher in teachers[1:] if teacher.verified is not None]
    # Some teachers are prolific, most have a handful of courses.
    cumulative = list(itertools.accumulate(rng.lognormvariate(0, 1.0) for _ in verified))
    owners = rng.choices(verified, cum_weights=cumulative, k=scale.courses - len(courses))
    for teacher in owners:
        courses.append(_generated_course(len(courses), rng, writer, teacher, STATUSES.pick(rng)))
    return courses


def _generated_course(index: int, rng: Random, writer: Writer, teacher: UserPlan, status: str) -> CoursePlan:
    subject = SUBJECTS_BY_SLUG[SUBJECTS.pick(rng)]
    topic = rng.choice(subject.topics)
    language = LANGUAGES.pick(rng)
    if subject.slug == "languages" and rng.random() < 0.2:
        language, topic, title = writer.native_language_title(rng)
    else:
        title = writer.course_title(rng, subject, topic, language)
    modules = tuple(LESSON_COUNTS.pick(rng) for _ in range(MODULE_COUNTS.pick(rng)))
    price = Decimal(0) if rng.random() < FREE_SHARE else Decimal(PRICES.pick(rng))
    return _course(index, rng, teacher, subject, topic, title, language, price, status, modules)


def _demo_course(index: int, rng: Random, teacher: UserPlan, spec: dict) -> CoursePlan:
    subject = SUBJECTS_BY_SLUG[spec["category"]]
    modules = tuple(len(lessons) for _, lessons in spec["modules"])
    course = _course(
        index, rng, teacher, subject, spec["title"], spec["title"], spec["language"], Decimal(spec["price"]),
        "published", modules,
    )  # fmt: skip
    course.level, course.demo = spec["level"], spec
    return course


def _course(
    index: int,
    rng: Random,
    teacher: UserPlan,
    subject: Subject,
    topic: str,
    title: str,
    language: str,
    price: Decimal,
    status: str,
    modules: tuple[int, ...],
) -> CoursePlan:
    created = teacher.verified + int(rng.random() * (END - 45 * DAY - teacher.verified))
    authored = created + rng.randint(HOUR, 30 * DAY)
    published = authored + rng.randint(60, 2 * DAY) if status != "draft" else None
    unpublished = published + int(rng.random() * (END - published)) if status == "unpublished" else None
    return CoursePlan(
        index=index,
        id=new_uuid(rng),
        teacher=teacher,
        subject=subject,
        topic=topic,
        title=title,
        language=language,
        level=LEVELS.pick(rng),
        price=price.quantize(CENT),
        status=status,
        created=created,
        published=published,
        unpublished=unpublished,
        authored=authored,
        lessons_per_module=modules,
        module_ids=uuid_blob(rng, len(modules)),
        lesson_ids=uuid_blob(rng, sum(modules)),
        quality=QUALITIES.pick(rng),
    )


# --- enrollments -----------------------------------------------------------------------------------------


def _enrollments(scale: Scale, rng: Random, plan: Plan) -> list[EnrollmentPlan]:
    published = [course for course in plan.courses if course.status == "published"]
    rng.shuffle(published)  # popularity rank is independent of when a course was made
    courses = Weighted(published, (1 / (r + POPULARITY_OFFSET) ** POPULARITY_EXPONENT for r in range(len(published))))
    students = plan.students
    # Some students take many courses, most take one or two.
    learners = Weighted(students, [rng.lognormvariate(0, 0.9) for _ in students])
    taken: set[tuple[uuid.UUID, int]] = set()
    enrollments = [_enroll(rng, taken, students[0], course, done) for course, done in _demo_student_courses(plan)]
    attempts = 0
    while len(enrollments) < scale.enrollments:
        attempts += 1
        if attempts > 50 * scale.enrollments:
            raise ValueError(f"cannot find {scale.enrollments} distinct student/course pairs at scale {scale.name}")
        course, student = courses.pick(rng), learners.pick(rng)
        if (student.id, course.index) not in taken:
            enrollments.append(_enroll(rng, taken, student, course, _progress(rng, course)))
    return enrollments


def _demo_student_courses(plan: Plan) -> list[tuple[CoursePlan, int]]:
    """The demo student's learning: one hand-written course finished, one half done, one just started,
    and two generated courses."""
    demo = plan.courses[: len(DEMO_COURSES)]
    generated = [course for course in plan.courses[len(DEMO_COURSES) :] if course.status == "published"][:2]
    return [(demo[0], demo[0].lesson_count), (demo[1], demo[1].lesson_count // 2), (demo[3], 0)] + [
        (course, 1) for course in generated
    ]


def _progress(rng: Random, course: CoursePlan) -> int:
    roll, lessons = rng.random(), course.lesson_count
    if roll < COMPLETED_SHARE:
        return lessons
    if roll < COMPLETED_SHARE + PARTIAL_SHARE and lessons > 1:
        return 1 + int((lessons - 1) * rng.random() ** 1.5)  # most stop early
    return 0


def _enroll(rng: Random, taken: set, student: UserPlan, course: CoursePlan, done: int) -> EnrollmentPlan:
    taken.add((student.id, course.index))
    earliest = max(course.published, student.created) + HOUR
    enrolled = earliest + int(rng.random() * (END - DAY - earliest))
    paid = course.price > 0
    return EnrollmentPlan(
        id=new_uuid(rng),
        student=student,
        course=course,
        enrolled=enrolled,
        payment_id=new_uuid(rng) if paid else None,
        paid=enrolled - rng.randint(60, 900) if paid else 0,
        done=done,
        pace=rng.random(),
    )


# --- reviews ---------------------------------------------------------------------------------------------


def _reviews(scale: Scale, rng: Random, writer: Writer, enrollments: list[EnrollmentPlan]) -> None:
    """Exactly ``scale.reviews`` enrollments get a review (weighted sampling without replacement: the
    largest ``u ** (1 / weight)`` win), the demo student's first one always."""
    keys = [rng.random() ** (1 / REVIEW_WEIGHT[e.kind]) for e in enrollments]
    keys[0] = 2.0
    chosen = sorted(range(len(enrollments)), key=keys.__getitem__, reverse=True)[: scale.reviews]
    for index in sorted(chosen):
        enrollment = enrollments[index]
        after = enrollment.completed or (enrollment.progress_time[-1] if enrollment.done else enrollment.enrolled)
        enrollment.review_id = new_uuid(rng)
        enrollment.rating = RATINGS_BY_QUALITY[enrollment.course.quality].pick(rng)
        enrollment.reviewed = after + 60 + int(rng.random() * (END - after - 60))
        course = enrollment.course
        enrollment.review_text = writer.review_text(rng, course.subject, course.topic, enrollment.rating)
