"""The subjects a course can be filed under: the list the first migration seeded.

The migration keeps its own frozen copy (a migration must not change when this file does); a test checks
that a freshly migrated database and this list agree. A new subject needs a new migration, then a line here.

The names below are the seeded ones, not necessarily the current ones: an admin may rename a category
(``PATCH /admin/categories/{slug}``), which changes only the database row's name (and records
``CategoryRenamed``). The database is the truth for names; commands and answers read them from there.
"""

from typing import NamedTuple


class Subject(NamedTuple):
    slug: str
    name: str


CATEGORIES: tuple[Subject, ...] = (
    Subject("programming", "Programming"),
    Subject("web-development", "Web Development"),
    Subject("mobile-development", "Mobile Development"),
    Subject("data-science", "Data Science"),
    Subject("machine-learning", "Machine Learning & AI"),
    Subject("cloud-devops", "Cloud & DevOps"),
    Subject("cybersecurity", "Cybersecurity"),
    Subject("design", "Design"),
    Subject("photography", "Photography"),
    Subject("video-production", "Video Production"),
    Subject("music", "Music"),
    Subject("languages", "Languages"),
    Subject("writing", "Writing"),
    Subject("business", "Business"),
    Subject("finance", "Finance & Accounting"),
    Subject("marketing", "Marketing"),
    Subject("mathematics", "Mathematics"),
    Subject("science", "Science"),
    Subject("personal-development", "Personal Development"),
    Subject("health-fitness", "Health & Fitness"),
)
