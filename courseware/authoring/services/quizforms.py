"""Quizzes as forms: one fieldset per question with its type's fields, and back.

The form's fields are named ``q-<i>-<field>`` (``-<lang>`` for texts, ``-c-<j>-``,
``-p-<j>-``, ``-o-<j>-`` for choices, pairs and ordered items, with one empty row
to add one). Saving regenerates the file with a stable dumper in the bundled
files' style; the ``translated_from`` block written by `content mark-translated`
is kept as it was written.
"""

from __future__ import annotations

import copy
from typing import Any

import yaml
from flask_babel import gettext

from courseware.quiz.types import QUESTION_TYPES

#: Which list each type keeps, under which key and row prefix, with which fields.
ROWS = {
    "single": ("choices", "c", ("text", "feedback")),
    "multiple": ("choices", "c", ("text", "feedback")),
    "matching": ("pairs", "p", ("source", "target")),
    "ordering": ("items", "o", ("text",)),
}


def type_label(qtype: str | None) -> str:
    """A question type as authors read it, in the interface language."""
    labels = {
        "single": gettext("single choice"),
        "multiple": gettext("multiple choice"),
        "true-false": gettext("true or false"),
        "fill-in": gettext("fill in the blank"),
        "matching": gettext("matching"),
        "ordering": gettext("ordering"),
    }
    return labels.get(qtype or "", qtype or "")


def row_legend(key: str, number: int | None) -> str:
    """The legend of a choice, pair or item row (``number`` None: the empty one)."""
    if number is None:
        return {
            "choices": gettext("Add a choice (give it an id)"),
            "pairs": gettext("Add a pair (give it an id)"),
            "items": gettext("Add an item (give it an id)"),
        }[key]
    return {
        "choices": gettext("Choice %(n)s", n=number),
        "pairs": gettext("Pair %(n)s", n=number),
        "items": gettext("Item %(n)s", n=number),
    }[key]


def field_label(name: str) -> str:
    """The label of a row's text field."""
    labels = {
        "text": gettext("Text"),
        "feedback": gettext("Feedback"),
        "source": gettext("Left side"),
        "target": gettext("Right side"),
    }
    return labels.get(name, name)


#: Types whose feedback is {correct: ..., incorrect: ...}.
OUTCOME_FEEDBACK = {"true-false", "fill-in", "matching", "ordering"}


class _Dumper(yaml.SafeDumper):
    """Sequences indented under their key, as in the bundled files."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def dump(data: dict[str, Any]) -> str:
    """YAML in the bundled files' style (block style, keys in order, UTF-8)."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100_000,
        indent=2,
    )


def _mark_block(text: str) -> str:
    """The comment and ``translated_from:`` block at the end of ``text``, if any."""
    lines = text.split("\n")
    start = next(
        (i for i, line in enumerate(lines) if line.startswith("translated_from:")), None
    )
    if start is None:
        return ""
    while start > 0 and lines[start - 1].startswith("#"):
        start -= 1
    return "\n".join(lines[start:]).rstrip("\n") + "\n"


def quiz_text(data: dict[str, Any], original: str) -> str:
    """The file for ``data``, keeping the original's translated_from block."""
    body = {k: v for k, v in data.items() if k != "translated_from"}
    block = _mark_block(original) if "translated_from" in data else ""
    return dump(body) + ("\n" + block if block else "")


def _texts(form, prefix: str, languages: list[str]) -> dict[str, str]:
    found = {}
    for lang in languages:
        value = (form.get(f"{prefix}-{lang}") or "").strip()
        if value:
            found[lang] = value
    return found


def _ordered(new: dict[str, Any], old: dict[str, Any], shown: set[str]) -> dict:
    """``new`` in the order of the keys in ``old``, with keys the form does not show
    kept from ``old``; new keys after."""
    merged = {k: v for k, v in old.items() if k in new or k not in shown}
    for key in merged:
        if key in new:
            merged[key] = new[key]
    return {**merged, **{k: v for k, v in new.items() if k not in merged}}


def _row(form, prefix: str, fields: tuple[str, ...], languages, old: dict) -> dict:
    row: dict[str, Any] = {"id": (form.get(f"{prefix}-id") or "").strip()}
    choice = form.get(f"{prefix}-kind") == "choice"
    for field in fields:
        row[field] = _texts(form, f"{prefix}-{field}", languages)
        if field == "text" and choice and form.get(f"{prefix}-correct"):
            row["correct"] = True
    shown = {"id", *fields} | ({"correct"} if choice else set())
    return _ordered(row, old, shown)


#: The most questions, or rows of one question, a form may carry.
MAX_ROWS = 500


def form_number(raw: str | None) -> int | None:
    """A count or index as the form sends it: plain digits up to ``MAX_ROWS``, else
    None (``NaN``, ``1e400``, ``-1``, 5,000 digits, other digits than 0-9)."""
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:
        return None
    value = int(raw)
    return value if value <= MAX_ROWS else None


def _question(form, i: int, languages: list[str], old: dict) -> dict[str, Any]:
    prefix = f"q-{i}"
    qtype = form.get(f"{prefix}-type") or old.get("type") or "single"
    question: dict[str, Any] = {
        "id": (form.get(f"{prefix}-id") or "").strip(),
        "type": qtype,
    }
    for key in ("objective",):
        value = (form.get(f"{prefix}-{key}") or "").strip()
        if value:
            number = form_number(value)
            question[key] = value if number is None else number
    question["text"] = _texts(form, f"{prefix}-text", languages)
    source = (form.get(f"{prefix}-source") or "").strip()
    if source:
        question["source"] = source
    if qtype in ROWS:
        key, letter, fields = ROWS[qtype]
        old_rows = {r.get("id"): r for r in old.get(key) or [] if isinstance(r, dict)}
        rows = []
        count = form_number(form.get(f"{prefix}-{letter}-count"))
        for j in range((len(old_rows) if count is None else count) + 1):
            row_prefix = f"{prefix}-{letter}-{j}"
            row_id = (form.get(f"{row_prefix}-id") or "").strip()
            if row_id:  # an empty id removes the row (or leaves the new row out)
                rows.append(
                    _row(form, row_prefix, fields, languages, old_rows.get(row_id, {}))
                )
        question[key] = rows
    if qtype == "true-false":
        question["answer"] = form.get(f"{prefix}-answer") == "true"
    if qtype == "fill-in":
        question["answers"] = {
            lang: [a.strip() for a in value.split("\n") if a.strip()]
            for lang in languages
            if (value := form.get(f"{prefix}-answers-{lang}") or "").strip()
        }
        if form.get(f"{prefix}-case_sensitive"):
            question["case_sensitive"] = True
    if qtype in OUTCOME_FEEDBACK:
        question["feedback"] = {
            outcome: _texts(form, f"{prefix}-fb-{outcome}", languages)
            for outcome in ("correct", "incorrect")
        }
    shown = set(question) | {"case_sensitive", "objective", "source"}
    return _ordered(question, old, shown)


def from_form(form, data: dict[str, Any], languages: list[str]) -> dict[str, Any]:
    """The quiz ``data`` with its questions as the form gives them, ops applied."""
    old = [q for q in data.get("questions") or [] if isinstance(q, dict)]
    count = form_number(form.get("count"))
    if count is None:  # not what the page sent: the questions the file has
        count = len(old)
    questions = [
        _question(form, i, languages, old[i] if i < len(old) else {})
        for i in range(count)
    ]
    op, _sep, arg = (form.get("op") or "save").partition(":")
    if op == "add" and arg in QUESTION_TYPES:
        questions.append(new_question(arg, len(questions) + 1))
    elif op in ("remove", "up", "down") and (i := form_number(arg)) is not None and (
        i < len(questions)
    ):
        if op == "remove":
            questions.pop(i)
        elif op == "up" and i > 0:
            questions[i - 1], questions[i] = questions[i], questions[i - 1]
        elif op == "down" and i + 1 < len(questions):
            questions[i + 1], questions[i] = questions[i], questions[i + 1]
    result = copy.deepcopy(data)
    result["questions"] = questions
    return result


def new_question(qtype: str, number: int) -> dict[str, Any]:
    """An empty question of ``qtype`` (the checker says what to fill in)."""
    question: dict[str, Any] = {"id": f"question-{number}", "type": qtype, "text": {}}
    if qtype in ROWS:
        question[ROWS[qtype][0]] = []
    if qtype == "true-false":
        question["answer"] = True
    if qtype == "fill-in":
        question["answers"] = {}
    if qtype in OUTCOME_FEEDBACK:
        question["feedback"] = {"correct": {}, "incorrect": {}}
    return question


def rows_of(question: dict[str, Any]) -> tuple[str, str, tuple[str, ...], list]:
    """(key, row letter, text fields, rows) of a question's list, else empty."""
    qtype = question.get("type")
    if qtype not in ROWS:
        return "", "", (), []
    key, letter, fields = ROWS[qtype]
    return (
        key,
        letter,
        fields,
        [r for r in question.get(key) or [] if isinstance(r, dict)],
    )


def by_question(problems) -> dict[int, list]:
    """The checker's problems of each question (by index), from their fields."""
    grouped: dict[int, list] = {}
    for problem in problems:
        parts = problem.field.split(".")
        if len(parts) > 1 and parts[0] == "questions" and parts[1].isdigit():
            grouped.setdefault(int(parts[1]), []).append(problem)
    return grouped
