"""The studio blueprint: /studio/... for authors and administrators."""

from __future__ import annotations

from flask import Blueprint

from courseware.authoring.views import drafts, review

bp = Blueprint("courseware_authoring", __name__)
for rule, endpoint, view, methods in (*drafts.RULES, *review.RULES):
    bp.add_url_rule(rule, endpoint, view, methods=methods)
