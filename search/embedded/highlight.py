"""Our own highlighter: tantivy's SnippetGenerator only knows exact terms, but a hit may have matched by
typo or prefix. The original text is split into words with offsets, each word is analysed exactly as the
index analyses it and matched against the query words under the same typo/prefix policy, and the text is
HTML-escaped piecewise with matches wrapped in ``<mark>…</mark>``: the whole word for exact and typo
matches, the matched beginning for prefix matches (as Meilisearch does: "<mark>Pyt</mark>hon").

It runs for the title and summary of every hit of a page (40 texts), so it first asks which *distinct*
words of a text match at all (a memo lookup each, most of them "no") and only then looks for where they
stand; text that normalises character for character (ASCII and most Latin script: ``analysis.aligned_form``)
takes a path without per-word analysis. ``marked_spans`` is the plain
definition the fast paths must agree with (tests/search/test_embedded_highlight.py checks they do)."""

import contextlib
import html
import re
from collections.abc import Sequence

from search.embedded.analysis import QueryWords, Span, aligned_form, normalise, spans
from search.embedded.analysis import words as normalised_words
from search.embedded.typos import MatchKind, match, typo_budget

OPEN, CLOSE = "<mark>", "</mark>"
SEPARATOR = "\n"  # between the texts of ``highlight_all``: a separator of words in every text
# One matcher per recent query (its memo serves every hit of the page, and the next page).
_MATCHERS: dict[tuple[QueryWords, frozenset[str]], "_Matcher"] = {}


class _Matcher:
    """The best match of any query word for a document word, memoised for one query."""

    def __init__(self, words: QueryWords, synonyms: frozenset[str]) -> None:
        self._checks = [(w, words.is_prefix(i)) for i, w in enumerate(words.words)]
        self._synonyms = synonyms
        self._memo: dict[str, tuple[MatchKind, int] | None] = {}
        # With a typo budget of at most one, a document word matches only with the query word's first
        # letter (``typos.match``): then a word with none of the first letters is settled at a glance.
        self._first_letters = (
            None if any(typo_budget(w) > 1 for w in words.words) else frozenset(w[:1] for w in words.words)
        )

    def best(self, word: str) -> tuple[MatchKind, int] | None:
        try:
            return self._memo[word]
        except KeyError:
            pass
        best = None
        if word in self._synonyms:
            best = (MatchKind.EXACT, len(word))
        else:
            for query_word, prefix in self._checks:
                found = match(query_word, word, prefix=prefix)
                if found is not None and (best is None or found[0] > best[0]):
                    best = found
        self._memo[word] = best
        return best

    def matching(self, words: list[str]) -> dict[str, tuple[MatchKind, int]]:
        """The ones of ``words`` (normalised) that match, with their best match."""
        memo = self._memo
        new = set(words).difference(memo)
        if new and self._first_letters is not None:
            firsts, synonyms = self._first_letters, self._synonyms
            hopeless = [w for w in new if w[:1] not in firsts and w not in synonyms]
            memo.update(dict.fromkeys(hopeless))
            new.difference_update(hopeless)
        for word in new:
            self.best(word)
        return {word: found for word in words if (found := memo[word]) is not None}

    def span(self, span: Span) -> tuple[MatchKind, int] | None:
        words = span[2]
        if len(words) == 1:
            return self.best(words[0])
        found = [b for b in map(self.best, words) if b is not None]
        return max(found) if found else None


def _original_length(source: str, span: Span, matched: int) -> int:
    """How many original characters of ``span`` make up the first ``matched`` characters of its word
    (a span that analyses into several words is marked whole)."""
    start, end, words = span
    if len(words) != 1 or matched >= len(words[0]):
        return end - start
    produced = 0
    pos = start
    while pos < end and produced < matched:
        produced += len(normalise(source[pos]))
        pos += 1
    while pos < end and not normalise(source[pos]):  # marks decorating the last matched letter
        pos += 1
    return pos - start


def _matcher(words: QueryWords, synonyms: frozenset[str]) -> _Matcher:
    matcher = _MATCHERS.get((words, synonyms))
    if matcher is None:
        matcher = _MATCHERS[(words, synonyms)] = _Matcher(words, synonyms)
        if len(_MATCHERS) > 256:
            with contextlib.suppress(KeyError, RuntimeError, StopIteration):  # another thread trims too
                _MATCHERS.pop(next(iter(_MATCHERS)))
    return matcher


def marked_spans(text: str, words: QueryWords, synonyms: frozenset[str] = frozenset()) -> list[tuple[int, int]]:
    """The (start, end) character ranges of ``text`` to mark: words matching a query word under the
    typo/prefix policy, and words of the query's synonyms."""
    if not words or words.impossible:
        return []
    matcher = _matcher(words, synonyms)
    out = []
    for span in spans(text):
        best = matcher.span(span)
        if best is not None:
            out.append((span[0], span[0] + _original_length(text, span, best[1])))
    return out


_WORD = re.compile(r"[^\W_]+")


def _aligned_marks(form: str, matcher: _Matcher) -> list[tuple[int, int]]:
    """The marks of a text from its ``aligned_form``: its words stand at the original's offsets."""
    matched = matcher.matching(_WORD.findall(form))
    if not matched:
        return []
    # Where the few matching words stand, by str.find rather than a Python loop over every word: an
    # occurrence counts when it is a whole word (no letter or digit either side). Once one is found, the
    # next whole word can only start after it, all of it being letters.
    out = []
    size = len(form)
    for word, (_, matched_chars) in matched.items():
        length, start = len(word), form.find(word)
        while start >= 0:
            end = start + length
            if (start == 0 or not form[start - 1].isalnum()) and (end == size or not form[end].isalnum()):
                out.append((start, start + min(matched_chars, length)))
            start = form.find(word, end)
    out.sort()
    return out


def render(text: str, marks: list[tuple[int, int]]) -> str:
    """``text`` HTML-escaped with the ``marks`` ranges (in order, not overlapping) in <mark> tags."""
    if not marks:
        return html.escape(text)
    out = []
    pos = 0
    for start, end in marks:
        out.append(html.escape(text[pos:start]))
        out.append(OPEN + html.escape(text[start:end]) + CLOSE)
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def highlight(text: str, words: QueryWords, synonyms: frozenset[str] = frozenset()) -> str:
    """``text`` HTML-escaped, with the words matching ``words`` (or ``synonyms``) in <mark> tags."""
    if not words or words.impossible:
        return html.escape(text)
    matcher = _matcher(words, synonyms)
    form = aligned_form(text)
    if form is not None:
        return render(text, _aligned_marks(form, matcher))
    if not matcher.matching(normalised_words(text)):
        return html.escape(text)
    return render(text, marked_spans(text, words, synonyms))


def highlight_all(texts: Sequence[str], words: QueryWords, synonyms: frozenset[str] = frozenset()) -> list[str]:
    """``highlight`` of each text, in one pass over them all when they align (``analysis.aligned_form``):
    a hit's title and summary cost one analysis, not two."""
    if not words or words.impossible:
        return [html.escape(text) for text in texts]
    form = aligned_form(SEPARATOR.join(texts))
    if form is None:
        return [highlight(text, words, synonyms) for text in texts]
    marks = _aligned_marks(form, _matcher(words, synonyms))
    out, start = [], 0
    for text in texts:  # a mark never spans the separator (it is no word character)
        end = start + len(text)
        out.append(render(text, [(a - start, b - start) for a, b in marks if start <= a < end]))
        start = end + len(SEPARATOR)
    return out
