"""Recording which source text a translation matches (``content mark-translated``)."""

from __future__ import annotations

from pathlib import Path

from courseware.content.checks import quiz_strings, string_hash
from courseware.content.hashing import lesson_source_hash
from courseware.content.lessons import FILE_RE
from courseware.content.loader import Tree
from courseware.content.problems import Problems
from courseware.content.yamlfile import YamlError, load_yaml


class TranslationError(ValueError):
    """The file cannot be marked; the message says why."""


def mark_lesson(root: Path, rel: str, source_language: str) -> str:
    """Write the source lesson's hash into the translation's front matter."""
    path = root / rel
    match = FILE_RE.match(path.name)
    if not match:
        raise TranslationError(f"{rel}: not a lesson file (NN-<lesson>.<lang>.md)")
    if match.group(3) == source_language:
        raise TranslationError(f"{rel}: this is the source text, not a translation")
    sources = sorted(path.parent.glob(f"*-{match.group(2)}.{source_language}.md"))
    if not sources:
        raise TranslationError(
            f"{rel}: no {source_language!r} source for lesson {match.group(2)!r}"
        )
    digest = lesson_source_hash(sources[0].read_text(encoding="utf-8"))
    lines = path.read_text(encoding="utf-8").split("\n")
    if not lines or lines[0].strip() != "---":
        raise TranslationError(f"{rel}:1: front matter: the file must start with '---'")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise TranslationError(f"{rel}:1: front matter: not closed by '---'")
    kept = [line for line in lines[1:end] if not line.startswith("source_hash:")]
    lines[1:end] = [*kept, f"source_hash: {digest}"]
    path.write_text("\n".join(lines), encoding="utf-8")
    return digest


MARK_COMMENT = [
    "# Written by `courseware content mark-translated`: the source text each",
    "# translation was made from. Do not edit by hand.",
]


def _without_translated_from(lines: list[str]) -> list[str]:
    """``lines`` without the top-level translated_from block and its comment."""
    start = next(
        (i for i, line in enumerate(lines) if line.startswith("translated_from:")), None
    )
    if start is None:
        return lines
    end = next(
        (
            i
            for i in range(start + 1, len(lines))
            if lines[i].strip() and not lines[i].startswith((" ", "#"))
        ),
        len(lines),
    )
    while start > 0 and lines[start - 1] in MARK_COMMENT:
        start -= 1
    return lines[:start] + lines[end:]


def mark_quiz(root: Path, rel: str, languages: list[str], source_language: str) -> int:
    """Record the hash of every source string a quiz translates; returns the count."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    located = load_yaml(text)
    tree = Tree(root=root)
    recorded: dict[str, dict[str, str]] = {}
    for lang in languages:
        if lang == source_language:
            continue
        for key, _path, texts in quiz_strings(tree, located):
            if lang in texts and source_language in texts:
                recorded.setdefault(lang, {})[key] = string_hash(texts[source_language])
    lines = _without_translated_from(text.split("\n"))
    while lines and not lines[-1].strip():
        lines.pop()
    lines += ["", *MARK_COMMENT, "translated_from:"]
    for lang in sorted(recorded):
        lines.append(f"  {lang}:")
        lines.extend(
            f"    {key}: {value}" for key, value in sorted(recorded[lang].items())
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sum(len(v) for v in recorded.values())


def mark(
    root: Path,
    targets: list[str],
    languages: list[str],
    source_language: str,
    problems: Problems,
) -> list[str]:
    """Mark lesson files, quiz files or whole folders; return what was done."""
    done: list[str] = []
    files: list[Path] = []
    for target in targets:
        path = (root / target) if not Path(target).is_absolute() else Path(target)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            problems.add(target, 1, "path", "no such file or folder")
    for path in files:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
        try:
            if FILE_RE.match(path.name):
                if FILE_RE.match(path.name).group(3) != source_language:
                    done.append(
                        f"{rel}: source_hash {mark_lesson(root, rel, source_language)}"
                    )
            elif rel.startswith("quizzes/") and rel.endswith(".yaml"):
                count = mark_quiz(root, rel, languages, source_language)
                done.append(f"{rel}: {count} strings")
        except TranslationError as exc:
            problems.add(rel, 1, "translation", str(exc))
        except YamlError as exc:
            problems.add(
                rel, exc.line, "yaml", str(exc), "fix the file, then mark it again"
            )
    return done
