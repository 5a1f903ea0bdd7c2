"""New lessons, modules and quizzes from templates, listed where they belong.

Lists are changed in the file's own text (one line added, or one item appended to a
``[a, b]`` list), as a careful hand edit would.
"""

from __future__ import annotations

import re

from courseware.content.lessons import FILE_RE


class ListError(ValueError):
    """The list to extend is not written in a form the studio can extend safely."""


def add_to_list(text: str, key: str, item: str) -> str:
    """``text`` with ``item`` appended to the top-level list ``key``."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        flow = re.match(rf"^{key}:\s*\[(.*)\]\s*(#.*)?$", line)
        if flow:
            inner = flow.group(1).strip()
            items = f"{inner}, {item}" if inner else item
            lines[index] = f"{key}: [{items}]" + (
                f"  {flow.group(2)}" if flow.group(2) else ""
            )
            return "\n".join(lines)
        if re.match(rf"^{key}:\s*(#.*)?$", line):
            end = index + 1
            while end < len(lines) and re.match(r"^\s+-\s", lines[end]):
                end += 1
            indent = (
                re.match(r"^(\s+)-", lines[end - 1]).group(1)
                if end > index + 1
                else "  "
            )
            lines.insert(end, f"{indent}- {item}")
            return "\n".join(lines)
    raise ListError(f"no list '{key}:' to add {item!r} to; add it by hand")


def lesson_text(lesson_id: str, title: str) -> str:
    """A new lesson's text (front matter, one paragraph)."""
    front = f"---\nid: {lesson_id}\ntitle: {title}\nminutes: 5\n---\n"
    return front + "\nWrite the lesson here.\n"


def next_lesson_name(paths: list[str], module: str, lesson_id: str, lang: str) -> str:
    """``modules/<module>/NN-<lesson>.<lang>.md`` with the next free number."""
    numbers = [
        int(match.group(1))
        for path in paths
        if path.startswith(f"modules/{module}/")
        and (match := re.match(r"^(\d\d)-", path.rsplit("/", 1)[-1]))
        and FILE_RE.match(path.rsplit("/", 1)[-1])
    ]
    return f"modules/{module}/{max(numbers, default=0) + 1:02d}-{lesson_id}.{lang}.md"


def is_lesson_of(path: str, module: str, lesson_id: str) -> bool:
    """``path`` is a file of lesson ``lesson_id`` of ``module`` (any language)."""
    match = FILE_RE.match(path.rsplit("/", 1)[-1])
    return (
        path.startswith(f"modules/{module}/")
        and path.count("/") == 2
        and bool(match)
        and match.group(2) == lesson_id
    )


def _languages(languages: list[str], value: str) -> str:
    return "{" + ", ".join(f"{lang}: {value}" for lang in languages) + "}"


def module_text(module: str, languages: list[str]) -> str:
    """A new module.yaml (to be filled in; the checker says what is missing)."""
    title = _languages(languages, module)
    objectives = "\n".join(f"  {lang}: [Write an objective.]" for lang in languages)
    return (
        f"schema_version: 1\nid: {module}\ntitle: {title}\n"
        f"summary: {_languages(languages, 'Write a summary.')}\n"
        f"objectives:\n{objectives}\nminutes: 10\naudiences: [delegates]\n"
        "prerequisites: []\nlessons: []\nsources: []\n"
    )


def quiz_text(quiz: str, languages: list[str]) -> str:
    """A new quiz with one true-false question."""
    return (
        f"schema_version: 1\nid: {quiz}\nmodule: {quiz}\npass_mark: 0.7\n"
        "attempts: 3\nshuffle_questions: true\nshuffle_choices: true\nquestions:\n"
        "  - id: first\n    type: true-false\n"
        f"    text: {_languages(languages, 'Write the statement.')}\n"
        "    answer: true\n    feedback:\n"
        f"      correct: {_languages(languages, 'Why it is right.')}\n"
        f"      incorrect: {_languages(languages, 'Why it is wrong.')}\n"
    )


def add_quiz(text: str, quiz: str) -> str:
    """module.yaml's text naming its new quiz (a line at the end)."""
    return text.rstrip("\n") + f"\nquiz: {quiz}\n"
