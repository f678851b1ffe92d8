"""Turning user text into HTML that is safe to put in a page: lesson markdown and plain text (reviews).

Shared by every domain (it knows nothing about courses). The HTML is produced on the command side so
that every consumer (read API, web UI) gets the same, already-sanitised markup.

Two layers, because either alone has failed somewhere before:

1. markdown-it (CommonMark) with raw HTML *disabled*: ``<script>`` in a lesson is text, never markup.
   Its own link validator already refuses ``javascript:``/``vbscript:``/``file:`` and most ``data:``.
2. nh3 (ammonia) with a strict allowlist over the result: only the tags markdown itself produces, only
   harmless attributes, only http/https/mailto URLs, ``rel="noopener noreferrer nofollow"`` on links.
   If a markdown-it bug or a future option lets markup through, this is what stops it.

Why nh3 and not bleach: docs/adr/0005-html-sanitiser.md (bleach is deprecated; nh3 is much faster).
Both sanitisers are built once, here: they sit on the GET /lessons/{id} path.
"""

import html

import nh3
from markdown_it import MarkdownIt


def plain_text_to_html(text: str) -> str:
    """Text a user typed (a review, a comment) as HTML: every character escaped, line breaks as <br>.

    Nothing in it is interpreted: ``<b>`` shows as the three characters ``<b>``.
    """
    # Normalise the three newline conventions first, so "\r\n" is one break, not two.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "<br>\n".join(html.escape(line, quote=True) for line in text.split("\n"))


# --- the allowlist -------------------------------------------------------------------------------------

# Exactly the elements markdown (CommonMark + tables + strikethrough) can produce, nothing else: no
# div/span (page-layout spoofing), no iframe/object/embed/form/input/style/svg/math.
ALLOWED_TAGS = frozenset(
    {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "code", "pre", "blockquote"}
    | {"ul", "ol", "li", "a", "img"}
    | {"table", "thead", "tbody", "tr", "th", "td"}
)

# No class/id/style anywhere (they could borrow the host page's CSS, e.g. a full-screen overlay class),
# except the narrow, exact-value cases below.
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},  # "3. three" starts the list at 3
}

URL_SCHEMES = frozenset({"http", "https", "mailto"})

LINK_REL = "noopener noreferrer nofollow"

# Table-column alignment is the only style markdown emits; allowed by exact value, so no CSS is parsed.
_ALIGNMENTS = {"text-align:left", "text-align:center", "text-align:right"}
ALLOWED_ATTRIBUTE_VALUES = {"th": {"style": _ALIGNMENTS}, "td": {"style": _ALIGNMENTS}}

# Fenced code keeps ``language-xxx`` for syntax highlighting, but only from a fixed list: a free class name
# could pick up the page's own styling. (A list, not a callback: a Python callback would run per attribute.)
_LANGUAGE_NAMES = """
    bash c clojure console cpp cs csharp css dart diff dockerfile elixir erlang go graphql haskell html ini
    java javascript js json julia kotlin latex lua makefile markdown md matlab nginx perl php plaintext
    powershell python py r ruby rust scala scss sh shell sql swift text toml ts tsx typescript xml yaml yml
"""
CODE_LANGUAGES = frozenset(_LANGUAGE_NAMES.split())
ALLOWED_CLASSES = {"code": {f"language-{name}" for name in CODE_LANGUAGES}}

# Images load from third-party hosts when a student opens the lesson: no Referer (which lesson they read)
# and lazy loading. Set unconditionally, so an author cannot override them.
FORCED_ATTRIBUTES = {"img": {"referrerpolicy": "no-referrer", "loading": "lazy"}}

# Dropped together with their content (not just the tags): their text is code, not prose.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "noscript", "iframe", "object"})

_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes=ALLOWED_ATTRIBUTES,
    tag_attribute_values=ALLOWED_ATTRIBUTE_VALUES,
    set_tag_attribute_values=FORCED_ATTRIBUTES,
    allowed_classes=ALLOWED_CLASSES,
    url_schemes=set(URL_SCHEMES),
    # Relative URLs ("/auth/logout", "../x") would resolve against whichever page shows the lesson (web UI,
    # read API): surprising at best, a same-origin request with the student's cookies at worst.
    url_relative="deny",
    link_rel=LINK_REL,
    strip_comments=True,
)

# CommonMark, raw HTML off (escaped as text), no linkify (bare text is not guessed into links), no
# typographer (code-like text stays byte-exact). maxNesting (20 in this preset) bounds deep-nesting input.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False, "xhtmlOut": False})
_markdown.enable(["table", "strikethrough"])


def markdown_to_html_unsanitised(markdown: str) -> str:
    """markdown-it's output alone. Only for the benchmark and tests: never send this to a browser."""
    return _markdown.render(markdown)


def sanitise_html(fragment: str) -> str:
    """An HTML fragment reduced to the allowlist above."""
    return _cleaner.clean(fragment)


def markdown_to_safe_html(markdown: str) -> str:
    """Lesson markdown as HTML that may go straight into a page."""
    return _cleaner.clean(_markdown.render(markdown))
