"""The learn blueprint: tracks, modules, lessons, progress and media.

The site's home page (``courseware.home``, in the core blueprint) shows this
feature's catalogue.
"""

from __future__ import annotations

from flask import Blueprint

from courseware.core.views import set_home
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
bp.add_url_rule(
    "/xapi/media-events", "media_events", media.media_events, methods=["POST"]
)
bp.record_once(lambda state: set_home(state.app, views.catalogue))
