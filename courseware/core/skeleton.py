"""Pages rendered once with their personal parts left open, then filled per request.

A signed-in learner's lesson page is the same for every learner but for a few places:
their name, their form token, the ticks of the lessons they finished, where they
stopped in a video. The template marks those places (``slot``, ``section``); rendered
in skeleton mode, each becomes a marker, and :class:`Skeleton` fills them from a dict
of values in microseconds instead of running the template again.

- ``{{ slot("name", value) }}``: ``value`` normally; in a skeleton, the place where
  ``values["name"]`` (escaped) goes.
- ``{{ section("name") }} ... {{ end_section() }}``: nothing normally; in a skeleton,
  what is between them is kept only when ``values["name"]`` is true. Render the
  skeleton with every such condition true, so that each section's content is there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import g
from markupsafe import Markup, escape

_MARK = re.compile("\x00([^\x00]*)\x00")


def rendering_skeleton() -> bool:
    """True while a skeleton is being rendered."""
    return bool(g.get("courseware_skeleton"))


@contextmanager
def skeleton_mode() -> Iterator[None]:
    """Render templates as skeletons inside this block."""
    g.courseware_skeleton = True
    try:
        yield
    finally:
        g.courseware_skeleton = False


def slot(name: str, value: object = "") -> object:
    """Template helper: ``value``, or its place in a skeleton."""
    if rendering_skeleton():
        return Markup(f"\x00s:{name}\x00")
    return value


def section(name: str) -> Markup:
    """Template helper: where a section of a skeleton starts."""
    return Markup(f"\x00o:{name}\x00") if rendering_skeleton() else Markup("")


def end_section() -> Markup:
    """Template helper: where the innermost open section ends."""
    return Markup("\x00c\x00") if rendering_skeleton() else Markup("")


@dataclass(frozen=True)
class Skeleton:
    """A rendered page cut into text and named places."""

    #: ("t", text), ("s", slot name), ("o", section name) or ("c", "") for a close
    parts: tuple[tuple[str, str], ...]

    @classmethod
    def parse(cls, html: str) -> Skeleton:
        parts: list[tuple[str, str]] = []
        position = 0
        depth = 0
        for match in _MARK.finditer(html):
            if match.start() > position:
                parts.append(("t", html[position : match.start()]))
            kind, _, name = match.group(1).partition(":")
            if kind not in ("s", "o", "c"):
                raise ValueError(f"unknown skeleton marker {match.group(1)!r}")
            depth += {"o": 1, "c": -1}.get(kind, 0)
            if depth < 0:
                raise ValueError("a section closes that was never opened")
            parts.append((kind, name))
            position = match.end()
        if depth:
            raise ValueError("a section is never closed")
        parts.append(("t", html[position:]))
        return cls(tuple(parts))

    def fill(self, values: dict[str, object]) -> str:
        """The page for one request: slots escaped, false sections left out."""
        out: list[str] = []
        skipping = 0  # depth inside a left-out section
        for kind, text in self.parts:
            if kind == "o":
                if skipping or not values[text]:
                    skipping += 1
            elif kind == "c":
                if skipping:
                    skipping -= 1
            elif skipping:
                continue
            elif kind == "t":
                out.append(text)
            else:
                out.append(str(escape(values[text])))
        return "".join(out)
