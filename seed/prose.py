"""The words of seeded content: course titles, markdown descriptions, module and lesson titles, markdown
lesson bodies and review texts, written from ``seed.vocabulary`` and ``seed.locales``.

Lesson bodies are the bulk of the data (over a million of them at full scale), so they are assembled from
a pool of paragraphs written once per subject and topic rather than sentence by sentence: a body is a few
``choice`` calls and one join. Every pool has its own random stream, seeded from the run's seed and its
key, so the text does not depend on the order in which pools are first needed.
"""

from random import Random
from urllib.parse import quote

from seed.locales import LOCALES, NATIVE_LANGUAGE_TITLES
from seed.snippets import SNIPPETS
from seed.vocabulary import (
    COMMON_LESSONS,
    COMMON_MODULES_FIRST,
    COMMON_MODULES_LAST,
    COMMON_TITLES,
    TOPIC_CODE,
    TOPIC_DOCS,
    Subject,
)

# fmt: off
SENTENCES = (
    "In this lesson we look at {term} and why it matters when you work with {topic}.",
    "{Term} is one of those ideas that seems abstract until you use it on a real problem.",
    "Start small: try {term} on a toy example before you apply it to your own project.",
    "A common mistake is to ignore {term} until something breaks; we will avoid that here.",
    "By the end you will be able to explain {term} to a colleague and use it with confidence.",
    "We compare {term} with {term2} and see when each one is the better choice.",
    "Most people who learn {topic} meet {term} in their first week, but few use it well.",
    "Take notes as you go: {term} and {term2} come back in every later module.",
    "Pause here and try the exercise yourself before you read the solution.",
    "If you get stuck, re-read the part about {term2}; the two ideas are closely linked.",
    "Real projects rarely look like textbook examples, so we work through a messy, realistic one.",
    "The plan: first the intuition, then a worked example, then a short exercise.",
    "Think of {term} as a tool in your {topic} toolbox rather than a rule to memorise.",
    "Experienced practitioners treat {term} as a habit, not an afterthought.",
    "We will return to {term2} later in the course, so do not worry if it feels new.",
    "Notice how a small change to {term} changes the whole result.",
    "There is no single right answer here; what matters is that you can justify your choice.",
    "Write down one question about {term} before moving on, and check it against the next lesson.",
    "The example is deliberately simple so that {term} stands out.",
    "Once {term} clicks, much of {topic} becomes easier to reason about.",
    "Keep the checklist from this lesson at hand; you will use it in the final project.",
    "Spend ten minutes practising {term} today rather than an hour next week.",
)

TIPS = (
    "Practise a little every day: short sessions beat long ones.",
    "Explain the idea out loud; if you cannot, re-read the section.",
    "Keep your own notes; they are worth more than any summary.",
    "Try the exercise before you look at the solution.",
    "Compare your result with a classmate's in the discussion forum.",
)

AUDIENCES = (
    "Complete beginners who want a structured, friendly start.",
    "Self-taught learners who want to fill the gaps in what they know.",
    "Professionals who need {topic} for their job and want practical skills fast.",
    "Students preparing for exams or interviews.",
    "Anyone curious about {topic} who learns best by doing.",
)

OPENINGS = (
    "Learn {topic} step by step, from {term} to {term2}, with real examples and hands-on exercises.",
    "A practical, project-based introduction to {topic}: {term}, {term2} and the habits of people who do it well.",
    "Everything you need to get productive with {topic}, explained clearly and practised on realistic projects.",
    "Go beyond the basics of {topic}: understand {term}, master {term2}, and build something you are proud of.",
    "{Topic} without the jargon. Short lessons, clear explanations and plenty of practice with {term}.",
)

TITLE_SUFFIXES = (
    " (2025 Edition)", " with Real-World Projects", ": Beginner to Advanced", " - Hands-on Projects",
    " for Busy People", ": The Practical Guide",
)

REVIEWS = {
    5: ("Clear explanations and well-paced lessons.", "Best {topic} course I have taken so far.",
        "The exercises on {term} were exactly what I needed.", "I finally understand {term}. Thank you!",
        "The instructor knows the material and it shows.", "Practical, no fluff, great examples.",
        "Worth every minute. I already use what I learned at work.", "Excellent!", "Loved it.",
        "Highly recommended for anyone starting with {topic}."),
    4: ("Very good course overall.", "Solid introduction to {topic}; a few lessons could be shorter.",
        "Good pace and useful exercises on {term}.", "Great content, though the audio could be better.",
        "I learned a lot about {term}. Would like more advanced material.", "Good value for the price."),
    3: ("Decent, but a bit basic for me.", "Some lessons are great, others feel rushed.",
        "The section on {term} needs more examples.", "OK as a refresher on {topic}.",
        "Content is fine; the pacing is uneven."),
    2: ("Too shallow for the price.", "Several examples are outdated and no longer work.",
        "I expected much more hands-on practice with {term}.", "Hard to follow in places."),
    1: ("Not what the description promised.", "Very little about {term}; mostly filler.",
        "Poor audio and no answers to questions.", "I would not recommend it."),
}
# fmt: on

PARAGRAPHS_PER_POOL = 24
LEVELS = ("beginner", "intermediate", "advanced")


def _fill(pattern: str, topic: str, term: str = "", term2: str = "", focus: str = "") -> str:
    return pattern.format(
        topic=topic, Topic=topic[:1].upper() + topic[1:], term=term, Term=term[:1].upper() + term[1:], term2=term2,
        focus=focus,
    )  # fmt: skip


def _docs_url(topic: str) -> str:
    return TOPIC_DOCS.get(topic) or f"https://en.wikipedia.org/wiki/{quote(topic.replace(' ', '_'))}"


class Writer:
    """Writes the texts of one seed run. Pools are built on first use, each from its own random stream."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._paragraphs: dict[tuple[str, str], list[str]] = {}

    # --- courses -------------------------------------------------------------------------------------

    def course_title(self, rng: Random, subject: Subject, topic: str, language: str) -> str:
        focus = rng.choice(subject.focuses)
        if language != "en":
            return _fill(rng.choice(LOCALES[language].titles), topic)
        title = _fill(rng.choice(subject.titles + COMMON_TITLES), topic, focus=focus)
        if rng.random() < 0.12:
            title += rng.choice(TITLE_SUFFIXES)
        return title

    @staticmethod
    def native_language_title(rng: Random) -> tuple[str, str, str]:
        """(language, topic, title) of a languages-subject course titled in the language it teaches."""
        return rng.choice(NATIVE_LANGUAGE_TITLES)

    def description(self, rng: Random, subject: Subject, topic: str, language: str) -> str:
        term, term2, *points = rng.sample(subject.terms, 6)
        points = points[: rng.randint(3, 4)]
        learned = "\n".join(f"- {point[:1].upper()}{point[1:]}" for point in points)
        if language != "en":
            locale = LOCALES[language]
            return f"{_fill(rng.choice(locale.descriptions), topic)}\n\n## {locale.learn_heading}\n\n{learned}\n"
        opening = _fill(rng.choice(OPENINGS), topic, term, term2)
        audience = _fill(rng.choice(AUDIENCES), topic)
        return f"{opening}\n\n## What you will learn\n\n{learned}\n\n## Who this course is for\n\n{audience}\n"

    # --- curriculum ----------------------------------------------------------------------------------

    def module_titles(self, rng: Random, subject: Subject, language: str, count: int) -> list[str]:
        """``count`` module titles in teaching order: a first module, an ordered sample, a last module."""
        if language != "en":
            pool = LOCALES[language].modules
            return [pool[i] for i in sorted(rng.sample(range(len(pool)), min(count, len(pool))))]
        middle = [subject.modules[i] for i in sorted(rng.sample(range(len(subject.modules)), max(count - 2, 0)))]
        if count == 1:
            return [rng.choice(subject.modules)]
        return [rng.choice(COMMON_MODULES_FIRST), *middle, rng.choice(COMMON_MODULES_LAST)]

    def lesson_title(self, rng: Random, subject: Subject, topic: str, language: str) -> str:
        term = rng.choice(subject.terms)
        if language != "en":
            return _fill(rng.choice(LOCALES[language].lessons), topic, term)
        if rng.random() < 0.7:
            return _fill(rng.choice(subject.lessons), topic)
        return _fill(rng.choice(COMMON_LESSONS), topic, term)

    def lesson_body(self, rng: Random, subject: Subject, topic: str, title: str) -> str:
        """Markdown of roughly 400-900 bytes: heading, paragraphs and some of: list, code, tip, link."""
        pool = self._pool(subject, topic)
        parts = [f"## {title}", rng.choice(pool), rng.choice(pool)]
        roll = rng.random()
        if roll < 0.4:
            parts.append("Key ideas:\n\n" + "\n".join(f"- {term}" for term in rng.sample(subject.terms, 3)))
        code = TOPIC_CODE.get(topic, subject.code)
        if code and rng.random() < 0.55:
            parts.append(f"```{code}\n{rng.choice(SNIPPETS[code])}\n```")
        if roll > 0.75:
            parts.append(f"> **Tip:** {rng.choice(TIPS)}")
        if rng.random() < 0.25:
            parts.append(f"Further reading: [{topic} reference]({_docs_url(topic)}).")
        return "\n\n".join(parts) + "\n"

    def _pool(self, subject: Subject, topic: str) -> list[str]:
        key = (subject.slug, topic)
        pool = self._paragraphs.get(key)
        if pool is None:
            rng = Random(f"{self.seed}/paragraphs/{subject.slug}/{topic}")
            pool = [self._paragraph(rng, subject, topic) for _ in range(PARAGRAPHS_PER_POOL)]
            self._paragraphs[key] = pool
        return pool

    @staticmethod
    def _paragraph(rng: Random, subject: Subject, topic: str) -> str:
        sentences = rng.sample(SENTENCES, rng.randint(2, 3))
        return " ".join(_fill(s, topic, *rng.sample(subject.terms, 2)) for s in sentences)

    # --- reviews -------------------------------------------------------------------------------------

    def review_text(self, rng: Random, subject: Subject, topic: str, rating: int) -> str:
        pool = REVIEWS[rating]
        count = min(len(pool), rng.choice((1, 1, 2, 2, 3)))
        return " ".join(_fill(s, topic, rng.choice(subject.terms)) for s in rng.sample(pool, count))
