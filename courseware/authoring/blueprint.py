"""The studio blueprint: /studio/... for authors and administrators."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("courseware_authoring", __name__)
