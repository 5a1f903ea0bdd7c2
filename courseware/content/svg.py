"""SVG pictures are checked to be plain drawings: no script, events or outside links.

A browser runs an SVG's script when the file is opened on its own, so the checker
refuses what could run or fetch: script and foreignObject elements, on* attributes,
references to anything but a '#fragment' or a data: image, DOCTYPEs and entities.
"""

from __future__ import annotations

import re
from xml.parsers import expat

SVG_NS = "http://www.w3.org/2000/svg"
XHTML_NS = "http://www.w3.org/1999/xhtml"
REFERENCE_ATTRIBUTES = {"href", "src"}
ANIMATION = {"animate", "set", "animatemotion", "animatetransform"}
DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,", re.I)
CSS_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.I)
HINT = "save the picture as a plain drawing (Inkscape: Save As > Optimized SVG)"


class _Found(Exception):
    """The first problem, with its line."""

    def __init__(self, line: int, message: str, hint: str = HINT) -> None:
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


def _local(name: str) -> tuple[str, str]:
    """(namespace, local name) of an expat name split on a space."""
    namespace, _, local = name.rpartition(" ")
    return namespace, local


def _safe_reference(value: str) -> bool:
    """True for a '#fragment' or a data: picture (PNG, JPEG, GIF, WebP)."""
    value = value.strip()
    return value.startswith("#") or bool(DATA_IMAGE.match(value))


def _check_css(text: str, line: int) -> None:
    """Style text may only point at '#fragments' and data: pictures."""
    if "\\" in text:  # CSS escapes could spell url( or @import in disguise
        raise _Found(line, "backslash escapes in a style are not allowed")
    if "@import" in text.lower():
        raise _Found(line, "@import in a style is not allowed")
    for target in CSS_URL.findall(text):
        if not _safe_reference(target):
            raise _Found(line, f"the style reference url({target}) is not allowed")


class _Checker:
    """Expat handlers that stop at the first unsafe thing."""

    def __init__(self, parser) -> None:
        self.parser = parser
        self.depth = 0
        self.style_line = 0  # the line of the open <style>, 0 outside one

    @property
    def line(self) -> int:
        return self.parser.CurrentLineNumber

    def start(self, name: str, attributes: dict[str, str]) -> None:
        namespace, local = _local(name)
        lower = local.lower()
        if self.depth == 0 and (namespace, local) != (SVG_NS, "svg"):
            raise _Found(
                self.line,
                "the file is not an SVG picture (its root is not <svg> in the SVG "
                "namespace)",
                'start it with <svg xmlns="http://www.w3.org/2000/svg" ...>',
            )
        self.depth += 1
        if lower == "script":
            raise _Found(self.line, "the <script> element is not allowed")
        if lower in ("foreignobject", "handler", "listener"):
            raise _Found(self.line, f"the <{local}> element is not allowed")
        if namespace == XHTML_NS:
            raise _Found(self.line, f"the HTML element <{local}> is not allowed")
        for attribute, value in attributes.items():
            self._attribute(lower, attribute, value)
        self.style_line = self.line if lower == "style" else 0

    def _attribute(self, element: str, attribute: str, value: str) -> None:
        _namespace, local = _local(attribute)
        lower = local.lower()
        if lower.startswith("on"):
            raise _Found(self.line, f"the event attribute {local}= is not allowed")
        if lower in REFERENCE_ATTRIBUTES and not _safe_reference(value):
            raise _Found(
                self.line,
                f"the reference {local}={value[:60]!r} is not allowed",
                "only '#id' references and data:image/png|jpeg|gif|webp pictures",
            )
        if element in ANIMATION and lower == "attributename":
            target = value.rpartition(":")[2].lower()
            if target in REFERENCE_ATTRIBUTES or target.startswith("on"):
                raise _Found(self.line, f"animating {value}= is not allowed")
        if lower == "style" or "url(" in value.lower():
            _check_css(value, self.line)

    def end(self, _name: str) -> None:
        self.depth -= 1
        self.style_line = 0

    def text(self, data: str) -> None:
        if self.style_line:
            _check_css(data, self.style_line)

    def doctype(self, *_args) -> None:
        raise _Found(
            self.line,
            "a DOCTYPE is not allowed in an SVG picture",
            "remove the <!DOCTYPE ...> line",
        )

    def entity(self, *_args) -> None:
        raise _Found(self.line, "entity declarations are not allowed")

    def instruction(self, target: str, _data: str) -> None:
        raise _Found(self.line, f"the processing instruction <?{target} is not allowed")


def check_svg(data: bytes) -> list[tuple[int, str, str]]:
    """Problems of an SVG file as (line, message, hint); empty when it is safe."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [(1, "the SVG file is not UTF-8 text", "save it as UTF-8")]
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True  # a style's text arrives in one piece
    checker = _Checker(parser)
    parser.StartElementHandler = checker.start
    parser.EndElementHandler = checker.end
    parser.CharacterDataHandler = checker.text
    parser.StartDoctypeDeclHandler = checker.doctype
    parser.EntityDeclHandler = checker.entity
    parser.ProcessingInstructionHandler = checker.instruction
    try:
        parser.Parse(text, True)
    except _Found as found:
        return [(found.line, found.message, found.hint)]
    except expat.ExpatError as exc:
        return [
            (
                exc.lineno,
                f"the SVG is not well-formed XML: {expat.ErrorString(exc.code)}",
                "open it in a drawing program and save it again",
            )
        ]
    return []
