"""The analysis blueprint: /analysis/... for authors and administrators."""

from __future__ import annotations

import math

from flask import Blueprint
from flask_babel import format_decimal, format_percent
from flask_login import current_user

from courseware.analysis import labels, services, views
from courseware.auth.models import Role
from courseware.core.skeleton import rendering_skeleton

bp = Blueprint("courseware_analysis", __name__)

QUIZ = "/analysis/quizzes/<quiz_id>"
RULES = [
    ("/analysis/", "index", views.index),
    (QUIZ, "quiz", views.quiz),
    (f"{QUIZ}/questions.csv", "questions_csv", views.questions_csv),
    (f"{QUIZ}/options.csv", "options_csv", views.options_csv),
]
for rule, endpoint, view in RULES:
    bp.add_url_rule(rule, endpoint, view, methods=["GET"])


def _show_analysis_link() -> bool:
    # Lesson skeletons are shared by every role but teachers': never put it in one.
    return (
        current_user.is_authenticated
        and current_user.has_role(Role.AUTHOR)
        and not rendering_skeleton()
    )


@bp.app_context_processor
def _analysis_context():
    # base.html shows "Item analysis" when this is true.
    return {"show_analysis_link": _show_analysis_link}


@bp.context_processor
def _helpers():
    return {
        "question_text": labels.question_text,
        "option_text": labels.option_text,
        "type_label": labels.type_label,
        "flag_labels": labels.flag_labels,
        "quiz_title": labels.quiz_title,
        "flag_names": labels.FLAGS,
        "few_attempts": services.FEW_ATTEMPTS,
        "top_responses": services.TOP_RESPONSES,
    }


def _finite(value) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


@bp.app_template_filter("analysis_decimal")
def _decimal(value) -> str:
    """0.4567 as "0.46" in the reader's locale; "—" when there is no figure."""
    return format_decimal(value, "0.00") if _finite(value) else "—"


@bp.app_template_filter("analysis_percent")
def _percent(value) -> str:
    """0.873 as "87%" in the reader's locale; "—" when there is no figure."""
    return format_percent(value, "#,##0%") if _finite(value) else "—"
