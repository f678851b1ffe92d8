"""Text analysis shared by indexing, querying and highlighting, so the three always agree.

- ``normalise``: NFKD decomposition, accents (combining marks) dropped, lowercased — "Crème", "CREME"
  and "creme" are one word. ASCII text takes a fast path.
- ``words``: the normalised text split into words, maximal runs of letters and digits (``_``,
  punctuation and spaces separate them).
- ``term``: how a word is stored in the index — its first letter doubled ("python" -> "ppython"). This is
  Meilisearch's rule "a typo on the first letter counts as two" made structural: changing, dropping or
  adding a first letter now costs two edits in tantivy's fuzzy (Levenshtein) queries, whereas words with
  the same first letter keep their distance. Exact and prefix matches are unaffected.

A searchable field holds ``index_form(text)``: the terms of its words, separated by spaces, which the
registered analyzer (``TOKENIZER``: split on whitespace, drop terms over ``MAX_TERM_BYTES``) indexes as
they are. Query words go through ``words`` and ``term`` too, so both sides are one function.
"""

import re
import unicodedata
from dataclasses import dataclass
from operator import add, itemgetter

import tantivy

TOKENIZER = "edu_terms"
MAX_TERM_BYTES = 48  # longer terms are not indexed (and a query word that long cannot match)
# Meilisearch answers on the first 10 words of a query; so do we (bounds the cost of a query).
MAX_QUERY_WORDS = 10

ANALYZER = (
    tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
    .filter(tantivy.Filter.remove_long(MAX_TERM_BYTES + 1))
    .build()
)


def register(index: tantivy.Index) -> None:
    """Every opened index needs the analyzer registered before anything is written to it."""
    index.register_tokenizer(TOKENIZER, ANALYZER)


def _marks() -> tuple[str, dict[int, None]]:
    """A regex class body of every combining mark (Mn, Mc, Me), as ranges; and a ``str.translate`` table
    dropping the marks that NFKD splits off letters (those with a combining class)."""
    ranges: list[list[int]] = []
    drop: dict[int, None] = {}
    for cp in range(0x30000):
        c = chr(cp)
        if unicodedata.category(c) in ("Mn", "Mc", "Me"):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
            if unicodedata.combining(c):
                drop[cp] = None
    body = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return body, drop


_MARK_CLASS, _DROP_COMBINING = _marks()
_WORD = re.compile(r"[^\W_]+")
# ASCII fast path: letters and digits lowercased, everything else a separator (same words as _WORD).
_ASCII_WORDS = bytes(b if chr(b).isalnum() else 0x20 for b in range(128)).lower() + b" " * 128
# A word in original text with the marks decorating it (highlighter offsets; "_" is split off later).
_ORIGINAL_WORD = re.compile(rf"[\w{_MARK_CLASS}]+")
_ASCII_ORIGINAL_WORD = re.compile(r"[A-Za-z0-9]+")
_first = itemgetter(slice(0, 1))


def normalise(text: str) -> str:
    """Case- and accent-insensitive form of ``text``."""
    if text.isascii():
        return text.lower()
    stripped = unicodedata.normalize("NFKD", text).translate(_DROP_COMBINING)
    return unicodedata.normalize("NFC", stripped.lower())


def words(text: str) -> list[str]:
    """The normalised words of ``text``."""
    if text.isascii():
        return text.encode().translate(_ASCII_WORDS).decode().split()
    return _WORD.findall(normalise(text))


# Where ``aligned_form`` looks for characters it can map one to one: every script below U+3000 but Hangul
# jamo (which NFC composes with their neighbours); and not capital sigma, whose lowercase depends on its
# place in the word.
_ALIGNED_RANGE = 0x3000
_NOT_ALIGNED = {0x03A3, *range(0x1100, 0x1200)}


def _aligned_table() -> tuple[dict[int, str], re.Pattern]:
    """The characters ``aligned_form`` maps: a word character that normalises, on its own, to one word
    character, to that character; any other character that is not a mark and normalises to no word
    character at all (a dash, quote or ellipsis) to a space -- a separator either way. And a pattern
    finding the characters it cannot map."""
    table = {}
    for cp in range(_ALIGNED_RANGE):
        c = chr(cp)
        if cp in _NOT_ALIGNED or unicodedata.category(c).startswith("M"):
            continue
        n = normalise(c)
        if c != "_" and re.fullmatch(r"\w", c):
            if len(n) == 1 and _WORD.fullmatch(n):
                table[cp] = n
        elif not _WORD.search(n):
            table[cp] = c if c.isascii() else " "
    ranges, first = [], None
    for cp in range(_ALIGNED_RANGE + 1):
        if cp in table and first is None:
            first = cp
        elif cp not in table and first is not None:
            ranges.append(f"{re.escape(chr(first))}-{re.escape(chr(cp - 1))}")
            first = None
    return table, re.compile("[^" + "".join(ranges) + "]")


_ALIGNED, _UNALIGNED = _aligned_table()


def aligned_form(text: str) -> str | None:
    """``text`` normalised character for character -- offsets in it are offsets in ``text``, and its words
    (runs of letters and digits) are the words ``spans`` finds, normalised -- when every character of it
    can be (ASCII, and almost all text in Latin, Greek or Cyrillic script); None otherwise. The
    highlighter's fast path."""
    if text.isascii():
        return text.lower()
    if _UNALIGNED.search(text) is None:
        return text.translate(_ALIGNED)
    return None


def term(word: str) -> str:
    """The indexed form of a normalised word: its first letter doubled."""
    return word[:1] + word


def index_form(text: str) -> str:
    """What a searchable field stores: the terms of ``text``'s distinct words, space-separated. Fields
    are indexed without frequencies or positions, so a repeated word adds nothing. (Hot path of bulk
    indexing: for text that is ASCII once normalised, no Python bytecode runs per word.)"""
    if not text.isascii():
        text = normalise(text)
        if not text.isascii():
            distinct = dict.fromkeys(_WORD.findall(text))
            return " ".join(map(add, map(_first, distinct), distinct))
    distinct = dict.fromkeys(text.encode().translate(_ASCII_WORDS).split())
    return b" ".join(map(add, map(_first, distinct), distinct)).decode()


def indexable(word: str) -> bool:
    return len(term(word).encode()) <= MAX_TERM_BYTES


# A word of original text: (start, end, its normalised words — usually one); offsets in characters.
# A plain tuple of ints and strings, so the garbage collector stops tracking it.
Span = tuple[int, int, tuple[str, ...]]


class BoundedMemo(dict):
    """A memo that forgets everything when full: cheaper than an LRU, and — holding only strings and
    tuples of them — invisible to the garbage collector's full passes (an lru_cache's linked nodes are
    not, and long GC pauses showed up in search latency)."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def remember(self, key, value):
        if len(self) >= self.size:
            self.clear()
        self[key] = value
        return value


_SPANS = BoundedMemo(8192)


def spans(text: str) -> tuple[Span, ...]:
    """The words of original ``text`` with their offsets (memoised: the titles and summaries of popular
    hits come back again and again)."""
    found = _SPANS.get(text)
    if found is None:
        found = _SPANS.remember(text, _spans(text))
    return found


def _spans(text: str) -> tuple[Span, ...]:
    if text.isascii():
        return tuple((m.start(), m.end(), (m.group().lower(),)) for m in _ASCII_ORIGINAL_WORD.finditer(text))
    out = []
    for m in _ORIGINAL_WORD.finditer(text):
        start = m.start()
        for piece in m.group().split("_"):
            # an ASCII piece is letters and digits only (``_`` split it): one word, just lowercased
            found = (piece.lower(),) if piece.isascii() else _piece_words(piece)
            if found and found[0]:
                out.append((start, start + len(piece), found))
            start += len(piece) + 1
    return tuple(out)


_PIECES = BoundedMemo(65536)


def _piece_words(piece: str) -> tuple[str, ...]:
    """The normalised words of one piece of a non-ASCII word (memoised: a language's words recur)."""
    found = _PIECES.get(piece)
    if found is None:
        found = _PIECES.remember(piece, tuple(words(piece)))
    return found


@dataclass(frozen=True, slots=True)
class QueryWords:
    words: tuple[str, ...]
    # The last word also matches as a prefix (search-as-you-type) unless the text ends with a separator.
    last_is_prefix: bool = False
    # A word no indexed word can equal (too long): with all words required, nothing matches.
    impossible: bool = False

    def __bool__(self) -> bool:
        return bool(self.words)

    def is_prefix(self, position: int) -> bool:
        return self.last_is_prefix and position == len(self.words) - 1


def query_words(text: str) -> QueryWords:
    """The words a query searches for. Anything that is not a letter or digit (quotes, parentheses,
    ``:``, ``*``, ``-``) only separates words, and ``AND``/``OR``/``NOT`` are ordinary words: there is
    no query syntax to inject."""
    found = words(text)
    if not found:
        return QueryWords(())
    kept = found[:MAX_QUERY_WORDS]
    if not all(indexable(w) for w in kept):
        return QueryWords(tuple(kept), impossible=True)
    # Prefix only while the user is typing the last word: the text ends in it (and was not cut short).
    last_is_prefix = len(kept) == len(found) and normalise(text[-1:]).isalnum()
    last = kept[-1]
    unique = tuple(dict.fromkeys(kept))
    if last_is_prefix and unique[-1] != last:
        # repeated words add nothing (all must match); keep the typed-on word last, where it is the prefix
        unique = (*(w for w in unique if w != last), last)
    return QueryWords(unique, last_is_prefix)
