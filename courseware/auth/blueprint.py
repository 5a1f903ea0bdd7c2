"""The auth blueprint.

With a host's identity adapter the host signs people in: our sign-in and
registration addresses send them to the host's sign-in page, and there is no
sign-out or password form of ours.
"""

from __future__ import annotations

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

from courseware.auth import views
from courseware.security import limited_rule

bp = Blueprint("courseware_auth", __name__)
login_rule = limited_rule(
    "/login",
    "login",
    views.login,
    "COURSEWARE_LOGIN_RATE_LIMIT",
    methods=["GET", "POST"],
    limit_methods=["POST"],
    deduct_when=lambda response: response.status_code != 302,  # failed ones count
    error_message="Too many sign-in attempts.",
)


@bp.record
def _sign_in_routes(state: BlueprintSetupState) -> None:
    if state.app.extensions["courseware"].identity is not None:
        state.add_url_rule("/login", "login", views.host_login)
        state.add_url_rule("/register", "register", views.host_login)
        return
    login_rule(state)
    state.add_url_rule("/logout", "logout", views.logout, methods=["POST"])
    state.add_url_rule("/register", "register", views.register, methods=["GET", "POST"])


bp.add_url_rule("/account", "account", views.account, methods=["GET", "POST"])


@bp.app_context_processor
def _auth_context():
    from flask import current_app

    # The layout leaves out sign-out and registration when the host signs people in.
    hosted = current_app.extensions["courseware"].identity is not None
    return {"courseware_host_login": hosted}
