"""The LTI blueprint: /lti/... for platforms (LMSs), /admin/lti for administrators."""

from __future__ import annotations

from flask import Blueprint

from courseware.lti.views import admin, deeplink, launch, roster, scores

bp = Blueprint("courseware_lti", __name__)
for module in (launch, admin, deeplink, roster, scores):
    for rule, endpoint, view, methods in module.RULES:
        bp.add_url_rule(rule, endpoint, view, methods=methods)
