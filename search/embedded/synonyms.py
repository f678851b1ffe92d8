"""Synonym lookup over ``search.synonyms.SYNONYM_GROUPS``, in normalised words."""

import functools

from search.embedded.analysis import words
from search.synonyms import SYNONYM_GROUPS


@functools.cache
def _table() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    table: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for group in SYNONYM_GROUPS:
        forms = [tuple(words(t)) for t in group]
        for form in forms:
            table.setdefault(form, [])
            table[form] += [other for other in forms if other != form and other not in table[form]]
    return {k: tuple(v) for k, v in table.items()}


def alternatives(run: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The synonyms of a run of (normalised) query words, each a tuple of words; () when none."""
    return _table().get(tuple(run), ())


def highlight_words(query_words: tuple[str, ...]) -> tuple[str, ...]:
    """The words of every synonym of any run of ``query_words`` (highlighted as exact matches)."""
    out: dict[str, None] = {}
    n = len(query_words)
    for i in range(n):
        for size in (1, 2, 3):
            if i + size <= n:
                for synonym in alternatives(query_words[i : i + size]):
                    out.update(dict.fromkeys(synonym))
    return tuple(out)
