"""Dashboard, roster and CSV exports of a group."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, render_template, request, stream_with_context, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from courseware.content.runtime import active_course
from courseware.core.requests import content_language
from courseware.db import get_session
from courseware.teach.forms import FilterForm
from courseware.teach.models import Group
from courseware.teach.services import charts, export, insights
from courseware.teach.services.assignments import group_assignments
from courseware.teach.services.report import (
    Report,
    assigned_modules,
    item_title,
    load_report,
)
from courseware.teach.views.access import group_view


def _report(group: Group) -> tuple[Report, str]:
    course = active_course()
    lang = content_language(course) if course else "en"
    return load_report(get_session(), group, course), lang


#: Learners per page of the dashboard's matrix (a cohort of 5,000 made a 5.7 MB page).
PAGE_SIZE = 100


@dataclass(frozen=True)
class Paging:
    """Which slice of the learners one page shows (``first`` to ``last``, 0-based)."""

    number: int
    pages: int
    first: int
    last: int

    @classmethod
    def of(cls, count: int, wanted: int | None) -> Paging:
        pages = max((count + PAGE_SIZE - 1) // PAGE_SIZE, 1)
        number = min(max(wanted or 1, 1), pages)
        first = (number - 1) * PAGE_SIZE
        return cls(number, pages, first, min(first + PAGE_SIZE, count))


def _filtered(report: Report, form: FilterForm):
    chosen = form.assignment.data or ""
    shown = [a for a in report.assignments if not chosen or str(a.id) == chosen]
    text = (form.q.data or "").strip().casefold()
    status = form.status.data or ""
    rows = [
        learner
        for learner in report.learners
        if (
            not text
            or text in learner.username.casefold()
            or text in (learner.display_name or "").casefold()
        )
        and (not status or any(report.cell(learner, a).status == status for a in shown))
    ]
    return shown, rows


def _charts(report: Report):
    series = insights.completions_by_day(report)
    labels = [format_date(day, "medium") for day, _n, _t in series]
    completion = charts.line_chart([(d, t) for d, _n, t in series], labels)
    bins = [f"{i * 10}–{i * 10 + 9}%" for i in range(insights.BINS - 1)] + ["90–100%"]
    scores = {
        quiz_id: charts.bar_chart(values, bins)
        for quiz_id, values in insights.score_distribution(report).items()
    }
    return series, completion, scores, bins


@group_view
def dashboard(group: Group):
    """Learners x assignments, charts and difficult questions."""
    report, lang = _report(group)
    form = FilterForm(formdata=request.args)
    form.assignment.choices = [SelectChoice("", _("All assignments"))] + [
        SelectChoice(str(a.id), item_title(report.course, a.kind, a.item_id, lang))
        for a in report.assignments
    ]
    form.validate()
    shown, rows = _filtered(report, form)
    paging = Paging.of(len(rows), request.args.get("page", 1, type=int))
    series, completion, scores, bins = _charts(report)
    return render_template(
        "courseware/teach/dashboard.html",
        group=group,
        report=report,
        lang=lang,
        form=form,
        shown=shown,
        rows=rows[paging.first : paging.last],
        matching=len(rows),
        paging=paging,
        page_url=lambda number: (
            url_for(
                request.endpoint,
                group_id=group.id,
                **{**request.args.to_dict(), "page": number},
            )
            + "#matrix-title"
        ),
        titles={
            a.id: item_title(report.course, a.kind, a.item_id, lang)
            for a in report.assignments
        },
        series=series,
        completion=completion,
        scores=scores,
        bins=bins,
        difficult=insights.difficult_questions(get_session(), report, lang),
    )


@group_view
def roster(group: Group):
    """Who is ready for the meeting: every assignment completed."""
    report, lang = _report(group)
    return render_template(
        "courseware/teach/roster.html",
        group=group,
        report=report,
        lang=lang,
        titles={
            a.id: item_title(report.course, a.kind, a.item_id, lang)
            for a in report.assignments
        },
        ready=sum(1 for lr in report.learners if report.ready(lr)),
        certificates={
            lr.user_id: [
                url
                for a in report.assignments
                if report.cell(lr, a).done
                and (url := report.certificate_url(lr.user_id, a.kind, a.item_id))
            ]
            for lr in report.learners
        },
    )


def _csv(group: Group, kind: str, chunks) -> Response:
    return Response(
        stream_with_context(chunks),
        mimetype="text/csv",
        headers={
            "Content-Disposition": (
                f'attachment; filename="group-{group.id}-{kind}.csv"'
            ),
            "Cache-Control": "no-store",
        },
    )


@group_view
def export_progress(group: Group):
    """Progress of every learner on every assignment, as CSV (streamed)."""
    report, lang = _report(group)
    rows = export.progress_rows(report, lang)
    return _csv(group, "progress", export.csv_stream(export.PROGRESS_HEADER, rows))


@group_view
def export_answers(group: Group):
    """Every answer to the assigned quizzes, as CSV (streamed from the database)."""
    course = active_course()
    lang = content_language(course) if course else "en"
    modules = assigned_modules(course, group_assignments(get_session(), group))

    def rows():
        # Runs while the response streams, after this request's teardown: the
        # session is the streaming context's own, closed when the stream ends.
        yield from export.answer_rows(get_session(), group, course, modules, lang)

    return _csv(group, "answers", export.csv_stream(export.ANSWERS_HEADER, rows()))
