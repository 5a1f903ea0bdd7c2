"""The teach blueprint: /teach/... for teachers and organisers, /join for learners."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from flask import Blueprint
from flask_babel import get_locale

from courseware.auth.models import Role
from courseware.db import utcnow
from courseware.learn.signals import children_classes as children_signal
from courseware.learn.signals import learner_pathway
from courseware.security import account_key, limited_rule
from courseware.teach.models import Group
from courseware.teach.services import children
from courseware.teach.services.codes import format_code
from courseware.teach.services.report import item_title
from courseware.teach.views import assignments, groups, learners, reports
from courseware.teach.views.status import labels, status_html

bp = Blueprint("courseware_teach", __name__)

GROUP = "/teach/groups/<int:group_id>"
LEARNER = f"{GROUP}/learners/<int:user_id>"
GET_POST = ["GET", "POST"]
POST = ["POST"]

bp.add_url_rule("/teach/", "index", groups.index)
bp.add_url_rule("/teach/groups/new", "new_group", groups.new_group, methods=GET_POST)
bp.add_url_rule(GROUP, "group", groups.group)
bp.add_url_rule(f"{GROUP}/edit", "edit_group", groups.edit_group, methods=GET_POST)
bp.add_url_rule(f"{GROUP}/code", "join_code", groups.join_code, methods=POST)
bp.add_url_rule(f"{GROUP}/code/revoke", "revoke_code", groups.revoke_code, methods=POST)
bp.add_url_rule(f"{GROUP}/co-owners", "add_co_owner", groups.add_co_owner, methods=POST)
bp.add_url_rule(
    f"{GROUP}/co-owners/<int:user_id>/remove",
    "remove_co_owner",
    groups.remove_co_owner,
    methods=POST,
)
bp.add_url_rule(f"{GROUP}/cards", "cards", learners.cards, methods=GET_POST)
bp.add_url_rule(LEARNER, "learner", learners.learner)
bp.add_url_rule(
    f"{LEARNER}/reset", "reset_password", learners.reset_password, methods=POST
)
bp.add_url_rule(f"{LEARNER}/remove", "remove_learner", learners.remove, methods=POST)
bp.add_url_rule(
    f"{LEARNER}/extensions/<int:assignment_id>",
    "extend",
    learners.extend,
    methods=POST,
)
bp.add_url_rule(
    f"{LEARNER}/extensions/<int:assignment_id>/remove",
    "unextend",
    learners.unextend,
    methods=POST,
)
bp.add_url_rule(
    f"{GROUP}/assignments/new",
    "new_assignment",
    assignments.new_assignment,
    methods=GET_POST,
)
bp.add_url_rule(
    f"{GROUP}/assignments/<int:assignment_id>/edit",
    "edit_assignment",
    assignments.edit_assignment,
    methods=GET_POST,
)
bp.add_url_rule(
    f"{GROUP}/assignments/<int:assignment_id>/delete",
    "delete_assignment",
    assignments.delete_assignment,
    methods=POST,
)
bp.add_url_rule(f"{GROUP}/dashboard", "dashboard", reports.dashboard)
bp.add_url_rule(f"{GROUP}/roster", "roster", reports.roster)
bp.add_url_rule(
    f"{GROUP}/export/progress.csv", "export_progress", reports.export_progress
)
bp.add_url_rule(f"{GROUP}/export/answers.csv", "export_answers", reports.export_answers)
bp.record(
    limited_rule(
        "/join",
        "join",
        groups.join,
        "COURSEWARE_JOIN_RATE_LIMIT",
        methods=["GET", "POST"],
        limit_methods=["POST"],
        key_func=account_key,  # per account: a whole class joins from one address
        deduct_when=lambda response: response.status_code != 302,  # wrong codes
        error_message="Too many wrong join codes.",
    )
)


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
        "for_adults": children.for_adults,
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


def _pathway(app, *, session, user, course):
    return children.child_pathway(session, user, course)


def _children_classes(app, *, session, user):
    return children.children_classes(session, user)


@bp.record_once
def _connect(state) -> None:
    # Learners in a class of children see their pathway; teachers, their classes.
    learner_pathway.connect(_pathway, sender=state.app)
    children_signal.connect(_children_classes, sender=state.app)
