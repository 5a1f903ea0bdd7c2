"""A learner's status on an assignment as HTML: text and a mark, never colour alone.

Rendered in Python, with the translations looked up once a request, because a class
dashboard shows thousands of cells.
"""

from __future__ import annotations

from flask import g
from flask_babel import gettext as _
from markupsafe import Markup

from courseware.teach.services.report import (
    COMPLETED,
    IN_PROGRESS,
    NOT_ASSIGNED,
    NOT_STARTED,
    OVERDUE,
    Cell,
)

MARKED = Markup('<span class="status {}"><span aria-hidden="true">{}</span> {}</span>')


def labels() -> dict[str, str]:
    """Translated status texts for this request."""
    found = g.get("_courseware_teach_labels")
    if found is None:
        found = g._courseware_teach_labels = {
            NOT_STARTED: _("Not started"),
            IN_PROGRESS: _("In progress"),
            COMPLETED: _("Completed"),
            OVERDUE: _("Overdue"),
            NOT_ASSIGNED: _("Not assigned"),
            "passed": _("Passed, %(score)s"),
            "best": _("best %(score)s"),
            "version": _("version %(n)s"),
        }
    return found


def percent(share: float) -> str:
    """0.8333 as 83%."""
    return f"{round(share * 100)}%"


def status_html(cell: Cell) -> Markup:
    """The cell's status as a labelled span, with the score and content version."""
    # A class has thousands of cells but few distinct states: build each once.
    key = (cell.status, cell.started, cell.score, cell.version)
    cache = g.setdefault("_courseware_teach_cells", {})
    if key not in cache:
        cache[key] = _status_html(cell)
    return cache[key]


def _status_html(cell: Cell) -> Markup:
    text = labels()
    if cell.status == NOT_ASSIGNED:
        return Markup(
            '<span class="status status-none"><span aria-hidden="true">–</span>'
            '<span class="visually-hidden">{}</span></span>'
        ).format(text[NOT_ASSIGNED])
    extra = ""
    if cell.status == COMPLETED:
        label = (
            text["passed"] % {"score": percent(cell.score)}
            if cell.score is not None
            else text[COMPLETED]
        )
        html = MARKED.format("status-done", "✓", label)
        if cell.version:
            extra = text["version"] % {"n": cell.version}
    elif cell.status == OVERDUE:
        html = MARKED.format("status-fail", "!", text[OVERDUE])
        if cell.started:
            extra = text[IN_PROGRESS]
    elif cell.status == IN_PROGRESS:
        html = Markup('<span class="status status-progress">{}</span>').format(
            text[IN_PROGRESS]
        )
        if cell.score is not None:
            extra = text["best"] % {"score": percent(cell.score)}
    else:
        html = Markup('<span class="status status-new">{}</span>').format(
            text[NOT_STARTED]
        )
    if extra:
        html += Markup(' <span class="version">{}</span>').format(extra)
    return html
