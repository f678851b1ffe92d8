"""The embedded engine's text analysis and typo policy (pure functions)."""

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.embedded.analysis import (
    MAX_QUERY_WORDS,
    aligned_form,
    index_form,
    normalise,
    query_words,
    spans,
    term,
    words,
)
from search.embedded.typos import MatchKind, distance, match, prefix_match, typo_budget


def test_normalise_folds_case_and_accents():
    assert normalise("Crème BRÛLÉE") == "creme brulee"
    assert normalise("cre\u0301me") == "creme"  # decomposed accent
    assert normalise("Ana Núñez") == "ana nunez"
    assert normalise("Ёлка") == "елка"
    assert normalise("ﬁsh") == "fish"  # compatibility ligature


# Characters of every kind the aligned form must get right or refuse: cased, accented, decomposed,
# ligatures, compatibility forms, separators, the final sigma, Cyrillic, Hangul.
TRICKY = "aZé\u0301ÆßİΣ\u03c3\u03c2ﬁ½²ª…—\u2019_-. 'ЁжΩ가\u1100\u1161ŉǅ\u00a0"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(TRICKY) | st.characters(max_codepoint=0x2FFF), max_size=20))
def test_aligned_form_has_the_words_of_spans_at_their_offsets(text):
    form = aligned_form(text)
    if form is None:
        return  # refused: the highlighter takes the plain path
    assert len(form) == len(text)
    found = [(m.start(), m.end(), (m.group(),)) for m in re.finditer(r"[^\W_]+", form)]
    assert found == list(spans(text))
    assert [word for _, _, (word,) in found] == words(text)  # the words the index holds


def test_aligned_form_refuses_what_would_move_offsets():
    assert aligned_form("Crème — brûlée…") == "creme   brulee "
    assert aligned_form("cre\u0301me") is None  # a combining accent: normalising drops a character
    assert aligned_form("½") is None  # one character, three after normalising
    assert aligned_form("ΟΔΟΣ") is None  # capital sigma: its lowercase depends on its place


def test_words_split_on_everything_but_letters_and_digits():
    assert words('Crème-brûlée x_y  C++ "OR" (title:python) 42') == [
        "creme",
        "brulee",
        "x",
        "y",
        "c",
        "or",
        "title",
        "python",
        "42",
    ]
    assert words(") * : NOT \\ ") == ["not"]
    assert words("_-*") == []


@pytest.mark.parametrize(
    "text",
    ["Python for Data", "Crème brûlée at Home", "x_y C++ é_ü", "Ёлка 42 ﬁsh", "naïve naïve naive", "", "  "],
)
def test_index_form_is_the_terms_of_the_distinct_words(text):
    # the ASCII fast path and the Unicode path must index exactly what a query for the same words looks up
    assert index_form(text).split() == [term(w) for w in dict.fromkeys(words(text))]


def test_term_doubles_the_first_letter():
    assert term("python") == "ppython"
    assert term("a") == "aa"


def test_query_words_prefix_only_while_typing_the_last_word():
    assert query_words("data pyt") == query_words("data pyt")
    assert query_words("data pyt").words == ("data", "pyt") and query_words("data pyt").last_is_prefix
    assert not query_words("kuber ").last_is_prefix
    assert not query_words("python*").last_is_prefix
    assert not query_words('"python"').last_is_prefix
    assert query_words("Crème").last_is_prefix
    assert not query_words("").words and not query_words("!!").words


def test_query_words_are_capped_deduplicated_and_keep_the_typed_word_last():
    many = " ".join(f"w{i}" for i in range(MAX_QUERY_WORDS + 5))
    cut = query_words(many)
    assert len(cut.words) == MAX_QUERY_WORDS and not cut.last_is_prefix
    assert query_words("python " * 28).words == ("python",)
    repeated = query_words("data python data")
    assert repeated.words == ("python", "data") and repeated.is_prefix(1)


def test_an_over_long_word_can_match_nothing():
    assert query_words("a" * 200).impossible
    assert not query_words("a" * 20).impossible


def test_spans_point_into_the_original_text():
    text = "Crème_brûlée, cre\u0301me & Python"
    found = spans(text)
    assert [text[start:end] for start, end, _ in found] == ["Crème", "brûlée", "cre\u0301me", "Python"]
    assert [words for _, _, words in found] == [("creme",), ("brulee",), ("creme",), ("python",)]


# --- typo policy ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "budget"), [("tow", 0), ("yoqa", 0), ("spnsh", 1), ("paintimg", 1), ("kubarnetis", 2)]
)
def test_typo_budget_by_length(word, budget):
    assert typo_budget(word) == budget


def _osa(a: str, b: str) -> int:
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


@pytest.mark.parametrize("alphabet", ["abc", "abcdef"])  # few letters: long tables; more: the letter filter
def test_bounded_distances_agree_with_the_full_table(alphabet):
    rng = random.Random(7)
    for _ in range(3000):
        a = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 7)))
        b = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9)))
        for limit in (1, 2):
            full = _osa(a, b)
            assert distance(a, b, limit) == (full if full <= limit else None), (a, b, limit)
            best = min(_osa(a, b[:j]) for j in range(1, len(b) + 1)) if b else None
            found = prefix_match(a, b, limit)
            assert (found[0] if found else None) == (best if best is not None and best <= limit else None)


def _reference_match(word: str, token: str, prefix: bool) -> MatchKind | None:
    """The typo policy read off the full distance table of the terms, with none of match's shortcuts."""
    if word == token:
        return MatchKind.EXACT
    if prefix and token.startswith(word):
        return MatchKind.PREFIX
    budget = typo_budget(word)
    if budget and _osa(term(word), term(token)) <= budget:
        return MatchKind.TYPO
    if budget and prefix:
        t = term(token)
        if min(_osa(term(word), t[:j]) for j in range(1, len(t) + 1)) <= budget:
            return MatchKind.PREFIX_TYPO
    return None


@pytest.mark.parametrize("alphabet", ["abc", "abcdefgh"])
def test_match_agrees_with_the_policy_read_off_the_full_table(alphabet):
    rng = random.Random(11)
    for _ in range(4000):
        word = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 11)))
        token = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 13)))
        for prefix in (False, True):
            found = match(word, token, prefix=prefix)
            assert (found[0] if found else None) == _reference_match(word, token, prefix), (word, token, prefix)


@pytest.mark.parametrize(
    ("word", "token", "prefix", "kind"),
    [
        ("python", "python", False, MatchKind.EXACT),
        ("pyhton", "python", False, MatchKind.TYPO),  # transposition: one typo
        ("pyt", "python", True, MatchKind.PREFIX),
        ("pyt", "python", False, None),
        ("pythn", "pythonic", True, MatchKind.PREFIX_TYPO),
        ("tow", "two", False, None),  # under 5 letters: exact only
        ("spnsh", "spanish", False, None),  # two typos in a 5-letter word
        ("kubarnetis", "kubernetes", False, MatchKind.TYPO),  # two typos, 10 letters
        ("xpanish", "spanish", False, None),  # a first-letter typo counts as two
        ("panish", "spanish", False, None),  # so does a missing first letter
        ("xspanishes", "spanishes", False, MatchKind.TYPO),  # ... which 9+ letters can afford
        ("xspanishes", "spanishxs", False, None),  # but not with another typo
    ],
)
def test_match_kinds(word, token, prefix, kind):
    found = match(word, token, prefix=prefix)
    assert (found[0] if found else None) == kind
