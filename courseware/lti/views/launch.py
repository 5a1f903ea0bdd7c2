"""The platform's side of us: OIDC login initiation, the launch, the first-party
way in (launch tickets) and our JWKS."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import jwt
from flask import (
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user
from sqlalchemy import select

from courseware.auth.models import User
from courseware.db import get_session, refuse
from courseware.lti.models import LtiLaunch, LtiResourceLink
from courseware.lti.services import entry, keys
from courseware.lti.services.launch import LaunchRefused, validate_launch
from courseware.lti.services.login import login_redirect
from courseware.lti.signals import launched

log = logging.getLogger("courseware.lti")

#: Keys of the Flask session during an LTI session.
SESSION_LAUNCH = "lti_launch"
SESSION_CONTEXT = "lti_context"
SESSION_FRAMES = "lti_frame_origins"
#: Set when the LTI session began in the LMS's cross-site frame: its cookie is
#: then ``SameSite=None; Secure; Partitioned`` (see courseware/security.py).
SESSION_PARTITIONED = "_partitioned"


def refused(error: LaunchRefused):
    """The error page of a refused login or launch (and a log line)."""
    refuse()
    log.warning(
        "LTI %s refused (%s): %s [iss=%s]",
        request.endpoint.rsplit(".", 1)[-1],
        error.code,
        error.message,
        _issuer_named(),
    )
    new_window = None
    params = error.extra.get("login_params")
    if params:
        new_window = (
            url_for("courseware_lti.login")
            + "?"
            + urlencode({**params, "lti1p3_new_window": "1"})
        )
    return render_template(
        "courseware/lti/refused.html", error=error, new_window=new_window
    ), error.status


def _issuer_named() -> str:
    """The issuer the request names (for the log; not trusted for anything)."""
    issuer = request.values.get("iss")
    if not issuer and request.form.get("id_token"):
        try:
            claims = jwt.decode(
                request.form["id_token"], options={"verify_signature": False}
            )
            issuer = claims.get("iss") if isinstance(claims, dict) else None
        except jwt.InvalidTokenError:
            issuer = None
    return str(issuer or "-")[:200]


def login():
    """OIDC third-party login initiation (GET or POST from the platform)."""
    try:
        return login_redirect(get_session(), request)
    except LaunchRefused as error:
        return refused(error)


def _target(db, valid) -> str | None:
    """Where a resource-link launch leads; LaunchRefused when not in the course."""
    target = entry.parse_target(valid.claims)
    if target is None:
        link_id = (valid.claims.get(entry.RESOURCE_LINK) or {}).get("id")
        target = db.scalar(
            select(LtiResourceLink.target).where(
                LtiResourceLink.platform_id == valid.platform.id,
                LtiResourceLink.resource_link_id == str(link_id or ""),
            )
        )
    url = entry.target_url(target)
    if url is None:
        raise LaunchRefused(
            "target",
            _("The link's target %(target)s is not in the course.", target=target),
            _(
                "Edit the link in the LMS: its custom parameter courseware_target "
                "must name a track, module, lesson or quiz of the published course."
            ),
            status=404,
        )
    return url


def _sign_in(user: User, launch: LtiLaunch) -> None:
    login_user(user)
    session[SESSION_LAUNCH] = launch.id
    session[SESSION_CONTEXT] = entry.lti_context(launch)
    session[SESSION_FRAMES] = entry.frame_origins(launch)
    # In the LMS's cross-site frame a SameSite=Lax cookie is neither kept nor
    # sent: the session cookie must be a partitioned SameSite=None one there.
    session[SESSION_PARTITIONED] = (
        request.headers.get("Sec-Fetch-Dest") == "iframe"
        and request.headers.get("Sec-Fetch-Site") == "cross-site"
    )


def launch():
    """The launch (the OIDC redirect URI): validate, link, sign in, go on."""
    db = get_session()
    try:
        valid = validate_launch(db, request)
        if valid.message_type == "LtiResourceLinkRequest":
            _target(db, valid)  # refused before anything is made
        row, user, group = entry.record_launch(db, valid)
        if row is None:
            raise LaunchRefused(
                "account",
                _("The account linked to this LMS user is disabled here."),
                _("Ask the course's administrator to enable the account."),
                status=403,
            )
    except LaunchRefused as error:
        return refused(error)
    _sign_in(user, row)
    launched.send(
        current_app._get_current_object(),
        session=db,
        user=user,
        launch=row,
        claims=valid.claims,
    )
    log.info(
        "LTI launch %s: platform %s, user %s, %s",
        row.id,
        valid.platform.id,
        user.id,
        valid.message_type,
    )
    # Both messages go through the ticket: when the browser keeps our cookie out of
    # the LMS's frame, the teacher's picker opens in a new window as the course does.
    ticket = entry.new_ticket(db, row)
    return redirect(url_for("courseware_lti.start", ticket=ticket), 303)


def _ticket_gone() -> LaunchRefused:
    return LaunchRefused(
        "ticket",
        _("This link was used already or has expired."),
        _("Open the course again from the LMS."),
        status=410,
    )


def start():
    """After a launch: go on when our session came back, else offer a new window
    whose single-use ticket signs the learner in first-party."""
    db = get_session()
    token = request.args.get("ticket", "")
    row = entry.peek_ticket(db, token)
    if row is None:
        return refused(_ticket_gone())
    ours = (
        current_user.is_authenticated
        and current_user.id == row.user_id
        and session.get(SESSION_LAUNCH) == row.id
    )
    if not ours and not request.args.get("new"):
        return render_template(
            "courseware/lti/new_window.html",
            link=url_for("courseware_lti.start", ticket=token, new="1"),
        )
    if entry.use_ticket(db, token) is None:  # the other tab was first
        return refused(_ticket_gone())
    user = db.get(User, row.user_id)
    if not ours:
        if user is None or not user.active:
            return refused(
                LaunchRefused(
                    "account",
                    _("The account linked to this LMS user is disabled here."),
                    _("Ask the course's administrator to enable the account."),
                    status=403,
                )
            )
        _sign_in(user, row)
    if row.message_type == "LtiDeepLinkingRequest":
        return redirect(url_for("courseware_lti.deep_link", launch_id=row.id), 303)
    url = entry.launch_target(row)
    if url is None:
        return refused(
            LaunchRefused(
                "target",
                _("The link's target is no longer in the course."),
                _("Edit the link in the LMS to name a published module."),
                status=404,
            )
        )
    return redirect(url, 303)


def jwks():
    """Our public keys (current and recently retired)."""
    response = jsonify(keys.jwks(get_session()))
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


#: (rule, endpoint, view, methods) registered by ``courseware/lti/blueprint.py``.
RULES: list[tuple] = [
    ("/lti/login", "login", login, ["GET", "POST"]),
    ("/lti/launch", "launch", launch, ["POST"]),
    ("/lti/start", "start", start, ["GET"]),
    ("/lti/jwks", "jwks", jwks, ["GET"]),
]
