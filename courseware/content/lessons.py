"""Lesson files: front matter plus a body of typed blocks, with line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from courseware.content.problems import Problems
from courseware.content.yamlfile import Located, YamlError, load_yaml

FILE_RE = re.compile(r"^(\d{2})-([a-z][a-z0-9-]*)\.([a-z]{2,3}(?:-[a-z0-9]+)?)\.md$")
OPEN_RE = re.compile(r"^:::\s*([a-z][a-z-]*)\s*$")
CLOSE_RE = re.compile(r"^:::\s*$")


@dataclass
class RawBlock:
    """A block as written: its type, the line it starts on and its YAML or Markdown."""

    type: str
    line: int
    located: Located | None = None  # typed blocks
    markdown: str = ""  # text blocks


@dataclass
class LessonFile:
    """One lesson in one language."""

    rel_path: str
    number: int
    lesson_id: str
    lang: str
    text: str
    front: Located | None = None
    blocks: list[RawBlock] = field(default_factory=list)


def parse_lesson(rel_path: str, text: str, problems: Problems) -> LessonFile | None:
    """Split a lesson file into front matter and blocks; report what is malformed."""
    match = FILE_RE.match(rel_path.rsplit("/", 1)[-1])
    if not match:
        problems.add(
            rel_path,
            1,
            "file name",
            "lesson files are named NN-<lesson>.<lang>.md",
            "for example 01-why.en.md",
        )
        return None
    lesson = LessonFile(
        rel_path, int(match.group(1)), match.group(2), match.group(3), text
    )
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        problems.add(
            rel_path,
            1,
            "front matter",
            "the file must start with a '---' line",
            "put id and title between two '---' lines at the top",
        )
        return lesson
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        problems.add(
            rel_path,
            1,
            "front matter",
            "the front matter is not closed",
            "add a '---' line after the title",
        )
        return lesson
    try:
        lesson.front = load_yaml("\n".join(lines[1:end]), first_line=2)
    except YamlError as exc:
        problems.add(
            rel_path,
            exc.line,
            "front matter",
            str(exc),
            exc.hint,
        )
    if lesson.front is not None and not isinstance(lesson.front.data, dict):
        problems.add(
            rel_path, 2, "front matter", "expected fields such as id: and title:"
        )
        lesson.front = None
    lesson.blocks = _split_blocks(rel_path, lines, end + 1, problems)
    return lesson


def _split_blocks(
    rel_path: str, lines: list[str], start: int, problems: Problems
) -> list[RawBlock]:
    blocks: list[RawBlock] = []
    text: list[str] = []
    text_start = start + 1
    index = start
    in_fence = False

    def flush_text() -> None:
        content = "\n".join(text).strip("\n")
        if content.strip():
            offset = next(i for i, line in enumerate(text) if line.strip())
            blocks.append(RawBlock("text", text_start + offset, markdown=content))
        text.clear()

    while index < len(lines):
        line = lines[index]
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        opened = None if in_fence else OPEN_RE.match(line)
        if opened is None:
            if not text:
                text_start = index + 1
            if CLOSE_RE.match(line) and not in_fence:
                problems.add(
                    rel_path,
                    index + 1,
                    "block",
                    "':::' closes no block",
                    "remove it, or open the block with '::: <type>'",
                )
            text.append(line)
            index += 1
            continue
        flush_text()
        block_line = index + 1
        end = next(
            (i for i in range(index + 1, len(lines)) if CLOSE_RE.match(lines[i])), None
        )
        if end is None:
            problems.add(
                rel_path,
                block_line,
                opened.group(1),
                "the block is not closed",
                "add a line ':::' after its last field",
            )
            return blocks
        block = RawBlock(opened.group(1), block_line)
        try:
            block.located = load_yaml(
                "\n".join(lines[index + 1 : end]), first_line=index + 2
            )
        except YamlError as exc:
            problems.add(
                rel_path,
                exc.line,
                opened.group(1),
                str(exc),
                exc.hint,
            )
        if block.located is not None and not isinstance(block.located.data, dict):
            problems.add(
                rel_path,
                block_line,
                opened.group(1),
                "a block holds fields such as src: and alt:",
            )
            block.located = None
        blocks.append(block)
        index = end + 1
        text_start = index + 1
    flush_text()
    return blocks
