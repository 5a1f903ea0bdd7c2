"""Markdown for lessons: rendered with markdown-it, always sanitised with nh3."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "b",
    "i",
    "a",
    "blockquote",
    "code",
    "pre",
    "br",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "abbr",
    "sup",
    "sub",
    "dl",
    "dt",
    "dd",
    "span",
    "small",
    "mark",
    "q",
    "cite",
    "del",
    "ins",
    "kbd",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "th": {"scope"},
    "td": {"colspan", "rowspan"},
    "*": {"lang", "dir"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
INTERNAL_SCHEMES = ("lesson:", "module:", "media/")
DANGEROUS_URL = re.compile(r"^\s*(javascript|vbscript|data|file)\s*:", re.I)

LinkResolver = Callable[[str], str | None]


def _parser() -> MarkdownIt:
    return (
        MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
        .enable("table")
        .enable("strikethrough")
    )


_MD = _parser()


def render_markdown(text: str, resolve_link: LinkResolver | None = None) -> str:
    """Safe HTML for ``text``; internal links go through ``resolve_link``."""
    tokens = _MD.parse(text)
    if resolve_link is not None:
        for token in tokens:
            for child in token.children or ():
                if child.type == "link_open":
                    href = str(child.attrGet("href") or "")
                    if href.startswith(INTERNAL_SCHEMES):
                        child.attrSet("href", resolve_link(href) or "#")
    html = _MD.renderer.render(tokens, _MD.options, {})
    return sanitise(html)


def sanitise(html: str) -> str:
    """Keep only the tags, attributes and URL schemes lessons may use."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


class _TagScanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.found.append(f"the HTML tag <{tag}> is not allowed")
            return
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ALLOWED_ATTRIBUTES["*"]
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"the event attribute {name}= is not allowed")
            elif name not in allowed:
                self.found.append(f"the attribute {name}= on <{tag}> is not allowed")
            elif value and name == "href" and DANGEROUS_URL.match(value):
                self.found.append(f"the link {value!r} is not allowed")


def check_markdown(text: str, first_line: int) -> list[tuple[int, str, str]]:
    """Problems in ``text`` as (line, message, hint); ``links`` lists its links.

    Memoised per text: the studio checks the whole draft on every save, and a save
    changes one file's blocks.
    """
    return list(_check_markdown(text, first_line))


@lru_cache(maxsize=8192)
def _check_markdown(text: str, first_line: int) -> tuple[tuple[int, str, str], ...]:
    found: list[tuple[int, str, str]] = []
    for token in _MD.parse(text):
        line = first_line + (token.map[0] if token.map else 0)
        if token.type == "heading_open" and token.tag == "h1":
            found.append(
                (
                    line,
                    "a '#' heading inside a lesson",
                    "the lesson title is the only level-1 heading: use '##'",
                )
            )
        htmls = (
            [token.content]
            if token.type == "html_block"
            else [c.content for c in token.children or () if c.type == "html_inline"]
        )
        for html in htmls:
            scanner = _TagScanner()
            scanner.feed(html)
            for message in scanner.found:
                found.append(
                    (
                        line,
                        message,
                        "remove it: lessons allow plain Markdown and a few safe tags",
                    )
                )
    for number, source_line in enumerate(text.splitlines()):
        for match in re.finditer(r"\]\(\s*([^)\s]+)", source_line):
            if DANGEROUS_URL.match(match.group(1)):
                found.append(
                    (
                        first_line + number,
                        f"the link {match.group(1)!r} is not allowed",
                        "links must be http(s), mailto, tel or internal",
                    )
                )
    return tuple(found)


def links(text: str, first_line: int) -> list[tuple[int, str]]:
    """Every Markdown link target with its line (memoised per text)."""
    return list(_links(text, first_line))


@lru_cache(maxsize=8192)
def _links(text: str, first_line: int) -> tuple[tuple[int, str], ...]:
    result = []
    for token in _MD.parse(text):
        line = first_line + (token.map[0] if token.map else 0)
        for child in token.children or ():
            if child.type == "link_open":
                result.append((line, str(child.attrGet("href") or "")))
    return tuple(result)
