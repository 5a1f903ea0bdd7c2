"""Translations side by side: lessons split into blocks, aligned, stale blocks found.

Pure functions over text and trees (``dict[str, bytes]``). Saving goes through
``content mark-translated``'s own code (``courseware/content/translations.py``) on a
scratch copy of the two files, so that the studio writes byte for byte what the
command line writes.
"""

from __future__ import annotations

import difflib
import json
import tempfile
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.authoring.services.diff import (
    Piece,
    find_source_text,
    source_lesson,
    word_diff,
)
from courseware.content.checks import quiz_strings, string_hash
from courseware.content.hashing import lesson_source_hash
from courseware.content.lessons import CLOSE_RE, FILE_RE, OPEN_RE
from courseware.content.loader import Tree
from courseware.content.models import MediaBlob, VersionFile
from courseware.content.translations import mark_lesson, mark_quiz
from courseware.content.yamlfile import YamlError, as_dict, load_yaml

#: Kinds of block that are Markdown prose (the others are ``::: type`` blocks).
PROSE = ("text", "heading")
FENCES = ("```", "~~~")


@dataclass(frozen=True)
class Block:
    """A block as written: ``heading``, ``text`` (a paragraph) or a block type."""

    kind: str
    text: str
    line: int


@dataclass
class Lesson:
    """A lesson file split into its front matter lines and its blocks."""

    front: list[str]
    blocks: list[Block]

    def field(self, name: str) -> str:
        """A top-level front-matter value (as parsed), or '' if absent."""
        try:
            data = yaml.safe_load("\n".join(self.front)) if self.front else None
        except yaml.YAMLError:
            return ""
        value = data.get(name) if isinstance(data, dict) else None
        return "" if value is None else str(value)


@dataclass
class Row:
    """One line of the side-by-side view: a source block and its translation."""

    index: int
    source: Block | None
    translation: Block | None
    stale: bool = False
    added: bool = False  # the source block is new since the translation
    source_diff: list[Piece] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # source text since deleted


def split_lesson(text: str) -> Lesson:
    """Front matter lines, then paragraphs, headings and ``::: type`` blocks."""
    lines = text.replace("\r\n", "\n").split("\n")
    front: list[str] = []
    start = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            front, start = lines[1:end], end + 1
    blocks: list[Block] = []
    current: list[str] = []
    first = 0
    in_fence = False

    def flush() -> None:
        if current:
            blocks.append(Block("text", "\n".join(current), first))
            current.clear()

    index = start
    while index < len(lines):
        line = lines[index]
        if in_fence or line.lstrip().startswith(FENCES):
            if line.lstrip().startswith(FENCES):
                in_fence = not in_fence
            if not current:
                first = index + 1
            current.append(line)
            index += 1
            continue
        opened = OPEN_RE.match(line)
        if opened:
            flush()
            end = next(
                (j for j in range(index + 1, len(lines)) if CLOSE_RE.match(lines[j])),
                len(lines) - 1,
            )
            blocks.append(
                Block(opened.group(1), "\n".join(lines[index : end + 1]), index + 1)
            )
            index = end + 1
            continue
        if not line.strip():
            flush()
        elif line.startswith("#"):
            flush()
            blocks.append(Block("heading", line, index + 1))
        else:
            if not current:
                first = index + 1
            current.append(line)
        index += 1
    flush()
    return Lesson(front, blocks)


def _segments(blocks: list[Block]) -> list[list[Block]]:
    """Runs of prose, and each ``::: type`` block alone: prose, block, prose, ..."""
    segments: list[list[Block]] = [[]]
    for block in blocks:
        if block.kind in PROSE:
            segments[-1].append(block)
        else:
            segments.extend([[block], []])
    return segments


def align(source: list[Block], translation: list[Block]) -> list[Row]:
    """Pair blocks: ``::: type`` blocks in order, prose by position between them."""
    rows: list[Row] = []
    for a_seg, b_seg in zip_longest(_segments(source), _segments(translation)):
        for a, b in zip_longest(a_seg or [], b_seg or []):
            rows.append(Row(len(rows), a, b))
    return rows


def realign(
    source: list[Block], old: list[Block], translation: list[Block]
) -> list[Row]:
    """Rows for a stale translation, made from the ``old`` source text.

    The translation is paired with the source it was made from, then each block of
    that source is followed to the current source: unchanged blocks keep their
    translation, changed ones are marked stale with the source's diff, new ones get
    an empty translation, and the translation of a removed block is kept (marked)
    for the translator to delete.
    """
    base = align(old, translation)
    paired = [row for row in base if row.source is not None]
    extra = [row.translation for row in base if row.source is None]
    matcher = difflib.SequenceMatcher(
        None, [r.source.text for r in paired], [b.text for b in source], autojunk=False
    )
    rows: list[Row] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for offset in range(max(i2 - i1, j2 - j1)):
            before = paired[i1 + offset] if i1 + offset < i2 else None
            now = source[j1 + offset] if j1 + offset < j2 else None
            row = Row(len(rows), now, before.translation if before else None)
            if tag != "equal":
                row.stale = True
                row.added = before is None
                if now is None:
                    row.removed.append(before.source.text)
                else:
                    old_text = before.source.text if before else ""
                    row.source_diff = word_diff(old_text, now.text)
            rows.append(row)
    rows.extend(Row(len(rows) + i, None, block) for i, block in enumerate(extra))
    return rows


@dataclass
class LessonView:
    """Everything the side-by-side page of one lesson translation shows."""

    source_path: str
    path: str
    lang: str
    state: str  # complete, stale, unknown, missing
    source: Lesson
    translation: Lesson | None
    rows: list[Row]
    title_stale: bool = False
    title_diff: list[Piece] = field(default_factory=list)
    old_found: bool = True
    current_hash: str = ""
    recorded_hash: str = ""
    source_text: str = ""
    old_text: str | None = None  # the source text the stale translation was made from


def translation_path(source_path: str, lang: str) -> str:
    """The path of the ``lang`` file of the lesson whose source is ``source_path``."""
    folder, _, name = source_path.rpartition("/")
    match = FILE_RE.match(name)
    if not match:
        raise ValueError(f"{source_path}: not a lesson file")
    return f"{folder}/{match.group(1)}-{match.group(2)}.{lang}.md"


def find_translation(files: dict[str, bytes], source_path: str, lang: str) -> str:
    """The lesson's existing ``lang`` file (whatever its number), else a new path."""
    folder, _, name = source_path.rpartition("/")
    match = FILE_RE.match(name)
    suffix = f"-{match.group(2)}.{lang}.md" if match else None
    for path in sorted(files):
        if suffix and path.rpartition("/")[0] == folder and path.endswith(suffix):
            if FILE_RE.match(path.rpartition("/")[2]):
                return path
    return translation_path(source_path, lang)


def lesson_view(
    files: dict[str, bytes],
    path: str,
    source_language: str,
    history: list[dict[str, bytes]],
) -> LessonView:
    """The side-by-side view of translation ``path`` (which may not exist yet).

    ``history`` holds the trees to look in for the source text a stale translation
    was made from (the published versions); the draft itself is looked at first.
    """
    match = FILE_RE.match(path.rpartition("/")[2])
    if not match or match.group(3) == source_language:
        raise ValueError(f"{path}: not a translation of a lesson")
    source_path = source_lesson(files, path, source_language)
    if source_path is None:
        raise ValueError(f"{path}: no {source_language!r} source lesson")
    source_text = files[source_path].decode("utf-8", "replace")
    source = split_lesson(source_text)
    current = lesson_source_hash(source_text)
    blob = files.get(path)
    translation = split_lesson(blob.decode("utf-8", "replace")) if blob else None
    rows = align(source.blocks, translation.blocks if translation else [])
    recorded = translation.field("source_hash") if translation else ""
    state = (
        "missing"
        if translation is None
        else "unknown"
        if not recorded
        else "complete"
        if recorded == current
        else "stale"
    )
    view = LessonView(
        source_path,
        path,
        match.group(3),
        state,
        source,
        translation,
        rows,
        current_hash=current,
        recorded_hash=recorded,
        source_text=source_text,
    )
    if state == "stale":
        old_text = find_source_text([files, *history], source_path, recorded)
        view.old_found = old_text is not None
        view.old_text = old_text
        if old_text is not None:
            old = split_lesson(old_text)
            view.rows = realign(source.blocks, old.blocks, view.translation.blocks)
            if old.field("title") != source.field("title"):
                view.title_stale = True
                view.title_diff = word_diff(old.field("title"), source.field("title"))
    return view


def published_sources(
    session: Session, files: dict[str, bytes], path: str, source_language: str
) -> list[dict[str, bytes]]:
    """Every text the source of lesson ``path`` had in a published version.

    One small tree per distinct text (the lesson's file by id and language,
    whatever its number), for :func:`find_source_text`.
    """
    source = source_lesson(files, path, source_language)
    if source is None:
        return []
    folder, _, name = source.rpartition("/")
    suffix = name.split("-", 1)[1]
    rows = session.execute(
        select(VersionFile.path, MediaBlob.data)
        .join(MediaBlob, MediaBlob.sha256 == VersionFile.sha256)
        .where(VersionFile.path.like(f"{folder}/%-{suffix}"))
        .distinct()
    ).all()
    return [{rel: bytes(data)} for rel, data in rows]


def _title_line(title: str) -> str:
    """``title: ...``, in quotes only when YAML needs them."""
    plain = f"title: {title}"
    try:
        if yaml.safe_load(plain) == {"title": title}:
            return plain
    except yaml.YAMLError:
        pass
    return f"title: {json.dumps(title, ensure_ascii=False)}"


def compose_lesson(view: LessonView, title: str, blocks: list[str]) -> str:
    """The translation's text: its front matter with ``title``, then ``blocks``.

    Front matter lines other than the title and ``source_hash`` are kept from the
    translation (or, for a new one, copied from the source).
    """
    front = (view.translation or view.source).front
    kept: list[str] = []
    seen_title = False
    skipping = False
    for line in front:
        if skipping and line.startswith((" ", "\t")):
            continue
        skipping = False
        if line.startswith("source_hash:"):
            continue
        if line.startswith("title:"):
            kept.append(_title_line(title.strip()))
            seen_title, skipping = True, True
            continue
        kept.append(line)
    if not seen_title:
        kept.append(_title_line(title.strip()))
    body = [text.replace("\r\n", "\n").strip("\n") for text in blocks]
    body = [text for text in body if text.strip()]
    return "\n".join(["---", *kept, "---", "", "\n\n".join(body), ""])


def _scratch(files: dict[str, bytes], paths: list[str]) -> tempfile.TemporaryDirectory:
    scratch = tempfile.TemporaryDirectory(prefix="courseware-translate-")
    for rel in paths:
        target = Path(scratch.name) / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(files[rel])
    return scratch


def marked_lesson(
    files: dict[str, bytes], path: str, text: str, source_language: str
) -> bytes:
    """``text`` as translation ``path``, marked as ``content mark-translated`` does."""
    source_path = source_lesson(files, path, source_language)
    if source_path is None:
        raise ValueError(f"{path}: no {source_language!r} source lesson")
    scratch_files = {source_path: files[source_path], path: text.encode("utf-8")}
    with _scratch(scratch_files, [source_path, path]) as root:
        mark_lesson(Path(root), path, source_language)
        return (Path(root) / path).read_bytes()


@dataclass
class QuizString:
    """One translatable string of a quiz: the source text and the translation."""

    key: str
    path: tuple
    source: str
    translation: str | None
    state: str  # complete, stale, unknown, missing


def quiz_view(blob: bytes, lang: str, source_language: str) -> list[QuizString]:
    """Every translatable string of a quiz file with its ``lang`` state."""
    located = load_yaml(blob.decode("utf-8"))
    recorded = as_dict(as_dict(located.data.get("translated_from")).get(lang))
    found = []
    for key, path, texts in quiz_strings(Tree(root=Path(".")), located):
        source = texts.get(source_language)
        if source is None:
            continue
        value = texts.get(lang)
        if value is None:
            state = "missing"
        elif key not in recorded:
            state = "unknown"
        else:
            state = "complete" if recorded[key] == string_hash(source) else "stale"
        found.append(QuizString(key, path, _joined(source), _joined(value), state))
    return found


def _joined(value) -> str | None:
    if value is None:
        return None
    return "\n".join(map(str, value)) if isinstance(value, list) else str(value)


def _set(data, path: tuple, lang: str, value) -> None:
    target = data
    for key in path:
        target = target[key]
    target[lang] = value


def compose_quiz(
    blob: bytes, lang: str, values: dict[str, str], source_language: str
) -> str:
    """The quiz with the ``lang`` strings in ``values`` (by key), as YAML text.

    Each changed text is rewritten where it is written (in a ``{en: ..., ru: ...}``
    map or on its own line), so that the rest of the file stays as it was; a file
    where that is not possible is written out again whole.
    """
    text = blob.decode("utf-8")
    located = load_yaml(text)
    data = located.data
    edits: list[tuple[int, int, str]] = []
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    exact = True
    for key, path, texts in quiz_strings(Tree(root=Path(".")), located):
        if key not in values or source_language not in texts:
            continue
        value = _quiz_value(values[key], texts[source_language])
        if value is None or texts.get(lang) == value:
            continue
        _set(data, path, lang, value)
        edit = _edit(text, _node_at(root, path), lang, value)
        if edit is None:
            exact = False
        else:
            edits.append(edit)
    data.pop("translated_from", None)
    if exact:
        for start, end, replacement in sorted(edits, reverse=True):
            text = text[:start] + replacement + text[end:]
        try:
            written = load_yaml(text).data
        except YamlError:
            written = None
        if isinstance(written, dict):
            written.pop("translated_from", None)
            if written == data:
                return text
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def _quiz_value(given: str, source):
    text = given.replace("\r\n", "\n").strip()
    if not text:
        return None
    if isinstance(source, list):
        return [line.strip() for line in text.split("\n") if line.strip()]
    return text


def _node_at(node, path: tuple):
    for step in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            node = node.value[step] if step < len(node.value) else None
        else:
            return None
        if node is None:
            return None
    return node


def _scalar_text(value, flow: bool) -> str:
    """A value written in YAML: plain when that reads back the same, else quoted."""
    if isinstance(value, list):
        return "[" + ", ".join(_scalar_text(v, True) for v in value) + "]"
    plain = str(value)
    unsafe = "\n" in plain or (flow and any(c in plain for c in ",[]{}"))
    if not unsafe:
        try:
            probe = "{k: " + plain + "}" if flow else f"k: {plain}"
            if yaml.safe_load(probe) == {"k": value}:
                return plain
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)


def _edit(text: str, node, lang: str, value) -> tuple[int, int, str] | None:
    """(start, end, text) that writes ``lang: value`` into the map ``node``."""
    if not isinstance(node, yaml.MappingNode):
        return None
    pairs = [(k.value, v) for k, v in node.value]
    if node.flow_style:
        if node.start_mark.line != node.end_mark.line:
            return None
        items = []
        for key, child in pairs:
            written = text[child.start_mark.index : child.end_mark.index]
            shown = _scalar_text(value, True) if key == lang else written
            items.append(f"{key}: {shown}")
        if lang not in dict(pairs):
            items.append(f"{lang}: {_scalar_text(value, True)}")
        return node.start_mark.index, node.end_mark.index, "{" + ", ".join(items) + "}"
    found = dict(pairs).get(lang)
    if found is None:
        last_key = node.value[-1][0]
        last = node.value[-1][1]
        indent = " " * last_key.start_mark.column
        return (
            last.end_mark.index,
            last.end_mark.index,
            f"\n{indent}{lang}: {_scalar_text(value, False)}",
        )
    if isinstance(found, yaml.ScalarNode) and found.style in (None, "", "'", '"'):
        if found.start_mark.line == found.end_mark.line:
            return (
                found.start_mark.index,
                found.end_mark.index,
                _scalar_text(value, False),
            )
    return None


def marked_quiz(
    path: str, text: str, lang: str, source_language: str, keep: str = ""
) -> bytes:
    """The quiz ``text`` marked for ``lang`` as ``content mark-translated`` does.

    ``keep`` is the file before the change: the other languages' records stay.
    """
    with tempfile.TemporaryDirectory(prefix="courseware-translate-") as root:
        target = Path(root) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        mark_quiz(Path(root), path, [lang], source_language)
        marked = target.read_text(encoding="utf-8")
    if keep:
        try:
            before = as_dict(load_yaml(keep).data.get("translated_from"))
        except YamlError:
            before = {}
        others = {k: v for k, v in before.items() if k != lang and isinstance(v, dict)}
        if others:
            marked = _merge_records(marked, others)
    return marked.encode("utf-8")


def _merge_records(text: str, others: dict[str, dict]) -> str:
    """Add the other languages' ``translated_from`` records back, sorted."""
    lines = text.rstrip("\n").split("\n")
    start = lines.index("translated_from:")
    mine = as_dict(load_yaml(text).data.get("translated_from"))
    records = {**others, **mine}
    lines = lines[: start + 1]
    for lang in sorted(records):
        lines.append(f"  {lang}:")
        lines.extend(f"    {k}: {v}" for k, v in sorted(records[lang].items()))
    return "\n".join(lines) + "\n"
