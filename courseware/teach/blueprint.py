"""The teach blueprint: /teach/... for teachers and organisers, /join for learners."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from flask import Blueprint
from flask_babel import get_locale

from courseware.auth.models import Role
from courseware.db import utcnow
from courseware.teach import assignment_views, learner_views, report_views, views
from courseware.teach.children import for_adults
from courseware.teach.codes import format_code
from courseware.teach.models import Group
from courseware.teach.report import item_title
from courseware.teach.status import labels, status_html

bp = Blueprint("courseware_teach", __name__)

GROUP = "/teach/groups/<int:group_id>"
LEARNER = f"{GROUP}/learners/<int:user_id>"
RULES = [
    ("/teach/", "index", views.index, ["GET"]),
    ("/teach/groups/new", "new_group", views.new_group, ["GET", "POST"]),
    (GROUP, "group", views.group, ["GET"]),
    (f"{GROUP}/edit", "edit_group", views.edit_group, ["GET", "POST"]),
    (f"{GROUP}/code", "join_code", views.join_code, ["POST"]),
    (f"{GROUP}/code/revoke", "revoke_code", views.revoke_code, ["POST"]),
    (f"{GROUP}/co-owners", "add_co_owner", views.add_co_owner, ["POST"]),
    (
        f"{GROUP}/co-owners/<int:user_id>/remove",
        "remove_co_owner",
        views.remove_co_owner,
        ["POST"],
    ),
    (f"{GROUP}/cards", "cards", learner_views.cards, ["GET", "POST"]),
    (LEARNER, "learner", learner_views.learner, ["GET"]),
    (f"{LEARNER}/reset", "reset_password", learner_views.reset_password, ["POST"]),
    (f"{LEARNER}/remove", "remove_learner", learner_views.remove, ["POST"]),
    (
        f"{LEARNER}/extensions/<int:assignment_id>",
        "extend",
        learner_views.extend,
        ["POST"],
    ),
    (
        f"{LEARNER}/extensions/<int:assignment_id>/remove",
        "unextend",
        learner_views.unextend,
        ["POST"],
    ),
    (
        f"{GROUP}/assignments/new",
        "new_assignment",
        assignment_views.new_assignment,
        ["GET", "POST"],
    ),
    (
        f"{GROUP}/assignments/<int:assignment_id>/edit",
        "edit_assignment",
        assignment_views.edit_assignment,
        ["GET", "POST"],
    ),
    (
        f"{GROUP}/assignments/<int:assignment_id>/delete",
        "delete_assignment",
        assignment_views.delete_assignment,
        ["POST"],
    ),
    (f"{GROUP}/dashboard", "dashboard", report_views.dashboard, ["GET"]),
    (f"{GROUP}/roster", "roster", report_views.roster, ["GET"]),
    (
        f"{GROUP}/export/progress.csv",
        "export_progress",
        report_views.export_progress,
        ["GET"],
    ),
    (
        f"{GROUP}/export/answers.csv",
        "export_answers",
        report_views.export_answers,
        ["GET"],
    ),
    ("/join", "join", views.join, ["GET", "POST"]),
]
for rule, endpoint, view, methods in RULES:
    bp.add_url_rule(rule, endpoint, view, methods=methods)


@bp.app_context_processor
def _teach_context():
    # base.html shows "Teaching" to users for whom has_role(teach_role) holds.
    return {"teach_role": Role.TEACHER}


@bp.context_processor
def _helpers():
    return {
        "status_html": status_html,
        "status_labels": labels(),
        "item_title": item_title,
        "for_adults": for_adults,
        "now_utc": utcnow,
    }


@bp.app_template_filter("group_time")
def _group_time(moment: datetime | None, group: Group) -> str:
    """A UTC moment as a date and time in the group's time zone, for the reader."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(group.timezone))
    locale = str(get_locale() or "en")
    day = format_date(local.date(), "medium", locale=locale)
    return f"{day}, {format_time(local, 'short', locale=locale)}"


@bp.app_template_filter("join_code")
def _join_code(code: str | None) -> str:
    """ABCDEFGH as ABCD-EFGH."""
    return format_code(code)
