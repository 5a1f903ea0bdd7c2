"""Compare two content trees: per file, word by word for prose, field by field for YAML.

Pure functions over trees (``dict[str, bytes]``: POSIX path -> bytes), so that a draft,
a published version or a folder on disk compare alike.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from courseware.content.hashing import lesson_source_hash
from courseware.content.lessons import FILE_RE
from courseware.content.yamlfile import YamlError, load_yaml

#: Words, runs of white space, and single other characters.
TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)
#: Files compared as text (word by word) when they are not YAML.
TEXT_SUFFIXES = (".md", ".txt", ".vtt", ".svg")


@dataclass(frozen=True)
class Piece:
    """A run of text that is the same (``equal``), added (``insert``) or removed."""

    op: str
    text: str


@dataclass(frozen=True)
class FieldChange:
    """One YAML value that differs: its dotted path, before and after (None: absent)."""

    path: str
    old: Any
    new: Any

    @property
    def op(self) -> str:
        if self.old is None:
            return "added"
        return "removed" if self.new is None else "changed"


@dataclass(frozen=True)
class QuestionChange:
    """A quiz question added, removed or changed (with the fields that changed)."""

    id: str
    op: str
    fields: tuple[FieldChange, ...] = ()


@dataclass
class FileDiff:
    """How one file differs: ``status`` added / removed / changed, and the details."""

    path: str
    status: str
    kind: str  # prose, yaml, quiz, binary
    words: list[Piece] = field(default_factory=list)
    fields: list[FieldChange] = field(default_factory=list)
    questions: list[QuestionChange] = field(default_factory=list)
    old_size: int | None = None
    new_size: int | None = None
    old_sha: str | None = None
    new_sha: str | None = None
    note: str = ""

    @property
    def shown(self) -> list[Piece]:
        """The word diff with long unchanged runs left out."""
        return condense(self.words)

    @property
    def added_words(self) -> int:
        return sum(len(p.text.split()) for p in self.words if p.op == "insert")

    @property
    def removed_words(self) -> int:
        return sum(len(p.text.split()) for p in self.words if p.op == "delete")


def word_diff(old: str, new: str) -> list[Piece]:
    """The pieces that turn ``old`` into ``new``, word by word (runs merged)."""
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    pieces: list[Piece] = []

    def add(op: str, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if pieces and pieces[-1].op == op:
            pieces[-1] = Piece(op, pieces[-1].text + text)
        else:
            pieces.append(Piece(op, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", a[i1:i2])
        else:
            add("delete", a[i1:i2])
            add("insert", b[j1:j2])
    return pieces


def condense(pieces: list[Piece], context: int = 3) -> list[Piece]:
    """Long unchanged runs cut to ``context`` lines around each change.

    What is left out becomes a ``skip`` piece whose text is the number of lines.
    """
    shown: list[Piece] = []
    for index, piece in enumerate(pieces):
        lines = piece.text.split("\n")
        first, last = index == 0, index == len(pieces) - 1
        keep = context * (1 if first or last else 2)
        if piece.op != "equal" or len(lines) <= keep + 1:
            shown.append(piece)
            continue
        head = [] if first else lines[:context]
        tail = [] if last else lines[-context:]
        skipped = len(lines) - len(head) - len(tail)
        if head:
            shown.append(Piece("equal", "\n".join(head) + "\n"))
        shown.append(Piece("skip", str(skipped)))
        if tail:
            shown.append(Piece("equal", "\n".join(tail)))
    return shown


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Every leaf of nested YAML data by dotted path (lists by index)."""
    if isinstance(data, dict):
        if not data and prefix:
            return {prefix: {}}
        found: dict[str, Any] = {}
        for key, value in data.items():
            found.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return found
    if isinstance(data, list):
        if not data and prefix:
            return {prefix: []}
        found = {}
        for index, value in enumerate(data):
            found.update(flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return found
    return {prefix: data}


def field_changes(old: Any, new: Any) -> list[FieldChange]:
    """The leaves that differ between two YAML documents, in path order."""
    a, b = flatten(old), flatten(new)
    return [
        FieldChange(path, a.get(path), b.get(path))
        for path in sorted(set(a) | set(b), key=_path_key)
        if a.get(path) != b.get(path)
    ]


def _path_key(path: str) -> list:
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in path.split(".")]


def question_changes(old: dict, new: dict) -> list[QuestionChange]:
    """Questions added, removed and changed between two quizzes, by question id."""

    def by_id(quiz: dict) -> dict[str, dict]:
        questions = quiz.get("questions") if isinstance(quiz, dict) else None
        return {
            str(q.get("id")): q
            for q in (questions if isinstance(questions, list) else [])
            if isinstance(q, dict)
        }

    a, b = by_id(old), by_id(new)
    changes: list[QuestionChange] = []
    for qid in [*a, *(q for q in b if q not in a)]:
        if qid not in b:
            changes.append(QuestionChange(qid, "removed"))
        elif qid not in a:
            changes.append(QuestionChange(qid, "added"))
        elif a[qid] != b[qid]:
            changes.append(
                QuestionChange(qid, "changed", tuple(field_changes(a[qid], b[qid])))
            )
    return changes


def _settings(data: Any) -> Any:
    """A quiz without its questions (compared question by question instead)."""
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if k != "questions"}
    return data


def _yaml(blob: bytes | None) -> Any:
    if blob is None:
        return None
    return load_yaml(blob.decode("utf-8")).data


def _sha(blob: bytes | None) -> str | None:
    return hashlib.sha256(blob).hexdigest() if blob is not None else None


def _text(blob: bytes | None) -> str | None:
    if blob is None:
        return ""
    try:
        return blob.decode("utf-8")
    except UnicodeDecodeError:
        return None


def file_diff(path: str, old: bytes | None, new: bytes | None) -> FileDiff:
    """How file ``path`` changed (``None``: absent on that side)."""
    status = "added" if old is None else "removed" if new is None else "changed"
    result = FileDiff(
        path,
        status,
        "binary",
        old_size=None if old is None else len(old),
        new_size=None if new is None else len(new),
        old_sha=_sha(old),
        new_sha=_sha(new),
    )
    if path.endswith(".yaml"):
        try:
            a, b = _yaml(old), _yaml(new)
        except (UnicodeDecodeError, YamlError) as exc:
            result.note = str(exc)
        else:
            if path.startswith("quizzes/"):
                result.kind = "quiz"
                result.questions = question_changes(a or {}, b or {})
                result.fields = field_changes(_settings(a), _settings(b))
            else:
                result.kind = "yaml"
                result.fields = field_changes(a, b)
            if result.fields or result.questions or status != "changed":
                return result
            result.note = "only layout or comments changed"
    if path.endswith(TEXT_SUFFIXES) or path.endswith(".yaml"):
        a_text, b_text = _text(old), _text(new)
        if a_text is not None and b_text is not None:
            result.kind = "prose"
            result.words = word_diff(a_text, b_text)
    return result


def diff_trees(old: dict[str, bytes], new: dict[str, bytes]) -> list[FileDiff]:
    """Every file added, removed or changed from ``old`` to ``new``, by path."""
    return [
        file_diff(path, old.get(path), new.get(path))
        for path in sorted(set(old) | set(new))
        if old.get(path) != new.get(path)
    ]


def summary(diffs: list[FileDiff]) -> dict[str, int]:
    """How many files were added, removed and changed."""
    counts = {"added": 0, "removed": 0, "changed": 0}
    for item in diffs:
        counts[item.status] += 1
    return counts


def source_lesson(
    files: dict[str, bytes], rel: str, source_language: str
) -> str | None:
    """The path of the source-language file of the lesson that ``rel`` translates."""
    folder, _, name = rel.rpartition("/")
    match = FILE_RE.match(name)
    if not match:
        return None
    suffix = f"-{match.group(2)}.{source_language}.md"
    found = sorted(
        p
        for p in files
        if p.rpartition("/")[0] == folder
        and FILE_RE.match(p.rpartition("/")[2])
        and p.endswith(suffix)
    )
    return found[0] if found else None


def find_source_text(
    trees: list[dict[str, bytes]], source_rel: str, digest: str
) -> str | None:
    """The source lesson's text whose hash is ``digest``, from any of ``trees``.

    Looks at the file of that lesson (by lesson id and language, whatever its number)
    in each tree: the draft and the published versions.
    """
    folder, _, name = source_rel.rpartition("/")
    match = FILE_RE.match(name)
    if not match:
        return None
    suffix = f"-{match.group(2)}.{match.group(3)}.md"
    for files in trees:
        for path, blob in files.items():
            if path.rpartition("/")[0] != folder or not path.endswith(suffix):
                continue
            try:
                text = blob.decode("utf-8")
            except UnicodeDecodeError:
                continue
            if lesson_source_hash(text) == digest:
                return text
    return None
