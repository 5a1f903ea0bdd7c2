"""Launch validation, on pylti1p3 (the login initiation is in ``login.py``).

pylti1p3 finds the registration, fetches the platform's JWKS, verifies the
signature (PyJWT: also ``exp`` and ``iat`` when present), the nonce, the deployment
and the message claims. ``validate_launch`` runs its public steps one by one so that
each failure gets its own message, and adds the checks the spec requires that the
library lacks (on the decoded claims, never a JWT check of our own):

- ``alg`` must be RS256 (the library would look for a key of that alg and fail
  with a vague "Unable to find public key"; ``none`` and HS256 never get that far);
- ``kid`` present in the header;
- ``exp`` and ``iat`` present (PyJWT checks them only when present; ``iat`` in the
  future is refused by PyJWT with leeway 0);
- ``azp`` when ``aud`` has several audiences (must be our client id, which the
  library takes from ``aud[0]``);
- ``message_type`` one we handle, ``version`` "1.3.0", ``sub`` present, before the
  library's validators, so that each has its own message;
- the nonce single use across processes: our launch data storage *takes* it
  (``services.store``), so a replay, even at the same moment, finds it gone;
- state: the state we issued (stored server-side with the login parameters), and
  the browser's state cookie equal to it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import jwt
import requests
from flask import Request
from flask_babel import lazy_gettext as _l
from pylti1p3.contrib.flask import (
    FlaskCookieService,
    FlaskMessageLaunch,
    FlaskRequest,
)
from pylti1p3.exception import LtiException
from pylti1p3.session import SessionService
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.lti.models import LtiPlatform
from courseware.lti.services.registration import DatabaseToolConf
from courseware.lti.services.store import DatabaseLaunchDataStorage

log = logging.getLogger("courseware.lti")

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = CLAIM + "message_type"
VERSION = CLAIM + "version"
DEPLOYMENT = CLAIM + "deployment_id"
#: Messages we answer (A2's deep-linking view takes LtiDeepLinkingRequest).
MESSAGE_TYPES = ("LtiResourceLinkRequest", "LtiDeepLinkingRequest")
ALGORITHMS = ("RS256",)
#: Login parameters kept with the state (they rebuild a login in a new window).
LOGIN_PARAMS = (
    "iss",
    "login_hint",
    "target_link_uri",
    "lti_message_hint",
    "lti_deployment_id",
    "client_id",
)
#: Seconds a state, its nonce and its login parameters live.
STATE_SECONDS = 600
HTTP_TIMEOUT = 10


class LaunchRefused(Exception):
    """A login or launch we refuse: what is wrong and what the LMS admin should fix."""

    def __init__(
        self, code: str, message: str, fix: str, status: int = 400, **extra: Any
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = str(message)
        self.fix = str(fix)
        self.status = status
        self.extra = extra


class TimeoutSession(requests.Session):
    """requests has no session-wide timeout; the platform's JWKS gets one."""

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        return super().request(method, url, **kwargs)


class StateCookieService(FlaskCookieService):
    """pylti1p3's cookie service, always ``SameSite=None; Secure; Partitioned``.

    The state cookie is set and read inside the LMS's iframe (a third-party
    context): only a SameSite=None cookie survives there, and browsers accept
    Secure ones on http://localhost and 127.0.0.1 too. The library marks it so
    only over HTTPS.
    """

    def update_response(self, response):
        for key, cookie in self._cookie_data_to_set.items():
            response.set_cookie(
                key,
                str(cookie["value"]),
                max_age=cookie["exp"],
                path="/",
                secure=True,
                httponly=True,
                samesite="None",
                partitioned=True,
            )


def state_cookie_name(state: str) -> str:
    """The name of the cookie that carries ``state``."""
    return StateCookieService(None)._get_key(state)


@dataclass
class ValidatedLaunch:
    """A launch that passed every check."""

    platform: LtiPlatform
    claims: dict[str, Any]
    message_type: str
    deployment_id: str
    login_params: dict[str, Any] = field(default_factory=dict)


def services(session: Session, http_request: Request):
    lti_request = FlaskRequest(request_is_secure=http_request.is_secure)
    storage = DatabaseLaunchDataStorage(session)
    session_service = SessionService(lti_request)
    session_service.set_data_storage(storage)
    cookies = StateCookieService(lti_request)
    return lti_request, storage, session_service, cookies


def _refuse_state(session_service: SessionService, lti_request, state: str) -> dict:
    """The login parameters of ``state`` when the browser proved it owns it."""
    if not state:
        raise LaunchRefused(
            "state-missing",
            _l("The launch has no state parameter."),
            _l("The LMS must post back the state it was given at login."),
        )
    params = session_service.get_state_params(state)
    if not params:
        raise LaunchRefused(
            "state-unknown",
            _l("The launch's state was not issued by this course or has expired."),
            _l("Start the launch again from the LMS; a launch must follow its login."),
        )
    if lti_request.get_cookie(state_cookie_name(state)) != state:
        raise LaunchRefused(
            "state-cookie",
            _l(
                "Your browser did not send back the cookie of this launch: it "
                "blocks cookies in the LMS's frame."
            ),
            _l("Open the course in a new window, or allow cookies for this site."),
            status=401,
            login_params=params,
        )
    return params


def _check_header(id_token: str) -> None:
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.DecodeError as exc:
        raise LaunchRefused(
            "format",
            _l("The id_token is not a JSON Web Token."),
            _l("The LMS must post a signed id_token."),
        ) from exc
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise LaunchRefused(
            "alg",
            _l(
                "The id_token is signed with %(alg)s; only RS256 is accepted.",
                alg=repr(alg),
            ),
            _l("Configure the LMS to sign LTI messages with RS256."),
        )
    if not header.get("kid"):
        raise LaunchRefused(
            "kid-missing",
            _l("The id_token's header names no key (kid)."),
            _l("The LMS must name its signing key in the kid header."),
        )


def _check_audience(session: Session, body: dict) -> None:
    iss, aud = body.get("iss"), body.get("aud")
    if not iss:
        raise LaunchRefused(
            "iss-missing",
            _l("The id_token names no issuer (iss)."),
            _l("The LMS must send its issuer."),
        )
    audiences = aud if isinstance(aud, list) else [aud] if aud else []
    if len(audiences) > 1:
        azp = body.get("azp")
        if not azp or azp not in audiences or azp != audiences[0]:
            raise LaunchRefused(
                "azp",
                _l("The id_token has several audiences but no matching azp."),
                _l("With several audiences the LMS must send azp = our client id."),
            )
    known = session.scalars(
        select(LtiPlatform.client_id).where(LtiPlatform.issuer == iss)
    ).all()
    if not known:
        raise LaunchRefused(
            "issuer",
            _l("The issuer %(iss)s is not registered here.", iss=repr(iss)[:200]),
            _l("Register the platform with exactly the issuer its tokens carry."),
            status=403,
        )
    if not audiences or audiences[0] not in known:
        raise LaunchRefused(
            "audience",
            _l("The id_token's audience (aud) is not our client id for this issuer."),
            _l("Check the client id registered for this platform."),
            status=403,
        )


def _signature_error(exc: Exception) -> LaunchRefused:
    cause = exc.__cause__
    if isinstance(cause, jwt.ExpiredSignatureError):
        return LaunchRefused(
            "expired",
            _l("The id_token has expired (exp)."),
            _l("Check the LMS server's clock; launches must arrive within minutes."),
            status=401,
        )
    if isinstance(cause, jwt.ImmatureSignatureError):
        return LaunchRefused(
            "iat-future",
            _l("The id_token was issued in the future (iat or nbf)."),
            _l("Check the LMS server's clock."),
            status=401,
        )
    if "Unable to find public key" in str(exc) or "KID" in str(exc):
        return LaunchRefused(
            "kid-unknown",
            _l("The key named by the id_token (kid) is not in the platform's JWKS."),
            _l("Check the platform's JWKS URL registered here."),
            status=401,
        )
    if "public key URL" in str(exc) or "fetching" in str(exc):
        return LaunchRefused(
            "jwks",
            _l("The platform's JWKS could not be fetched."),
            _l("Check the platform's JWKS URL registered here."),
            status=400,
        )
    return LaunchRefused(
        "signature",
        _l(
            "The id_token's signature does not verify with the platform's key "
            "(it was changed after signing, or signed with another key)."
        ),
        _l("Check the platform's JWKS URL and that the LMS signs with that key."),
        status=401,
    )


def _check_claims(body: dict) -> str:
    for claim in ("exp", "iat"):
        if not isinstance(body.get(claim), int | float):
            raise LaunchRefused(
                f"{claim}-missing",
                _l("The id_token has no %(claim)s claim.", claim=claim),
                _l("The LMS must send exp and iat."),
            )
    message_type = body.get(MESSAGE_TYPE)
    if not message_type:
        raise LaunchRefused(
            "message-type-missing",
            _l("The id_token has no message_type claim."),
            _l("The LMS must send an LTI message type."),
        )
    if message_type not in MESSAGE_TYPES:
        raise LaunchRefused(
            "message-type",
            _l(
                "The message type %(type)s is not one this tool handles.",
                type=repr(message_type)[:80],
            ),
            _l("Use a resource link or a deep-linking placement."),
        )
    if body.get(VERSION) != "1.3.0":
        raise LaunchRefused(
            "version",
            _l("The LTI version must be 1.3.0."),
            _l("Use an LTI 1.3 registration of this tool."),
        )
    if not body.get("sub"):
        raise LaunchRefused(
            "sub-missing",
            _l("The id_token names no user (sub)."),
            _l("Anonymous launches are not supported: the LMS must send sub."),
        )
    return message_type


def validate_launch(session: Session, http_request: Request) -> ValidatedLaunch:
    """Every check of an LTI launch; ``LaunchRefused`` on the first failure."""
    lti_request, _storage, session_service, cookies = services(session, http_request)
    id_token = lti_request.get_param("id_token")
    if not id_token:
        raise LaunchRefused(
            "id-token-missing",
            _l("The launch has no id_token."),
            _l("The LMS must post an id_token and a state."),
        )
    params = _refuse_state(session_service, lti_request, lti_request.get_param("state"))
    conf = DatabaseToolConf(session)
    launch = FlaskMessageLaunch(
        lti_request,
        conf,
        session_service=session_service,
        cookie_service=cookies,
        requests_session=TimeoutSession(),
    )
    launch.set_auto_validation(enable=False)
    launch.set_launch_data_lifetime(STATE_SECONDS)
    try:
        launch.validate_state().validate_jwt_format()
    except LtiException as exc:
        raise LaunchRefused(
            "format",
            _l("The id_token is not a JSON Web Token."),
            _l("The LMS must post a signed id_token."),
        ) from exc
    _check_header(id_token)
    body = launch.get_launch_data()
    _check_audience(session, body)
    try:
        launch.validate_registration()
    except LtiException as exc:  # pragma: no cover - _check_audience said why
        raise LaunchRefused("audience", str(exc), "") from exc
    try:
        launch.validate_jwt_signature()
    except LtiException as exc:
        raise _signature_error(exc) from exc
    message_type = _check_claims(body)
    try:
        launch.validate_nonce()
    except LtiException as exc:
        raise LaunchRefused(
            "nonce",
            _l(
                "The launch's nonce was used already or was never issued here "
                "(a replayed launch)."
            ),
            _l("Start the launch again from the LMS; each launch can be used once."),
            status=401,
        ) from exc
    try:
        launch.validate_deployment()
    except LtiException as exc:
        raise LaunchRefused(
            "deployment",
            _l(
                "The deployment %(id)s is not registered for this platform.",
                id=repr(body.get(DEPLOYMENT))[:120],
            ),
            _l("Add this deployment id to the platform on the course's LTI page."),
            status=403,
        ) from exc
    try:
        launch.validate_message()
    except LtiException as exc:
        raise LaunchRefused(
            "message",
            _l("The launch message is incomplete: %(what)s", what=str(exc)),
            _l("The LMS must send the required claims of this message type."),
        ) from exc
    launch.save_launch_data()
    return ValidatedLaunch(
        platform=conf.found,
        claims=dict(body),
        message_type=message_type,
        deployment_id=body[DEPLOYMENT],
        login_params=params,
    )
