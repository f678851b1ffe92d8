"""The benchmark's fixed query mix, drawn from the corpus itself: titles' words, typed with a typo or cut short.

Every query starts from a document drawn at random (so common title words come up as often as users would
type them) and takes its words, category and level from that document, so the engine has at least one right
answer to every query, typos included. The same documents and seed always give the same mix.
"""

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from search import CourseDocument, Facet, SearchQuery, Sort

TYPO = "typo"
PREFIX = "prefix"
FILTERED = "filtered"
FACETED = "faceted"
SORTED = "sorted"
COMBINED = "typo+prefix+filter+facets"
CLASSES = (TYPO, PREFIX, FILTERED, FACETED, SORTED, COMBINED)
# The classes whose words carry typos (pg_trgm answers their full words by word similarity, not ILIKE).
TYPO_CLASSES = (TYPO, COMBINED)
ALL_FACETS = (Facet.CATEGORY, Facet.LEVEL, Facet.PRICE)
_WORD = re.compile(r"\w+")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Function words: nobody searches for them (and the engine may treat them as stop words).
_FUNCTION_WORDS = frozenset({"and", "for", "from", "into", "the", "with", "your"})


@dataclass(frozen=True)
class BenchQuery:
    kind: str  # one of CLASSES
    query: SearchQuery

    @property
    def words(self) -> list[str]:
        return self.query.text.split()

    @property
    def faceted(self) -> bool:
        return bool(self.query.facets)


def query_mix(documents: Sequence[CourseDocument], per_class: int, seed: int) -> dict[str, list[BenchQuery]]:
    """``per_class`` queries of every class in ``CLASSES``."""
    vocabulary = {word for document in documents for word in _title_words(document)}
    mix = {}
    for kind in CLASSES:
        rng = random.Random(f"{seed}/search-mix/{kind}")
        queries: list[BenchQuery] = []
        while len(queries) < per_class:
            query = _draw(kind, rng.choice(documents), rng, vocabulary)
            if query is not None:
                queries.append(BenchQuery(kind, query))
        mix[kind] = queries
    return mix


def _draw(kind: str, document: CourseDocument, rng: random.Random, vocabulary: set[str]) -> SearchQuery | None:
    """One query of ``kind`` from ``document``'s title, or None when its title has no fitting word."""
    words = _title_words(document)
    typo_words = [w for w in words if 5 <= len(w) <= 8]  # one typo allowed: 5-8 letters
    long_words = [w for w in words if len(w) >= 5]
    mid_words = [w for w in words if len(w) >= 4]
    only = {"facets": (), "highlight": True}
    filters = {"categories": (document.category_slug,), "levels": (document.level,)}
    if kind == TYPO and typo_words:
        return SearchQuery(text=_typo(rng.choice(typo_words), rng, vocabulary), **only)
    if kind == PREFIX and long_words:
        last = rng.choice(long_words)
        before = [w for w in mid_words if w != last]
        text = " ".join([*rng.sample(before, min(1, len(before))), last[: rng.randint(3, 4)]])
        return SearchQuery(text=text, **only)
    if kind == FILTERED and mid_words:
        return SearchQuery(text=rng.choice(mid_words), **filters, **only)
    if kind == FACETED and mid_words:
        return SearchQuery(text=rng.choice(mid_words), facets=ALL_FACETS)
    if kind == SORTED and mid_words:
        return SearchQuery(text=rng.choice(mid_words), sort=rng.choice((Sort.RATING, Sort.NEWEST)), **only)
    if kind == COMBINED and typo_words and len(long_words) >= 2:
        typed, cut = rng.sample(long_words, 2)
        if typed not in typo_words:
            typed, cut = cut, typed
        if typed in typo_words:
            text = f"{_typo(typed, rng, vocabulary)} {cut[: rng.randint(3, 4)]}"
            return SearchQuery(text=text, **filters, facets=ALL_FACETS)
    return None


def _title_words(document: CourseDocument) -> list[str]:
    """The title's plain ASCII words, lower-cased, without function words (accented and mixed words are
    left out: their typos would also test accent folding)."""
    words = _WORD.findall(document.title.casefold())
    return [w for w in words if w.isascii() and w.isalpha() and w not in _FUNCTION_WORDS]


def _typo(word: str, rng: random.Random, vocabulary: set[str]) -> str:
    """``word`` with one edit (a letter replaced, dropped or added; never the first letter) that makes no
    other title word and leaves at least 5 letters, so one typo is still allowed."""
    while True:
        at = rng.randrange(1, len(word))
        edit = rng.choice(("replace", "drop", "add") if len(word) > 5 else ("replace", "add"))
        letter = rng.choice(_LETTERS.replace(word[at], ""))
        typed = {
            "replace": word[:at] + letter + word[at + 1 :],
            "drop": word[:at] + word[at + 1 :],
            "add": word[:at] + letter + word[at:],
        }[edit]
        if typed not in vocabulary:
            return typed
