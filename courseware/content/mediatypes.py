"""The type of every media file, decided once from its name's extension and its bytes.

Only the types on the allow-list are published; the type is stored with the file and
is the only one it is ever served as (never one guessed from a URL).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from courseware.content.svg import check_svg

if TYPE_CHECKING:
    from courseware.content.loader import Tree
    from courseware.content.problems import Problems

ALLOWED = (
    "PNG, JPEG, WebP, GIF or SVG pictures, WebM or MP4 video, Opus/Ogg audio, "
    "WebVTT captions (.vtt), PDF, or .md/.txt text"
)


def _text(data: bytes) -> str | None:
    """The file as UTF-8 text without NUL characters, else None."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return None if "\0" in text else text


def _webvtt(data: bytes) -> bool:
    text = _text(data)
    return text is not None and (text + "\n")[:7] in {
        "WEBVTT" + end for end in (" ", "\t", "\n", "\r")
    }


def _webp(data: bytes) -> bool:
    return data[:4] == b"RIFF" and data[8:12] == b"WEBP"


def _opus(data: bytes) -> bool:
    return data.startswith(b"OggS") and b"OpusHead" in data[:128]


@dataclass(frozen=True)
class Kind:
    """What a file with one extension must hold, and the type it is served as."""

    media_type: str
    describes: str
    matches: Callable[[bytes], bool]


PNG = Kind("image/png", "a PNG picture", lambda d: d.startswith(b"\x89PNG\r\n\x1a\n"))
JPEG = Kind("image/jpeg", "a JPEG picture", lambda d: d.startswith(b"\xff\xd8\xff"))
GIF = Kind("image/gif", "a GIF picture", lambda d: d[:6] in (b"GIF87a", b"GIF89a"))
WEBP = Kind("image/webp", "a WebP picture", _webp)
SVG = Kind("image/svg+xml", "an SVG picture", lambda d: _text(d) is not None)
WEBM = Kind("video/webm", "a WebM video", lambda d: d.startswith(b"\x1a\x45\xdf\xa3"))
MP4 = Kind("video/mp4", "an MP4 video", lambda d: d[4:8] == b"ftyp")
OGG = Kind("audio/ogg", "Ogg audio", lambda d: d.startswith(b"OggS"))
OPUS = Kind("audio/ogg", "Opus audio in Ogg", _opus)
VTT = Kind("text/vtt", "WebVTT captions (starting with WEBVTT)", _webvtt)
PDF = Kind("application/pdf", "a PDF document", lambda d: d.startswith(b"%PDF-"))
TEXT = Kind("text/plain", "UTF-8 text", lambda d: _text(d) is not None)

KINDS = {
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".gif": GIF,
    ".webp": WEBP,
    ".svg": SVG,
    ".webm": WEBM,
    ".mp4": MP4,
    ".ogg": OGG,
    ".oga": OGG,
    ".opus": OPUS,
    ".vtt": VTT,
    ".pdf": PDF,
    ".md": TEXT,
    ".txt": TEXT,
}
#: Served with ``; charset=utf-8``.
TEXT_TYPES = {"text/plain", "text/vtt"}


def content_type(media_type: str) -> str:
    """The Content-Type header for a stored media type."""
    return f"{media_type}; charset=utf-8" if media_type in TEXT_TYPES else media_type


def _looks_like(data: bytes) -> str:
    """What the bytes seem to be, for the message."""
    for kind in (PNG, JPEG, GIF, WEBP, WEBM, MP4, OGG, PDF):
        if kind.matches(data):
            return kind.describes
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<script" in head:
        return "HTML"
    if head.startswith(b"<"):
        return "XML or HTML"
    return "text" if _text(data[:1024]) is not None else "unknown data"


def decide(name: str, data: bytes) -> tuple[str | None, list[tuple[int, str, str]]]:
    """(media type, problems) of a file named ``name``; the type is None on problems."""
    stem, dot, extension = name.rpartition("/")[2].rpartition(".")
    if not dot or not stem:
        return None, [(1, "a media file needs an extension such as .png", ALLOWED)]
    kind = KINDS.get("." + extension.lower())
    if kind is None:
        return None, [(1, f"the file type .{extension} is not allowed", ALLOWED)]
    if not kind.matches(data):
        return None, [
            (
                1,
                f"the file is named .{extension} but its bytes are not "
                f"{kind.describes} (they look like {_looks_like(data)})",
                "save it in the format its name says, or give it the right extension",
            )
        ]
    if kind is SVG:
        found = check_svg(data)
        if found:
            return None, found
    return kind.media_type, []


def check_media(tree: Tree, problems: Problems) -> None:
    """Decide the type of every file in a media/ folder; report what is refused."""
    for rel, data in tree.files.items():
        if not (rel.startswith("modules/") and "/media/" in rel):
            continue
        media_type, found = decide(rel, data)
        field = "svg" if rel.lower().endswith(".svg") else "media"
        for line, message, hint in found:
            problems.add(rel, line, field, message, hint)
        if media_type is not None:
            tree.media_types[rel] = media_type
