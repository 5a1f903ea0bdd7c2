"""The LTI blueprint: /lti/... for platforms (LMSs), /admin/lti for administrators."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("courseware_lti", __name__)
