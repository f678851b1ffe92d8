"""Descriptions (markdown) become the plain text of cards and search documents."""

import pytest

from projectors.plain_text import SUMMARY_CHARS, markdown_to_text, summary_of


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("Plain prose, nothing else.", "Plain prose, nothing else."),
        ("Two\nlines  and   spaces", "Two lines and spaces"),
        ("**bold** and _em_ and `code`", "bold and em and code"),
        ("[a link](https://example.com) here", "a link here"),
        ("![the alt text](https://example.com/x.png)", "the alt text"),
        ("# Heading\n\nParagraph one.\n\n- item one\n- item two", "Heading Paragraph one. item one item two"),
        ("1. first\n2. second", "first second"),
        ("> quoted words", "quoted words"),
        ("```python\nprint('hi')\n```", "print('hi')"),
        ("<script>alert(1)</script> after", "<script>alert(1)</script> after"),
        ("Fish &amp; chips", "Fish & chips"),
        ("", ""),
    ],
)
def test_markdown_becomes_the_visible_text(markdown, text):
    assert markdown_to_text(markdown) == text


def test_raw_html_stays_text_never_markup():
    # html is off in the parser: a tag is shown as the characters it is (the read side escapes on output)
    assert "<b>" in markdown_to_text("<b>bold</b> words")


def test_the_fast_path_agrees_with_the_parser():
    prose = "Learn to build web applications with real projects, step by step.\nFor beginners."
    expected = "Learn to build web applications with real projects, step by step. For beginners."
    assert markdown_to_text(prose) == expected  # no markdown character: the parser is skipped
    assert markdown_to_text(prose + " &amp;") == expected + " &"  # an entity: parsed, same words


def test_summary_keeps_short_text_whole():
    assert summary_of("Short.") == "Short."


def test_summary_cuts_long_text_at_a_word_with_an_ellipsis():
    text = " ".join(["word"] * 100)
    summary = summary_of(text)
    assert len(summary) <= SUMMARY_CHARS
    assert summary.endswith("…")
    assert summary[:-1].split(" ")[-1] == "word"


def test_summary_of_one_long_word_is_cut_hard():
    summary = summary_of("x" * 500)
    assert summary == "x" * (SUMMARY_CHARS - 1) + "…"
