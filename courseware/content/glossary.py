"""The course glossary (``modules/glossary.yaml``): preferred terms and drift warnings.

Each term names the preferred wording per language and the variants to avoid. A
variant is written as words, where ``*`` stands for any ending (``лини* помощи``
matches «линия помощи», «детских линий помощи»), or as ``{regex: ...}``. Variants
match whole words, ignoring case, across line breaks. ``content check`` warns at each
use of a variant, in the file's own language: lessons by their file name, YAML files
(module.yaml, video.yaml, quizzes, course.yaml) by the language key of each text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from courseware.content.loader import Tree
from courseware.content.problems import Problems
from courseware.content.schema import validate, validator_for
from courseware.content.yamlfile import Located, YamlError, load_yaml

GLOSSARY = "modules/glossary.yaml"
FIELD = "glossary"

_LANG = {"type": "string", "minLength": 1}
_VARIANT = {
    "oneOf": [
        {"type": "string", "minLength": 1},
        {
            "type": "object",
            "properties": {"regex": {"type": "string", "minLength": 1}},
            "required": ["regex"],
            "additionalProperties": False,
        },
    ]
}
SCHEMA = {
    "type": "object",
    "properties": {
        "schema_version": {"const": 1},
        "terms": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "pattern": "^[a-z][a-z0-9-]*$"},
                    "preferred": {
                        "type": "object",
                        "additionalProperties": _LANG,
                        "minProperties": 1,
                    },
                    "note": {"type": "object", "additionalProperties": _LANG},
                    "avoid": {
                        "type": "object",
                        "additionalProperties": {"type": "array", "items": _VARIANT},
                    },
                },
                "required": ["id", "preferred"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["schema_version", "terms"],
    "additionalProperties": False,
}


@dataclass
class Variant:
    """One wording to avoid, in one language, as a compiled pattern."""

    term: str
    language: str
    pattern: re.Pattern[str]
    preferred: str


@dataclass
class Glossary:
    """The terms and, per language, the variants to look for."""

    terms: list[dict[str, Any]] = field(default_factory=list)
    variants: dict[str, list[Variant]] = field(default_factory=dict)


def variant_pattern(words: str) -> str:
    """The regex for a variant written as words, ``*`` standing for any ending."""
    parts = []
    for word in words.split():
        pieces = [re.escape(piece) for piece in word.split("*")]
        parts.append(r"\w*".join(pieces))
    # Words may be split by a line break, indentation or Markdown emphasis.
    return r"(?<!\w)" + r"[\s*_]+".join(parts) + r"(?!\w)"


def load_glossary(tree: Tree, problems: Problems) -> Glossary | None:
    """The glossary of the tree, or None when there is none or it is refused."""
    blob = tree.files.get(GLOSSARY)
    if blob is None:
        return None
    try:
        located = load_yaml(blob.decode("utf-8"))
    except UnicodeDecodeError:
        problems.add(GLOSSARY, 1, "file", "the file is not UTF-8 text", "save as UTF-8")
        return None
    except YamlError as exc:
        problems.add(GLOSSARY, exc.line, "yaml", str(exc), exc.hint)
        return None
    if not validate(located, validator_for(SCHEMA), GLOSSARY, problems):
        return None
    glossary, ok, seen = Glossary(terms=located.data["terms"]), True, set()
    languages = tree.languages
    for index, term in enumerate(glossary.terms):
        where = ("terms", index)
        if term["id"] in seen:
            problems.add(
                GLOSSARY,
                located.line(*where, "id"),
                f"terms.{index}.id",
                f"duplicate term id {term['id']!r}",
                "every term needs its own id",
            )
            ok = False
        seen.add(term["id"])
        for lang in languages:
            if lang not in term["preferred"]:
                problems.add(
                    GLOSSARY,
                    located.line(*where, "preferred"),
                    f"terms.{index}.preferred",
                    f"missing language {lang!r}",
                    f"add `{lang}:` with the preferred term in that language",
                )
                ok = False
        for key in ("preferred", "note", "avoid"):
            for lang in term.get(key) or {}:
                if lang not in languages:
                    problems.add(
                        GLOSSARY,
                        located.line(*where, key, lang),
                        f"terms.{index}.{key}.{lang}",
                        f"unknown language {lang!r}",
                        "use one of the course languages: " + ", ".join(languages),
                    )
                    ok = False
        for lang, variants in (term.get("avoid") or {}).items():
            for number, variant in enumerate(variants):
                source = (
                    variant["regex"]
                    if isinstance(variant, dict)
                    else variant_pattern(variant)
                )
                try:
                    pattern = re.compile(source, re.IGNORECASE)
                except re.error as exc:
                    problems.add(
                        GLOSSARY,
                        located.line(*where, "avoid", lang, number),
                        f"terms.{index}.avoid.{lang}.{number}",
                        f"not a valid regular expression: {exc}",
                    )
                    ok = False
                    continue
                preferred = str(term["preferred"].get(lang, ""))
                glossary.variants.setdefault(lang, []).append(
                    Variant(term["id"], lang, pattern, preferred)
                )
    return glossary if ok else None


def _warn(
    problems: Problems, rel: str, line: int, variant: Variant, found: str
) -> None:
    found = " ".join(found.replace("*", "").split())
    problems.warn(
        rel,
        line,
        FIELD,
        f"«{found}» is a variant to avoid for the term {variant.term!r}",
        f"write «{variant.preferred}»",
    )


_SCREENS: dict[tuple[str, ...], re.Pattern[str]] = {}


def _screen(variants: list[Variant]) -> re.Pattern[str]:
    """One pattern that matches wherever any of ``variants`` does."""
    sources = tuple(v.pattern.pattern for v in variants)
    found = _SCREENS.get(sources)
    if found is None:
        if len(_SCREENS) > 64:
            _SCREENS.clear()
        found = _SCREENS[sources] = re.compile(
            "|".join(f"(?:{source})" for source in sources), re.IGNORECASE
        )
    return found


@lru_cache(maxsize=16384)
def _uses_any(screen: re.Pattern[str], text: str) -> bool:
    """Whether ``text`` holds a variant (memoised: a studio save re-checks a draft
    in which one file changed)."""
    return screen.search(text) is not None


def _scan(
    problems: Problems,
    rel: str,
    text: str,
    first_line: int,
    variants: list[Variant],
) -> None:
    if not _uses_any(_screen(variants), text):
        return  # most texts use no variant: one search instead of one per variant
    for variant in variants:
        for match in variant.pattern.finditer(text):
            line = first_line + text.count("\n", 0, match.start())
            _warn(problems, rel, line, variant, match.group(0))


def _language_texts(data: Any, path: tuple, languages: list[str]):
    """(path, language, value) of every text under a language key, anywhere."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in languages and (
                isinstance(value, str)
                or (isinstance(value, list) and all(isinstance(v, str) for v in value))
            ):
                yield (*path, key), key, value
            else:
                yield from _language_texts(value, (*path, key), languages)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _language_texts(value, (*path, index), languages)


def _scan_yaml(
    problems: Problems,
    rel: str,
    located: Located,
    text: str,
    glossary: Glossary,
    languages: list[str],
) -> None:
    raw = text.split("\n")
    starts = sorted(set(located.lines.values()))
    keys_at: dict[int, list[tuple]] = {}
    for key, line in located.lines.items():
        keys_at.setdefault(line, []).append(key)
    for path, lang, value in _language_texts(located.data, (), languages):
        variants = glossary.variants.get(lang)
        if not variants:
            continue
        size = len(path)
        start = located.line(*path)
        # Another value starting on the text's own line: scan the value alone.
        shared = any(
            key[:size] != path and len(key) >= size for key in keys_at.get(start, ())
        )
        # The text runs to the line before the next one holding none of its keys.
        end = len(raw)
        for line in starts[bisect_right(starts, start) :]:
            if not any(key[:size] == path for key in keys_at[line]):
                end = line - 1
                break
        if not shared and end >= start:
            _scan(problems, rel, "\n".join(raw[start - 1 : end]), start, variants)
        else:
            texts = value if isinstance(value, list) else [value]
            _scan(problems, rel, "\n".join(texts).replace("\n", " "), start, variants)


def check_glossary(tree: Tree, problems: Problems) -> Glossary | None:
    """Warn at every use of a variant to avoid; returns the glossary read."""
    glossary = load_glossary(tree, problems)
    if glossary is None or not glossary.variants:
        return glossary
    languages = tree.languages
    for by_lesson in tree.lessons.values():
        for by_lang in by_lesson.values():
            for lang, lesson in by_lang.items():
                variants = glossary.variants.get(lang)
                if variants:
                    _scan(problems, lesson.rel_path, lesson.text, 1, variants)
    yaml_files = [("modules/course.yaml", tree.course)]
    for module, located in tree.modules.items():
        yaml_files.append((f"modules/{module}/module.yaml", located))
        rel = f"modules/{module}/video.yaml"
        if rel in tree.files:
            try:
                yaml_files.append((rel, load_yaml(tree.files[rel].decode("utf-8"))))
            except (UnicodeDecodeError, YamlError):
                continue
    for quiz, located in tree.quizzes.items():
        yaml_files.append((tree.quiz_paths[quiz], located))
    for rel, located in yaml_files:
        if located is None or rel not in tree.files:
            continue
        text = tree.files[rel].decode("utf-8", "replace")
        _scan_yaml(problems, rel, located, text, glossary, languages)
    return glossary


def module_of(tree: Tree, rel: str) -> str:
    """The module a content file belongs to (``course`` for course.yaml)."""
    parts = rel.split("/")
    if parts[0] == "quizzes":
        stem = parts[-1].removesuffix(".yaml")
        located = tree.quizzes.get(stem)
        data = located.data if located is not None else {}
        return str(data.get("module") or stem)
    if len(parts) >= 3:
        return parts[1]
    return "course"


def drift_by_module(tree: Tree, problems: Problems) -> dict[str, int]:
    """How many glossary warnings each module has."""
    counts: dict[str, int] = {}
    for problem in problems.warnings:
        if problem.field == FIELD:
            module = module_of(tree, problem.path)
            counts[module] = counts.get(module, 0) + 1
    return counts


def echo_drift(tree: Tree, problems: Problems, echo) -> None:
    """The glossary part of ``content status``: drift warnings per module."""
    if GLOSSARY not in tree.files:
        return
    counts = drift_by_module(tree, problems)
    echo("[glossary]")
    modules = [m for m in tree.course_data.get("modules") or [] if isinstance(m, str)]
    for module in ["course", *modules]:
        if module in counts or module != "course":
            echo(f"  {module:<24} {counts.get(module, 0)} glossary drift")
    echo(f"glossary drift: {sum(counts.values())}")
