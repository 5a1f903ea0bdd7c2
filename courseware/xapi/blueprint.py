"""The xAPI blueprint: our published profile and delivery for administrators.

The media player's events (``POST /xapi/media-events``) are a learner's action: the
learn blueprint takes them in and this feature's services turn them into statements.
"""

from __future__ import annotations

from flask import Blueprint

from courseware.xapi import views

bp = Blueprint("courseware_xapi", __name__)
bp.add_url_rule("/xapi/profile", "profile", views.profile)
bp.add_url_rule("/admin/xapi", "admin", views.admin, methods=["GET", "POST"])
