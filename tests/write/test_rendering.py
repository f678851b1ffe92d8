"""write.rendering: lesson markdown becomes useful HTML, and nothing in it can run script.

Every hostile input goes through both layers on its own: the whole renderer (markdown-it with raw HTML off,
then nh3) and the nh3 layer alone fed the raw string as HTML, since that layer is what remains if markdown
ever lets markup through.
"""

import html

import pytest

from loadtest import bench_sanitizers
from tests.write.html_helpers import LINK_REL, elements, text_of, unsafe_parts, url_scheme
from tests.write.xss_vectors import HOSTILE
from write.catalog.lessons import RENDER_INLINE_MAX_CHARS, render
from write.rendering import (
    ALLOWED_TAGS,
    markdown_to_safe_html,
    plain_text_to_html,
    sanitise_html,
)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_renderer_output_of_hostile_input_is_safe(hostile):
    rendered = markdown_to_safe_html(hostile)
    assert unsafe_parts(rendered) == [], rendered
    assert {element.tag for element in elements(rendered)} <= ALLOWED_TAGS, rendered


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_sanitiser_alone_makes_hostile_html_safe(hostile):
    cleaned = sanitise_html(hostile)
    assert unsafe_parts(cleaned) == [], cleaned
    assert {element.tag for element in elements(cleaned)} <= ALLOWED_TAGS, cleaned


def test_there_are_enough_hostile_cases():
    assert len(HOSTILE) >= 25


@pytest.mark.parametrize(
    "bad",
    [
        "<script>x</script>",
        "<img src=x onerror=alert(1)>",
        '<a href=" jav&#x09;ascript:alert(1)" rel="noopener noreferrer nofollow">x</a>',
        '<a href="https://ok.example/">no rel</a>',
        '<img src="DATA:image/png;base64,AAAA">',
        "<div style=\"background:url('x')\">x</div>",
    ],
)
def test_the_safety_check_itself_catches_unsafe_html(bad):
    # Guards the guard: a checker that never complains would pass every test above.
    assert unsafe_parts(bad) != []


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("https://a.example", "https"),
        ("  JaVa\tScRiPt:alert(1)", "javascript"),
        ("\x00\x01javascript:x", "javascript"),
        ("/relative/path", None),
        ("#anchor", None),
    ],
)
def test_url_scheme_reads_a_url_as_a_browser_does(url, scheme):
    assert url_scheme(url) == scheme


def test_raw_html_in_markdown_is_shown_as_text_not_markup():
    rendered = markdown_to_safe_html("Use <b>bold</b> and <em onclick='x()'>this</em> <div>block</div>.")
    assert [element.tag for element in elements(rendered)] == ["p"]
    assert text_of(rendered) == "Use <b>bold</b> and <em onclick='x()'>this</em> <div>block</div>.\n"


def test_markdown_features_render():
    source = "\n".join(
        [
            "# Title",
            "### Part",
            "Some *emphasis*, **strong**, ~~gone~~ and `code`.  ",
            "Next line after a hard break.",
            "",
            "> quoted",
            "",
            "- one",
            "- two",
            "",
            "3. three",
            "4. four",
            "",
            "```python",
            "print('<hi>')",
            "```",
            "",
            "---",
            "",
            "| left | centre | right |",
            "|:-----|:------:|------:|",
            "| 1    | 2      | 3     |",
            "",
            '[site](https://example.com/a?b=1&c=2 "Site") [mail](mailto:t@example.com) <https://auto.example>',
            "",
            '![diagram](https://img.example/d.png "A diagram")',
        ]
    )
    rendered = markdown_to_safe_html(source)
    tags = [element.tag for element in elements(rendered)]
    for tag in ("h1", "h3", "em", "strong", "s", "code", "br", "blockquote", "ul", "ol", "li", "pre", "hr"):
        assert tag in tags, (tag, rendered)
    for tag in ("table", "thead", "tbody", "tr", "th", "td", "a", "img"):
        assert tag in tags, (tag, rendered)
    by_tag = {}
    for element in elements(rendered):
        by_tag.setdefault(element.tag, []).append(element.attrs)
    assert by_tag["ol"] == [{"start": "3"}]
    assert {"class": "language-python"} in by_tag["code"]
    assert [cell.get("style") for cell in by_tag["th"]] == ["text-align:left", "text-align:center", "text-align:right"]
    assert by_tag["a"] == [
        {"href": "https://example.com/a?b=1&c=2", "title": "Site", "rel": LINK_REL},
        {"href": "mailto:t@example.com", "rel": LINK_REL},
        {"href": "https://auto.example", "rel": LINK_REL},
    ]
    assert by_tag["img"] == [
        {
            "src": "https://img.example/d.png",
            "alt": "diagram",
            "title": "A diagram",
            "loading": "lazy",
            "referrerpolicy": "no-referrer",
        }
    ]
    assert "print('<hi>')" in text_of(rendered)  # code is shown verbatim, escaped in the markup


def test_relative_urls_are_dropped_but_the_link_text_stays():
    rendered = markdown_to_safe_html("[home](/) [up](../x) [here](#top) [proto](//evil.example/x) ![i](a.png)")
    links = [element for element in elements(rendered) if element.tag in ("a", "img")]
    assert [set(element.attrs) & {"href", "src"} for element in links] == [set()] * 5
    assert "home up here proto" in text_of(rendered)


def test_code_classes_are_kept_only_for_known_languages():
    rendered = markdown_to_safe_html("```modal-overlay\nx\n```\n\n```rust\ny\n```")
    classes = [element.attrs.get("class") for element in elements(rendered) if element.tag == "code"]
    assert classes[1] == "language-rust"
    assert not classes[0]  # dropped (an empty class attribute at most)


def test_only_exact_alignment_styles_survive_on_table_cells():
    cleaned = sanitise_html(
        '<table><tr><td style="text-align:right">a</td><td style="color:red">b</td>'
        '<td style="text-align:right; position:fixed">c</td></tr></table>'
    )
    styles = [element.attrs.get("style") for element in elements(cleaned) if element.tag == "td"]
    assert styles == ["text-align:right", None, None]


def test_authors_cannot_override_link_rel_or_image_attributes():
    cleaned = sanitise_html(
        '<a href="https://a.example" rel="opener" target="_blank">x</a>'
        '<img src="https://a.example/i.png" referrerpolicy="unsafe-url" loading="eager" width="9999">'
    )
    link, image = elements(cleaned)
    assert link.attrs == {"href": "https://a.example", "rel": LINK_REL}
    assert image.attrs == {"src": "https://a.example/i.png", "referrerpolicy": "no-referrer", "loading": "lazy"}


def test_script_and_style_content_is_dropped_with_the_tag():
    assert text_of(sanitise_html("<p>a</p><script>steal()</script><style>p{}</style><p>b</p>")) == "ab"


def test_rendering_is_stable_when_sanitised_again():
    source = "# T\n\n[a](https://a.example) ![i](https://i.example/i.png)\n\n| x |\n|--:|\n| 1 |\n\n```py\nz\n```"
    rendered = markdown_to_safe_html(source)
    assert sanitise_html(rendered) == rendered


def test_empty_markdown_renders_to_nothing():
    assert markdown_to_safe_html("") == ""


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        'Tom & Jerry\'s "quotes" and <b>tags</b>',
        "&lt;already escaped&gt; &amp; &#106;",
        "[x](javascript:alert(1)) **not markdown**",
    ],
)
def test_plain_text_is_escaped_entirely(text):
    rendered = plain_text_to_html(text)
    assert elements(rendered) == []
    assert text_of(rendered) == text
    assert "<" not in rendered and ">" not in rendered and '"' not in rendered and "'" not in rendered


def test_plain_text_line_breaks_become_br():
    rendered = plain_text_to_html("one\ntwo\r\nthree\rfour\n\n<five>")
    assert [element.tag for element in elements(rendered)] == ["br"] * 5
    assert rendered == "one<br>\ntwo<br>\nthree<br>\nfour<br>\n<br>\n&lt;five&gt;"
    assert html.unescape(rendered.replace("<br>\n", "\n")) == "one\ntwo\nthree\nfour\n\n<five>"


async def test_big_lessons_render_off_the_event_loop_to_the_same_safe_html():
    big = "# Title\n\n" + "A paragraph with a [link](https://example.com) and <script>x</script>.\n\n" * 200
    assert len(big) > RENDER_INLINE_MAX_CHARS
    rendered = await render(big)
    assert rendered == markdown_to_safe_html(big)
    assert await render(big) == rendered  # served from the cache the second time
    assert "<script" not in rendered


def test_the_sanitiser_benchmark_runs_and_finds_both_sanitisers_safe(capsys):
    # A smoke run of loadtest/bench_sanitizers.py (tiny corpus, nothing written): keeps the script working,
    # and its exit code says neither nh3 nor bleach let anything unsafe through.
    assert bench_sanitizers.main(["--docs", "8", "--repeat", "1", "--no-write"]) == 0
    assert "| nh3 |" in capsys.readouterr().out
