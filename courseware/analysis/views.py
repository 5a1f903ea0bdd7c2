"""Item analysis pages and CSV downloads, for authors and administrators."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import Response, abort, render_template, request, stream_with_context
from flask_babel import get_locale
from flask_login import current_user, login_required

from courseware.analysis import export, services
from courseware.analysis.forms import FilterForm
from courseware.analysis.services import Filters, QuizRows, analyse_quiz, load_rows
from courseware.auth.models import Role
from courseware.content.runtime import Course, active_course, course_version
from courseware.db import get_session
from courseware.teach.services.export import csv_stream


def author_required(view):
    """Signed in (else the sign-in page) as an author or administrator (else 403)."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.has_role(Role.AUTHOR):
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@dataclass
class Setting:
    """What a page shows: the definitions, the filter form and its verdict."""

    course: Course | None  # the chosen version's definitions, else the active ones
    form: FilterForm
    filters: Filters | None  # None: a filter value was refused
    lang: str


def _setting() -> Setting:
    session = get_session()
    active = active_course()
    versions = services.published_versions(session)
    languages = set(active.languages if active else ())
    languages.update(services.attempt_languages(session))
    form = FilterForm(formdata=request.args)
    form.offer(list(versions), sorted(languages))
    lang = str(get_locale() or "en")
    if not form.validate():
        return Setting(active, form, None, lang)
    filters = form.filters()
    course = active
    if filters.version is not None:
        course = course_version(versions[filters.version]) or active
    return Setting(course, form, filters, lang)


@author_required
def index():
    """Every quiz of the course with its attempts and flags."""
    setting = _setting()
    rows = []
    if setting.course is not None and setting.filters is not None:
        found = load_rows(get_session(), setting.filters)
        rows = [
            analyse_quiz(quiz_id, quiz, data.attempts, data.tallies)
            for quiz_id, quiz in setting.course.data["quizzes"].items()
            for data in [found.get(quiz_id) or QuizRows()]
        ]
    status = 400 if setting.filters is None else 200
    return render_template(
        "courseware/analysis/index.html", setting=setting, rows=rows
    ), status


def _analysis(setting: Setting, quiz_id: str):
    quiz = setting.course.quiz(quiz_id) if setting.course else None
    if quiz is None:
        abort(404)
    if setting.filters is None:
        return quiz, None
    data = load_rows(get_session(), setting.filters, quiz_id).get(quiz_id) or QuizRows()
    return quiz, analyse_quiz(quiz_id, quiz, data.attempts, data.tallies)


@author_required
def quiz(quiz_id: str):
    """Figures, flags and option choices of every question of one quiz."""
    setting = _setting()
    _quiz, analysis = _analysis(setting, quiz_id)
    return render_template(
        "courseware/analysis/quiz.html",
        setting=setting,
        quiz_id=quiz_id,
        analysis=analysis,
    ), (400 if analysis is None else 200)


def _csv(setting: Setting, quiz_id: str, kind: str, header, make_rows) -> Response:
    _quiz, analysis = _analysis(setting, quiz_id)
    if analysis is None:
        abort(400)
    return Response(
        # Rows are worded while streaming: keep the request (its language) around.
        stream_with_context(csv_stream(header, make_rows(analysis))),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="quiz-{quiz_id}-{kind}.csv"',
            "Cache-Control": "no-store",
        },
    )


@author_required
def questions_csv(quiz_id: str):
    """The per-question figures as CSV (UTF-8 with a BOM)."""
    s = _setting()
    return _csv(
        s,
        quiz_id,
        "questions",
        export.QUESTIONS_HEADER,
        lambda a: export.question_rows(a, s.course, s.filters, s.lang),
    )


@author_required
def options_csv(quiz_id: str):
    """How often each option was chosen, as CSV (UTF-8 with a BOM)."""
    s = _setting()
    return _csv(
        s,
        quiz_id,
        "options",
        export.OPTIONS_HEADER,
        lambda a: export.option_rows(a, s.course, s.lang),
    )
