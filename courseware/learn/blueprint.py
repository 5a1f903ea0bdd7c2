"""The learn blueprint."""

from __future__ import annotations

from flask import Blueprint

from courseware.learn import media, views

bp = Blueprint("courseware_learn", __name__)
bp.add_url_rule("/tracks/<track_id>", "track", views.track)
bp.add_url_rule("/modules/<module_id>", "module", views.module)
bp.add_url_rule("/modules/<module_id>/<lesson_id>", "lesson", views.lesson)
bp.add_url_rule(
    "/modules/<module_id>/<lesson_id>/complete",
    "complete",
    views.complete,
    methods=["POST"],
)
bp.add_url_rule("/progress", "progress", views.progress_page)
bp.add_url_rule("/progress/position", "position", views.position, methods=["POST"])
bp.add_url_rule("/media/<sha>/<name>", "media", media.media)
