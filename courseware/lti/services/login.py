"""OIDC third-party login initiation: the first step of every launch.

pylti1p3's ``OIDCLogin`` finds the registration, sets the state cookie, stores the
nonce and builds the redirect to the platform's authorisation endpoint; the login
parameters are stored with the state (``pass_params_to_launch``) so that a launch
whose cookie was blocked can start again in a new window.
"""

from __future__ import annotations

import secrets

from flask import Request, url_for
from flask_babel import lazy_gettext as _l
from pylti1p3.contrib.flask import FlaskOIDCLogin
from pylti1p3.exception import LtiException
from sqlalchemy.orm import Session

from courseware.lti.services import store
from courseware.lti.services.launch import (
    LOGIN_PARAMS,
    STATE_SECONDS,
    LaunchRefused,
    services,
)
from courseware.lti.services.registration import DatabaseToolConf


def login_redirect(session: Session, http_request: Request):
    """The answer to an OIDC third-party login initiation: a redirect to the
    platform's authorisation endpoint, with a state cookie and a stored nonce."""
    lti_request, storage, session_service, cookies = services(session, http_request)
    params = {name: lti_request.get_param(name) for name in LOGIN_PARAMS}
    conf = DatabaseToolConf(session)
    if not params["iss"]:
        raise LaunchRefused(
            "login-iss",
            _l("The login request names no issuer (iss)."),
            _l("Start the launch from the LMS; it must send iss and login_hint."),
        )
    if not params["login_hint"]:
        raise LaunchRefused(
            "login-hint",
            _l("The login request has no login_hint."),
            _l("Start the launch from the LMS; it must send iss and login_hint."),
        )
    if conf.find_registration_by_params(params["iss"], params["client_id"]) is None:
        raise LaunchRefused(
            "login-unknown",
            _l("No platform is registered with this issuer and client id."),
            _l(
                "Register the platform on the course's LTI page (or by dynamic "
                "registration) with exactly the issuer and client id the LMS uses."
            ),
            status=403,
        )
    params["client_id"] = conf.found.client_id
    target = params["target_link_uri"] or ""
    if target and not target.startswith(http_request.host_url):
        raise LaunchRefused(
            "login-target",
            _l("The target_link_uri is not an address of this course."),
            _l("Set the tool's target link URI to an address of this site."),
        )
    oidc = FlaskOIDCLogin(
        lti_request,
        conf,
        session_service=session_service,
        cookie_service=cookies,
        launch_data_storage=storage,
    )
    oidc.set_launch_data_lifetime(STATE_SECONDS)
    if secrets.randbelow(50) == 0:  # now and then, forget states long expired
        store.purge(session)
    oidc.pass_params_to_launch({k: v for k, v in params.items() if v})
    try:
        return oidc.redirect(url_for("courseware_lti.launch", _external=True))
    except LtiException as exc:  # pragma: no cover - checked above
        raise LaunchRefused(
            "login", _l("The login request was refused."), str(exc)
        ) from exc
