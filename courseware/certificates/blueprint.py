"""The certificates blueprint."""

from __future__ import annotations

from flask import Blueprint

from courseware.certificates import views

bp = Blueprint("courseware_certificates", __name__)
bp.add_url_rule("/certificates", "mine", views.mine)
bp.add_url_rule("/certificates/<code>", "detail", views.detail, methods=["GET", "POST"])
bp.add_url_rule("/certificates/<code>/certificate.pdf", "pdf", views.pdf)
bp.add_url_rule(
    "/certificates/<code>/revoke", "revoke", views.revoke, methods=["GET", "POST"]
)
bp.add_url_rule("/verify/<code>", "verify", views.verify)
bp.add_url_rule("/verify/public-key.pem", "public_key", views.public_key)
