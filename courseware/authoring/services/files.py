"""Paths of draft files: normalised, confined to modules/ and quizzes/, known types."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from courseware.content.mediatypes import KINDS

TOPS = ("modules", "quizzes")
TEXT_EXTENSIONS = (".yaml", ".md")
#: Names: letters, digits, dot, hyphen, underscore; no leading dot.
PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")
MAX_PATH = 512


class PathError(ValueError):
    """A path the studio refuses, with the reason in words."""


def normalise(path: str, extension: bool = True) -> str:
    """``path`` as a clean POSIX path inside modules/ or quizzes/, else PathError.

    ``extension=False`` leaves the type to the media check (uploads), whose
    messages are the checker's."""
    text = (path or "").strip()
    if not text:
        raise PathError("give a file name")
    if "\\" in text or "\0" in text:
        raise PathError("backslashes and NUL are not allowed in file names")
    if text.startswith("/") or (len(text) > 1 and text[1] == ":"):
        raise PathError("absolute paths are not allowed")
    parts = PurePosixPath(text).parts
    if any(part == ".." for part in parts):
        raise PathError("'..' is not allowed in a path")
    parts = tuple(part for part in parts if part != ".")
    if len(text) > MAX_PATH or not parts:
        raise PathError(f"at most {MAX_PATH} characters")
    if parts[0] not in TOPS or len(parts) < 2:
        raise PathError("files go in modules/ or quizzes/")
    for part in parts:
        if not PART.match(part):
            raise PathError(
                f"{part!r}: use letters, digits, '-', '_' and '.' (not first)"
            )
    name = parts[-1].lower()
    if extension and not name.endswith(TEXT_EXTENSIONS + tuple(KINDS)):
        raise PathError(
            "allowed: .yaml and .md files, and media: "
            + ", ".join(sorted({k for k in KINDS}))
        )
    return "/".join(parts)


def is_text(path: str) -> bool:
    """A file edited as text (YAML, Markdown, captions, plain text)."""
    return path.lower().endswith((".yaml", ".md", ".vtt", ".txt", ".svg"))


def is_media(path: str) -> bool:
    """A file in a module's media/ folder."""
    return path.startswith("modules/") and "/media/" in path


def tree_by_module(paths: list[str]) -> list[tuple[str, list[str]]]:
    """Paths grouped: ("course", top files), each module, ("quizzes", ...)."""
    groups: dict[str, list[str]] = {}
    for path in sorted(paths):
        parts = path.split("/")
        if parts[0] == "quizzes":
            key = "quizzes/"
        elif len(parts) == 2:
            key = "modules/"
        else:
            key = f"modules/{parts[1]}/"
        groups.setdefault(key, []).append(path)
    order = sorted(groups, key=lambda k: (k == "quizzes/", k != "modules/", k))
    return [(key, groups[key]) for key in order]
