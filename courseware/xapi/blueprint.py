"""The xAPI blueprint."""

from __future__ import annotations

from flask import Blueprint

from courseware.xapi import views

bp = Blueprint("courseware_xapi", __name__)
bp.add_url_rule(
    "/xapi/media-events", "media_events", views.media_events, methods=["POST"]
)
bp.add_url_rule("/xapi/profile", "profile", views.profile)
bp.add_url_rule("/admin/xapi", "admin", views.admin, methods=["GET", "POST"])
