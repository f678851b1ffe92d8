"""Looking at rendered HTML the way a browser would, to assert it is safe (not by grepping strings).

``elements`` parses with the standard library's html.parser, which decodes entities in attribute values
(as a browser does), so ``href="&#106;avascript:"`` is seen as ``javascript:``.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "data", "background", "poster", "xlink:href"})
ACTIVE_ELEMENTS = frozenset(
    {"script", "style", "iframe", "frame", "object", "embed", "form", "input", "button", "base", "meta", "link"}
    | {"svg", "math", "template", "noscript", "textarea", "select", "applet", "frameset"}
)
LINK_REL = "noopener noreferrer nofollow"

# What a browser ignores when it reads a URL's scheme: ASCII whitespace and C0 controls anywhere (it drops
# tabs and newlines inside the URL, and strips the rest at both ends), plus DEL and C1 controls to be safe.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f-\x9f]")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


@dataclass(frozen=True)
class Element:
    tag: str
    attrs: dict[str, str | None]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector


def elements(html: str) -> list[Element]:
    return parse(html).elements


def text_of(html: str) -> str:
    """The text a reader sees (entities decoded, tags gone)."""
    return "".join(parse(html).text)


def url_scheme(url: str) -> str | None:
    """The scheme a browser would act on (lower case), or None for a URL without one (relative)."""
    cleaned = _IGNORED_IN_SCHEME.sub("", url).lower()
    match = _SCHEME.match(cleaned)
    return match.group(1) if match else None


def unsafe_parts(html: str) -> list[str]:
    """Everything in ``html`` that could run script or leave the allowed URL schemes; empty when safe."""
    found = []
    for element in elements(html):
        if element.tag in ACTIVE_ELEMENTS:
            found.append(f"<{element.tag}> element")
        for name, value in element.attrs.items():
            if name.startswith("on"):
                found.append(f"{name} attribute on <{element.tag}>")
            if name == "style" and value and re.search(r"url\(|expression|javascript", value, re.IGNORECASE):
                found.append(f"style {value!r} on <{element.tag}>")
            if name in URL_ATTRIBUTES and value is not None:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    found.append(f"{name}={value!r} ({scheme}:) on <{element.tag}>")
        if element.tag == "a" and element.attrs.get("rel") != LINK_REL:
            found.append(f"<a> without rel={LINK_REL!r}: {element.attrs}")
    return found
