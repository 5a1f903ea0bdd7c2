"""The LTI blueprint: /lti/... for platforms (LMSs), /admin/lti for administrators."""

from __future__ import annotations

from flask import Blueprint, g, request, session

from courseware.lti.views import admin, deeplink, launch, roster, scores
from courseware.security import CONTENT_SECURITY_POLICY
from courseware.xapi.outbox import REQUEST_EXTENSIONS
from courseware.xapi.vocabulary import extension

bp = Blueprint("courseware_lti", __name__)
for module in (launch, admin, deeplink, roster, scores):
    for rule, endpoint, view, methods in module.RULES:
        bp.add_url_rule(rule, endpoint, view, methods=methods)
# A2's receivers (scores, rosters): connected per application.
bp.record_once(scores.connect)

#: Our pages an LMS shows in its frame before a session exists (no state-changing
#: buttons on them): any site may frame them.
FRAMED_ANYWHERE = {"login", "launch", "start", "dynamic_registration"}


@bp.record_once
def _setup(state) -> None:
    app = state.app
    # A cross-site form post from the LMS: the OIDC state is its CSRF protection.
    app.extensions["csrf"].exempt(launch.launch)
    app.extensions["csrf"].exempt(launch.login)


@bp.before_app_request
def _lti_context_for_xapi() -> None:
    """Statements recorded during an LTI session carry the LMS context."""
    context = session.get(launch.SESSION_CONTEXT) if session else None
    if context:
        g.setdefault(REQUEST_EXTENSIONS, {})[extension("lti-context")] = context


@bp.after_app_request
def _frame_ancestors(response):
    """The LMS may frame us: our launch pages always, other pages during an LTI
    session (its platform's origins only). The rest keeps frame-ancestors 'self'."""
    endpoint = request.endpoint or ""
    if endpoint.startswith("courseware_lti.") and (
        endpoint.split(".", 1)[1] in FRAMED_ANYWHERE
    ):
        ancestors = "*"
    elif session.get(launch.SESSION_FRAMES):
        ancestors = " ".join(["'self'", *session[launch.SESSION_FRAMES]])
    else:
        return response
    policy = response.headers.get("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["Content-Security-Policy"] = policy.replace(
        "frame-ancestors 'self'", f"frame-ancestors {ancestors}"
    )
    response.headers.pop("X-Frame-Options", None)
    return response


@bp.app_context_processor
def _lti_links():
    # courseware/teach/_macros.html links an LMS-made class to its roster page.
    return {"lti_roster_url": roster.roster_url}
