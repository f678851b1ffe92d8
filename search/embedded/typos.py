"""The typo policy (Meilisearch's defaults) and the bounded edit distances the highlighter uses.

A word of fewer than 5 letters must match exactly, a word of 5 to 8 letters may carry one typo, a word of
9 or more two. A typo is one insertion, deletion, substitution or transposition of adjacent letters
(optimal string alignment distance, as tantivy's ``fuzzy_term_query`` with ``transposition_cost_one``).
Lengths are counted in characters of the normalised word. A typo on the first letter counts as two (see
``analysis.term``: distances are taken between terms, whose first letter is doubled). A prefix match (the
last query word, while it is typed) is a match of the word against some beginning of the document word,
with the same budget.
"""

import enum

from search.embedded.analysis import BoundedMemo, term

ONE_TYPO_MIN_CHARS = 5
TWO_TYPOS_MIN_CHARS = 9


def typo_budget(word: str) -> int:
    if len(word) >= TWO_TYPOS_MIN_CHARS:
        return 2
    if len(word) >= ONE_TYPO_MIN_CHARS:
        return 1
    return 0


def _last_row(a: str, b: str, limit: int) -> list[int] | None:
    """The last row of the OSA distance table of ``a`` (rows) against ``b`` (columns): entry j is the
    distance between ``a`` and ``b[:j]``, exact up to ``limit`` (larger values mean "more than
    ``limit``"). Only the diagonal band |i - j| <= limit is computed; None as soon as no entry of a row
    is within ``limit`` (no prefix of ``b`` can be close enough)."""
    big = limit + 1
    m = len(b)
    prev2: list[int] | None = None
    prev = [j if j <= limit else big for j in range(m + 1)]
    for i in range(1, len(a) + 1):
        cur = [big] * (m + 1)
        if i <= limit:
            cur[0] = i
        ai = a[i - 1]
        lo, hi = max(1, i - limit), min(m, i + limit)
        row_min = cur[0]
        for j in range(lo, hi + 1):
            bj = b[j - 1]
            best = prev[j - 1] + (ai != bj)
            if prev[j] + 1 < best:
                best = prev[j] + 1
            if cur[j - 1] + 1 < best:
                best = cur[j - 1] + 1
            if prev2 is not None and j > 1 and ai == b[j - 2] and a[i - 2] == bj and prev2[j - 2] + 1 < best:
                best = prev2[j - 2] + 1
            cur[j] = best if best < big else big
            if best < row_min:
                row_min = best
        if row_min > limit:
            return None
        prev2, prev = prev, cur
    return prev


def _missing(a: str, b: str) -> int:
    """How many distinct letters of ``a`` do not occur in ``b`` at all: a lower bound of the distance
    between ``a`` and ``b`` (or any part of ``b``), as each needs an edit of its own (a transposition
    moves letters, it brings none). It rejects most pairs of words at the cost of two sets, before the
    table is computed in Python (the highlighter asks about every word of every hit)."""
    return len(set(a).difference(b))


def distance(a: str, b: str, limit: int) -> int | None:
    """The OSA distance between ``a`` and ``b`` if it is at most ``limit``, else None."""
    if a == b:
        return 0
    if limit == 0 or abs(len(a) - len(b)) > limit or _missing(a, b) > limit or _missing(b, a) > limit:
        return None
    row = _last_row(a, b, limit)
    if row is None or row[len(b)] > limit:
        return None
    return row[len(b)]


def prefix_match(word: str, token: str, limit: int) -> tuple[int, int] | None:
    """Whether some beginning of ``token`` is within ``limit`` typos of ``word`` (tantivy's prefix
    Levenshtein). Returns (typos, length of that beginning) for the fewest typos, preferring the length
    closest to ``word``'s; None when no beginning is close enough."""
    if token.startswith(word):
        return 0, len(word)
    reachable = token[: len(word) + limit]  # the beginnings the table below considers
    if limit == 0 or _missing(word, reachable) > limit:
        return None
    row = _last_row(word, reachable, limit)
    if row is None:
        return None
    best: tuple[int, int] | None = None
    for j in range(1, len(row)):
        d = row[j]
        if d <= limit and (
            best is None or d < best[0] or (d == best[0] and abs(j - len(word)) < abs(best[1] - len(word)))
        ):
            best = (d, j)
    return best


class MatchKind(enum.IntEnum):
    """How a query word matched a document word, best first (also the ranking tiers)."""

    PREFIX_TYPO = 1
    TYPO = 2
    PREFIX = 3
    EXACT = 4


_MATCHES = BoundedMemo(65536)
_NO_MATCH = (None,)


def match(word: str, token: str, *, prefix: bool) -> tuple[MatchKind, int] | None:
    """How the query ``word`` matches the document ``token`` (both normalised) under the typo policy,
    and how many leading characters of ``token`` matched; None when it does not match (memoised)."""
    if word == token:
        return MatchKind.EXACT, len(token)
    # The cheap answers first, before the memo (most pairs the highlighter asks about end here): a short
    # word matches only exactly or as a beginning, and a length out of reach cannot be a typo.
    budget = typo_budget(word)
    if not budget:
        return (MatchKind.PREFIX, len(word)) if prefix and token.startswith(word) else None
    if len(token) < len(word) - budget or (not prefix and len(token) > len(word) + budget):
        return None
    if budget == 1 and token[:1] != word[:1]:
        return None  # a first letter that differs is two edits of the terms (``analysis.term``)
    key = (word, token, prefix)
    found = _MATCHES.get(key)
    if found is None:
        found = _MATCHES.remember(key, _match(word, token, prefix) or _NO_MATCH)
    return None if found is _NO_MATCH else found


def _match(word: str, token: str, prefix: bool) -> tuple[MatchKind, int] | None:
    if word == token:
        return MatchKind.EXACT, len(token)
    if prefix and token.startswith(word):
        return MatchKind.PREFIX, len(word)
    budget = typo_budget(word)
    if not budget:
        return None
    if distance(term(word), term(token), budget) is not None:
        return MatchKind.TYPO, len(token)
    if prefix:
        found = prefix_match(term(word), term(token), budget)
        if found is not None:
            return MatchKind.PREFIX_TYPO, max(1, found[1] - 1)  # term offsets -> word offsets
    return None
