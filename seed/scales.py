"""How much data a seed makes. ``edu seed`` offers ``demo`` and ``full``; tests build smaller ones.

Every scale includes the demo logins and the hand-written demo courses (they count towards the totals),
so demos, tests and benchmarks all stand on one shape of data.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    students: int
    teachers: int
    courses: int
    enrollments: int
    reviews: int
    verified_teacher_share: float = 0.9

    @property
    def users(self) -> int:
        return 1 + self.students + self.teachers  # one admin


FULL = Scale("full", students=40_000, teachers=10_000, courses=100_000, enrollments=200_000, reviews=100_000)
DEMO = Scale("demo", students=1_500, teachers=300, courses=3_000, enrollments=6_000, reviews=3_000)
SCALES = {scale.name: scale for scale in (DEMO, FULL)}


def tiny(name: str = "tiny", courses: int = 60) -> Scale:
    """A few dozen courses, for tests: every rule still applies."""
    return Scale(name, students=courses, teachers=max(courses // 5, 3), courses=courses, enrollments=courses * 3,
                 reviews=courses)  # fmt: skip
