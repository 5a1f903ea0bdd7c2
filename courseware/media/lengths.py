"""Write each lesson's video ``length`` from the built media, in every language.

The module video is embedded in lessons as a ``::: video`` block with ``id:
<module>-video``; its ``length`` field (seconds) must be the duration of the video in
the lesson's own language. Rewriting a number in the source-language lesson changes
that lesson's hash, so a translation that matched the old text is pointed at the new
hash: only the generated length changed, and the translation still matches.
"""

from __future__ import annotations

import re
from pathlib import Path

from courseware.content.hashing import lesson_source_hash
from courseware.content.lessons import FILE_RE

_BLOCK = re.compile(r"^::: video\n(.*?)^:::$", re.M | re.S)
_LENGTH = re.compile(r"^length: *[\d.]+ *$", re.M)


def lessons_with_video(folder: Path, module: str, language: str) -> list[Path]:
    """The module's lesson files in ``language`` that embed its video."""
    found = []
    for path in sorted(folder.glob(f"*.{language}.md")):
        if not FILE_RE.match(path.name):
            continue
        text = path.read_text(encoding="utf-8")
        if any(
            f"id: {module}-video\n" in block.group(1) for block in _BLOCK.finditer(text)
        ):
            found.append(path)
    return found


def with_length(text: str, module: str, seconds: float) -> str:
    """``text`` with the length of the module video's block set to ``seconds``."""

    def block(match: re.Match[str]) -> str:
        body = match.group(1)
        if f"id: {module}-video\n" not in body:
            return match.group(0)
        line = f"length: {seconds:.1f}"
        if _LENGTH.search(body):
            body = _LENGTH.sub(line, body, count=1)
        else:
            body = f"{body}{line}\n"
        return f"::: video\n{body}:::"

    return _BLOCK.sub(block, text)


def _repoint_translations(path: Path, old: str, new: str) -> list[Path]:
    """Translations of the lesson at ``path`` marked against ``old``: mark ``new``."""
    match = FILE_RE.match(path.name)
    changed = []
    if match is None or old == new:
        return changed
    for other in sorted(path.parent.glob(f"*-{match.group(2)}.*.md")):
        if other == path or not FILE_RE.match(other.name):
            continue
        text = other.read_text(encoding="utf-8")
        if f"\nsource_hash: {old}\n" in text:
            other.write_text(
                text.replace(f"\nsource_hash: {old}\n", f"\nsource_hash: {new}\n", 1),
                encoding="utf-8",
            )
            changed.append(other)
    return changed


def write_lengths(
    root: Path, module: str, language: str, seconds: float, source_language: str
) -> list[Path]:
    """Set the video length in the module's lessons in ``language``; changed files."""
    folder = root / "modules" / module
    changed = []
    for path in lessons_with_video(folder, module, language):
        text = path.read_text(encoding="utf-8")
        updated = with_length(text, module, seconds)
        if updated == text:
            continue
        path.write_text(updated, encoding="utf-8")
        changed.append(path)
        if language == source_language:
            old, new = lesson_source_hash(text), lesson_source_hash(updated)
            changed += _repoint_translations(path, old, new)
    return changed
