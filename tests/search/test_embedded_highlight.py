"""The embedded engine's own highlighter: typo and prefix matches marked, everything else escaped."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from search.embedded.analysis import query_words
from search.embedded.highlight import highlight, highlight_all, marked_spans, render

MARK = re.compile(r"<mark>(.*?)</mark>")


def hl(text: str, query: str, synonyms: frozenset[str] = frozenset()) -> str:
    return highlight(text, query_words(query), synonyms)


def test_exact_typo_and_prefix_matches_are_marked():
    assert hl("Python for Data", "data") == "Python for <mark>Data</mark>"
    assert hl("Python for Data", "pyhton") == "<mark>Python</mark> for Data"
    assert hl("Python for Data", "data pyt") == "<mark>Pyt</mark>hon for <mark>Data</mark>"
    # a prefix with a typo marks the matched beginning
    assert MARK.findall(hl("Kubernetes in Production", "kubarn")) == ["Kubern"]


def test_only_the_last_word_is_a_prefix():
    assert hl("Python for Data", "pyt data") == "Python for <mark>Data</mark>"
    assert hl("Python for Data", "pyt ") == "Python for Data"


def test_words_outside_the_typo_budget_stay_unmarked():
    assert hl("Two-Week Spanish", "tow ") == "Two-Week Spanish"
    assert hl("Two-Week Spanish", "xpanish ") == "Two-Week Spanish"  # first-letter typo counts as two


def test_accents_and_case_are_matched_but_the_original_is_kept():
    assert hl("Crème brûlée at Home", "CREME BRULEE") == "<mark>Crème</mark> <mark>brûlée</mark> at Home"
    assert hl("cre\u0301me", "creme") == "<mark>cre\u0301me</mark>"
    # a prefix mark ends after the accent that decorates its last letter
    assert hl("Crème", "cre") == "<mark>Crè</mark>me"
    assert hl("cre\u0301me", "cre") == "<mark>cre\u0301</mark>me"


def test_hostile_text_is_escaped_around_and_inside_marks():
    text = 'HTML & CSS: The <b> Tag and "Friends" <script>alert(1)</script>'
    out = hl(text, "friends script")
    assert out == (
        "HTML &amp; CSS: The &lt;b&gt; Tag and &quot;<mark>Friends</mark>&quot; "
        "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;"
    )
    assert hl("<mark>x</mark>", "mark") == "&lt;<mark>mark</mark>&gt;x&lt;/<mark>mark</mark>&gt;"


def test_no_words_means_escaped_text_without_marks():
    assert hl("a < b & c", "") == "a &lt; b &amp; c"
    assert hl("a < b & c", ") * :") == "a &lt; b &amp; c"
    assert hl("aaaa", "a" * 200) == "aaaa"


def test_synonym_words_are_marked_as_exact_matches():
    assert hl("Kubernetes in Production", "k8s", frozenset({"kubernetes"})) == "<mark>Kubernetes</mark> in Production"


WORDS = ["python", "Pyhton", "data", "Crème", "brûlée", "kubernetes", "Kubarnetis", "spanish", "x_y", "ML", "a1b2"]


@settings(max_examples=400, deadline=None)
@given(
    text=st.lists(st.sampled_from([*WORDS, " ", "-", "<", "&", "é", "_", "'"]), max_size=12).map("".join),
    query=st.lists(st.sampled_from([*WORDS, "pyt", "kub", "da", "cre", "bru"]), min_size=1, max_size=3).map(" ".join),
    trailing_space=st.booleans(),
)
def test_fast_paths_mark_what_the_plain_definition_marks(text, query, trailing_space):
    # The ASCII path and the distinct-words shortcut must agree with marking span by span.
    words = query_words(query + (" " if trailing_space else ""))
    synonyms = frozenset({"data"}) if "ML" in query else frozenset()
    assert highlight(text, words, synonyms) == render(text, marked_spans(text, words, synonyms))


@settings(max_examples=300, deadline=None)
@given(
    texts=st.lists(st.lists(st.sampled_from([*WORDS, " ", "-", "<", "é", "\n"]), max_size=8).map("".join), max_size=3),
    query=st.lists(st.sampled_from([*WORDS, "pyt", "kub", "cre"]), min_size=1, max_size=3).map(" ".join),
)
def test_highlighting_texts_together_marks_each_as_alone(texts, query):
    words = query_words(query)
    assert highlight_all(texts, words) == [highlight(text, words) for text in texts]
