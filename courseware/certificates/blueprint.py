"""The certificates blueprint; certificates are issued when a track is completed."""

from __future__ import annotations

from flask import Blueprint

from courseware.certificates import services, views
from courseware.learn.signals import track_completed
from courseware.security import limited_rule

bp = Blueprint("courseware_certificates", __name__)
bp.add_url_rule("/certificates", "mine", views.mine)
bp.add_url_rule("/certificates/<code>", "detail", views.detail, methods=["GET", "POST"])
bp.add_url_rule("/certificates/<code>/certificate.pdf", "pdf", views.pdf)
bp.add_url_rule(
    "/certificates/<code>/revoke", "revoke", views.revoke, methods=["GET", "POST"]
)
bp.record(
    limited_rule(
        "/verify/<code>",
        "verify",
        views.verify,
        "COURSEWARE_VERIFY_RATE_LIMIT",
        error_message="Too many certificate look-ups.",
    )
)
bp.add_url_rule("/verify/public-key.pem", "public_key", views.public_key)


def _issue_on_completion(app, *, session, user, course, track, lang, learner):
    """A completed track earns its certificate, in the same unit of work."""
    services.issue(session, user, course, track, lang, learner)


@bp.record_once
def _connect(state) -> None:
    track_completed.connect(_issue_on_completion, sender=state.app)
