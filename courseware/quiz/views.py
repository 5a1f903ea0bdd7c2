"""Quiz pages: overview, attempt form (saved as you go), result with feedback."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from courseware.core.requests import content_language, require_course
from courseware.db import get_session, refuse
from courseware.quiz import services
from courseware.quiz.forms import AttemptForm
from courseware.quiz.models import QuizAttempt
from courseware.quiz.types import QUESTION_TYPES


def _quiz(course, quiz_id: str) -> dict:
    quiz = course.quiz(quiz_id)
    if quiz is None:
        abort(404)
    return quiz


def _attempt(quiz_id: str, number: int) -> QuizAttempt:
    """The current user's attempt: another learner's attempt is simply not found."""
    attempt = (
        get_session()
        .scalars(
            select(QuizAttempt).where(
                QuizAttempt.user_id == current_user.id,
                QuizAttempt.quiz_id == quiz_id,
                QuizAttempt.number == number,
            )
        )
        .first()
    )
    if attempt is None:
        abort(404)
    return attempt


@login_required
def overview(quiz_id: str):
    """What the quiz is, the attempts so far, and a button to start or continue."""
    course = require_course()
    quiz = _quiz(course, quiz_id)
    done = services.attempts(get_session(), current_user, quiz_id)
    return render_template(
        "courseware/quiz/overview.html",
        course=course,
        quiz=quiz,
        quiz_id=quiz_id,
        attempts=done,
        lang=content_language(course),
        left=services.attempts_left(quiz, done),
        open_attempt=next((a for a in done if a.submitted_at is None), None),
        form=AttemptForm(),
    )


@login_required
def start(quiz_id: str):
    """Start an attempt, or continue the open one."""
    course = require_course()
    _quiz(course, quiz_id)
    if request.method == "GET":
        return redirect(url_for("courseware_quiz.overview", quiz_id=quiz_id))
    if not AttemptForm().validate_on_submit():
        abort(400)
    try:
        attempt = services.start(
            get_session(), current_user, course, quiz_id, content_language(course)
        )
    except services.QuizError as exc:
        refuse()  # undo what the service flushed before it refused
        flash(str(exc), "error")
        return redirect(url_for("courseware_quiz.overview", quiz_id=quiz_id))
    return redirect(
        url_for("courseware_quiz.attempt", quiz_id=quiz_id, number=attempt.number)
    )


@login_required
def attempt(quiz_id: str, number: int):
    """The questions of an attempt, with the answers saved so far."""
    course = require_course()
    quiz = _quiz(course, quiz_id)
    found = _attempt(quiz_id, number)
    if found.submitted_at is not None:
        return redirect(
            url_for("courseware_quiz.result", quiz_id=quiz_id, number=number)
        )
    session = get_session()
    return render_template(
        "courseware/quiz/attempt.html",
        course=course,
        quiz=quiz,
        quiz_id=quiz_id,
        attempt=found,
        questions=services.questions_of(course, found),
        answers=services.saved_answers(session, found),
        lang=content_language(course),
        form=AttemptForm(),
    )


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@login_required
def save(quiz_id: str, number: int):
    """Save the answers given; with action=submit also grade and show the result."""
    course = require_course()
    _quiz(course, quiz_id)
    found = _attempt(quiz_id, number)
    if not AttemptForm().validate_on_submit():
        abort(400)
    session = get_session()
    if found.submitted_at is not None:  # a resubmission after a dropped connection
        if _wants_json():
            return jsonify(saved=0, submitted=True)
        return redirect(
            url_for("courseware_quiz.result", quiz_id=quiz_id, number=number)
        )
    count = services.save_answers(session, found, course, request.form)
    if request.form.get("action") == "submit":
        services.submit(
            session,
            current_user,
            course,
            found,
            content_language(course),
            current_app.config["COURSEWARE_XAPI_SEND_FREE_TEXT"],
        )
        return redirect(
            url_for("courseware_quiz.result", quiz_id=quiz_id, number=number)
        )
    if _wants_json():
        return jsonify(saved=count, submitted=False)
    flash(_("Your answers are saved. You can come back and finish later."), "success")
    return redirect(url_for("courseware_quiz.attempt", quiz_id=quiz_id, number=number))


@login_required
def result(quiz_id: str, number: int):
    """Score, pass or fail, and feedback on every question."""
    course = require_course()
    quiz = _quiz(course, quiz_id)
    found = _attempt(quiz_id, number)
    if found.submitted_at is None:
        return redirect(
            url_for("courseware_quiz.attempt", quiz_id=quiz_id, number=number)
        )
    session = get_session()
    lang = content_language(course)
    done = services.attempts(session, current_user, quiz_id)
    return render_template(
        "courseware/quiz/result.html",
        course=course,
        quiz=quiz,
        quiz_id=quiz_id,
        attempt=found,
        lang=lang,
        graded=services.grade(session, course, found, lang),
        question_types=QUESTION_TYPES,
        left=services.attempts_left(quiz, done),
        form=AttemptForm(),
    )
