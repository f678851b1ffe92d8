"""Markdown (as teachers write descriptions) to the plain text cards and search documents carry.

markdown-it-pyrs (the Rust port of markdown-it, the parser the write side renders lessons with; ~50x
faster, which matters when a rebuild turns 100,000 descriptions into text) builds the syntax tree; only the
words a reader would see are kept: no markup, no link targets. HTML in the text stays text, as with raw
HTML turned off when lessons are rendered (the read side escapes it on output). Prose without any markdown
character skips the parser.
"""

import re

from markdown_it_pyrs import MarkdownIt, Node

SUMMARY_CHARS = 200

_parser = MarkdownIt("commonmark")
_MARKUP = re.compile(r"[*_`#\[\]!<>&\\|~=+-]|^\s*\d+[.)]\s|\n\s*\n|^ {4}", re.MULTILINE)
_SPACE = re.compile(r"\s+")
# Nodes whose ``content`` is text a reader sees (HTML included: it is shown, not interpreted).
_TEXT = frozenset({"text", "text_special", "code_block", "fence", "html_inline", "html_block"})
_BREAKS = frozenset({"softbreak", "hardbreak"})
# Blocks end with a space, so the words of two paragraphs or list items never run together.
_BLOCKS = frozenset({
    "paragraph", "heading", "lheading", "list_item", "bullet_list", "ordered_list", "blockquote", "code_block",
    "fence", "html_block", "table", "thead", "tbody", "tr", "th", "td",
})  # fmt: skip


def _collect(node: Node, words: list[str]) -> None:
    name = node.name
    if name in _TEXT:
        words.append(node.meta.get("content", ""))
    elif name in _BREAKS:
        words.append(" ")
    for child in node.children:
        _collect(child, words)
    if name in _BLOCKS:
        words.append(" ")


def markdown_to_text(markdown: str) -> str:
    """The visible text of ``markdown``, blocks separated by one space, whitespace collapsed."""
    if not _MARKUP.search(markdown):
        return _SPACE.sub(" ", markdown).strip()
    words: list[str] = []
    _collect(_parser.tree(markdown), words)
    return _SPACE.sub(" ", "".join(words)).strip()


def summary_of(text: str, limit: int = SUMMARY_CHARS) -> str:
    """At most ``limit`` characters of plain text, cut at a word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"
