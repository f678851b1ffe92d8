"""Our own highlighter: tantivy's SnippetGenerator only knows exact terms, but a hit may have matched by
typo or prefix. The original text is split into words with offsets, each word is analysed exactly as the
index analyses it and matched against the query words under the same typo/prefix policy, and the text is
HTML-escaped piecewise with matches wrapped in ``<mark>…</mark>``: the whole word for exact and typo
matches, the matched beginning for prefix matches (as Meilisearch does: "<mark>Pyt</mark>hon")."""

import contextlib
import html

from search.embedded.analysis import QueryWords, Span, normalise, spans
from search.embedded.typos import MatchKind, match

OPEN, CLOSE = "<mark>", "</mark>"
# One matcher per recent query (its memo serves every hit of the page, and the next page).
_MATCHERS: dict[tuple[QueryWords, frozenset[str]], "_Matcher"] = {}


class _Matcher:
    """The best match of any query word for a document word, memoised for one query."""

    def __init__(self, words: QueryWords, synonyms: frozenset[str]) -> None:
        self._checks = [(w, words.is_prefix(i)) for i, w in enumerate(words.words)]
        self._synonyms = synonyms
        self._memo: dict[str, tuple[MatchKind, int] | None] = {}

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


def marked_spans(text: str, words: QueryWords, synonyms: frozenset[str] = frozenset()) -> list[tuple[int, int]]:
    """The (start, end) character ranges of ``text`` to mark: words matching a query word under the
    typo/prefix policy, and words of the query's synonyms."""
    if not words or words.impossible:
        return []
    matcher = _MATCHERS.get((words, synonyms))
    if matcher is None:
        matcher = _MATCHERS[(words, synonyms)] = _Matcher(words, synonyms)
        if len(_MATCHERS) > 256:
            with contextlib.suppress(KeyError, RuntimeError, StopIteration):  # another thread trims too
                _MATCHERS.pop(next(iter(_MATCHERS)))
    out = []
    for span in spans(text):
        best = matcher.span(span)
        if best is not None:
            out.append((span[0], span[0] + _original_length(text, span, best[1])))
    return out


def highlight(text: str, words: QueryWords, synonyms: frozenset[str] = frozenset()) -> str:
    """``text`` HTML-escaped, with the words matching ``words`` (or ``synonyms``) in <mark> tags."""
    out = []
    pos = 0
    for start, end in marked_spans(text, words, synonyms):
        out.append(html.escape(text[pos:start]))
        out.append(OPEN + html.escape(text[start:end]) + CLOSE)
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)
