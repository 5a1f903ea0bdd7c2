"""The auth blueprint."""

from __future__ import annotations

from flask import Blueprint

from courseware.auth import views

bp = Blueprint("courseware_auth", __name__)
bp.add_url_rule("/login", "login", views.login, methods=["GET", "POST"])
bp.add_url_rule("/logout", "logout", views.logout, methods=["POST"])
bp.add_url_rule("/register", "register", views.register, methods=["GET", "POST"])
bp.add_url_rule("/account", "account", views.account, methods=["GET", "POST"])
