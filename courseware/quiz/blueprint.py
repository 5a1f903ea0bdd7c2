"""The quiz blueprint."""

from __future__ import annotations

from flask import Blueprint

from courseware.quiz import views

bp = Blueprint("courseware_quiz", __name__)
bp.add_url_rule("/quizzes/<quiz_id>", "overview", views.overview)
bp.add_url_rule(
    "/quizzes/<quiz_id>/start", "start", views.start, methods=["GET", "POST"]
)
bp.add_url_rule("/quizzes/<quiz_id>/attempts/<int:number>", "attempt", views.attempt)
bp.add_url_rule(
    "/quizzes/<quiz_id>/attempts/<int:number>/save",
    "save",
    views.save,
    methods=["POST"],
)
bp.add_url_rule(
    "/quizzes/<quiz_id>/attempts/<int:number>/result", "result", views.result
)
