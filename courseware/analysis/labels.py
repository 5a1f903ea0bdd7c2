"""Words for the figures: question and option texts, question types and flags."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from courseware.analysis import services
from courseware.analysis.services import CHOICE_TYPES, ItemFigures, OptionCount
from courseware.content.runtime import Course
from courseware.teach.services.insights import describe_response

FLAGS = {
    services.FEW_DATA: _l("Too few attempts"),
    services.EVERYONE_RIGHT: _l("Everyone right"),
    services.EVERYONE_WRONG: _l("Everyone wrong"),
    services.NEGATIVE: _l("Negative discrimination"),
    services.UNUSED_DISTRACTOR: _l("A distractor nobody picks"),
}
TYPES = {
    "single": _l("Single choice"),
    "multiple": _l("Multiple choice"),
    "true-false": _l("True or false"),
    "fill-in": _l("Fill in the blank"),
    "matching": _l("Matching"),
    "ordering": _l("Ordering"),
}


def quiz_title(course: Course, quiz_id: str, lang: str) -> str:
    """The title of the quiz's module (quizzes have none of their own)."""
    module = course.module((course.quiz(quiz_id) or {}).get("module") or "")
    return course.text(module["title"], lang) if module else quiz_id


def question_text(course: Course | None, item: ItemFigures, lang: str) -> str:
    """The question in ``lang`` when written in it, else in the source language."""
    if course is None or item.question is None:
        return item.question_id
    return course.text(item.question.get("text"), lang)


def type_label(item: ItemFigures) -> str:
    """The question type in words."""
    return str(TYPES.get(item.kind, item.kind or "—"))


def option_text(
    course: Course | None, item: ItemFigures, option: OptionCount, lang: str
) -> str:
    """An option or a response as the learner saw it."""
    if item.kind in CHOICE_TYPES and course is not None:
        choice = next(
            (c for c in item.question["choices"] if c["id"] == option.key), None
        )
        return course.text(choice["text"], lang) if choice else option.key
    if item.kind == "true-false":
        return _("True") if option.response else _("False")
    return describe_response(item.question, option.response, lang)


def flag_labels(item: ItemFigures) -> list[str]:
    """The item's flags in words."""
    return [str(FLAGS[flag]) for flag in item.flags]
