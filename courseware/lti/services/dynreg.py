"""LTI Dynamic Registration 1.0, on pylti1p3's ``DynamicRegistration``.

An administrator makes a single-use, expiring registration URL; the LMS opens it
with ``openid_configuration`` and ``registration_token``; we fetch the platform's
configuration, check that its ``issuer`` has the origin of the URL it came from
(and that it is an LTI platform configuration with the endpoints we need), post our
client registration to its ``registration_endpoint`` and store the platform and its
deployment from the answer.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import url_for
from flask_babel import lazy_gettext as _l
from pylti1p3.dynamic_registration import DynamicRegistration
from pylti1p3.exception import LtiException
from sqlalchemy.orm import Session

from courseware.lti.models import LtiPlatform
from courseware.lti.services import store
from courseware.lti.services.launch import TimeoutSession
from courseware.lti.services.registration import (
    PlatformDetails,
    RegistrationError,
    add_deployments,
    find_platform,
    register_platform,
)

PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
]
INVITATION_SECONDS = 24 * 3600


class DynamicRegistrationError(Exception):
    """Dynamic registration failed: what went wrong, for the LMS administrator."""


def new_invitation(session: Session) -> tuple[str, int]:
    """A single-use registration token, valid for a day: (token, seconds)."""
    token = uuid.uuid4().hex
    store.put(session, f"dynreg-{token}", {"made": True}, INVITATION_SECONDS)
    return token, INVITATION_SECONDS


def use_invitation(session: Session, token: str) -> bool:
    """True once for a live invitation (a refused registration rolls it back)."""
    return bool(token) and store.take(session, f"dynreg-{token}") is not None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class CoursewareRegistration(DynamicRegistration):
    """Our client registration: our URLs, scopes and claims (no names or emails)."""

    client_name = "COP Courseware"
    description = "Child Online Protection course: tracks, modules, lessons, quizzes."

    def __init__(
        self, session: Session, configuration_url: str, token: str | None, **kw: Any
    ) -> None:
        self._db = session
        self._configuration_url = configuration_url
        self._token = token
        self._allow_http = kw.get("allow_http", False)
        self.platform: LtiPlatform | None = None

    def get_request_session(self):
        return TimeoutSession()

    def get_initiate_login_uri(self) -> str:
        return url_for("courseware_lti.login", _external=True)

    def get_jwks_uri(self) -> str:
        return url_for("courseware_lti.jwks", _external=True)

    def get_redirect_uris(self) -> list[str]:
        return [url_for("courseware_lti.launch", _external=True)]

    def get_target_link_uri(self) -> str:
        return url_for("courseware_lti.launch", _external=True)

    def get_domain(self) -> str:
        return urlsplit(url_for("courseware.home", _external=True)).netloc

    def get_logo_uri(self) -> str:
        return url_for("courseware.static", filename="img/favicon.svg", _external=True)

    def get_scopes(self) -> list[str]:
        return SCOPES

    def get_claims(self) -> list[str]:
        return ["iss", "sub"]

    def get_messages(self) -> list[dict[str, str]]:
        return [
            {
                "type": "LtiResourceLinkRequest",
                "target_link_uri": self.get_target_link_uri(),
                "label": "COP Courseware",
            },
            {
                "type": "LtiDeepLinkingRequest",
                "target_link_uri": self.get_target_link_uri(),
                "label": "COP Courseware: choose modules",
            },
        ]

    def get_openid_configuration_endpoint(self) -> str:
        return self._configuration_url

    def get_registration_token(self) -> str:
        return self._token

    def get_openid_configuration(self) -> dict[str, Any]:
        """The platform's configuration, checked before we register with it."""
        try:
            configuration = super().get_openid_configuration()
        except (requests.RequestException, ValueError, LtiException) as exc:
            raise DynamicRegistrationError(
                _l("The platform's configuration could not be read: %(e)s", e=exc)
            ) from exc
        if not isinstance(configuration, dict):
            raise DynamicRegistrationError(
                _l("The platform's configuration is not JSON.")
            )
        issuer = str(configuration.get("issuer") or "")
        if not issuer or _origin(issuer) != _origin(self._configuration_url):
            raise DynamicRegistrationError(
                _l(
                    "The configuration's issuer %(iss)s does not have the origin of "
                    "the address it was read from.",
                    iss=repr(issuer)[:200],
                )
            )
        missing = [
            name
            for name in (
                "authorization_endpoint",
                "token_endpoint",
                "jwks_uri",
                "registration_endpoint",
                PLATFORM_CONFIGURATION,
            )
            if not configuration.get(name)
        ]
        if missing:
            raise DynamicRegistrationError(
                _l(
                    "The platform's configuration lacks %(names)s.",
                    names=", ".join(missing),
                )
            )
        self.configuration = configuration
        return configuration

    def complete_registration(
        self, openid_configuration: dict, openid_registration: dict
    ) -> LtiPlatform:
        client_id = str(openid_registration.get("client_id") or "")
        tool = openid_registration.get(TOOL_CONFIGURATION) or {}
        deployment_id = str(tool.get("deployment_id") or "")
        if not client_id or not deployment_id:
            raise DynamicRegistrationError(
                _l("The platform's answer has no client_id or no deployment_id.")
            )
        issuer = str(openid_configuration["issuer"]).rstrip("/")
        platform_conf = openid_configuration.get(PLATFORM_CONFIGURATION) or {}
        details = PlatformDetails(
            issuer=issuer,
            client_id=client_id,
            auth_login_url=openid_configuration["authorization_endpoint"],
            token_url=openid_configuration["token_endpoint"],
            jwks_url=openid_configuration["jwks_uri"],
            deployment_ids=(deployment_id,),
            name=str(platform_conf.get("product_family_code") or "")[:100]
            + f" ({urlsplit(issuer).netloc})",
        )
        existing = find_platform(self._db, issuer, client_id)
        try:
            if existing is None:
                self.platform = register_platform(
                    self._db, details, allow_http=self._allow_http
                )
            else:
                add_deployments(self._db, existing, details.deployment_ids)
                self.platform = existing
        except RegistrationError as exc:
            raise DynamicRegistrationError(
                _l("The platform's details are not acceptable: %(e)s", e=exc)
            ) from exc
        return self.platform


def register(
    session: Session, configuration_url: str, token: str | None, allow_http: bool
) -> LtiPlatform:
    """Register with the platform at ``configuration_url``; the platform stored."""
    if not configuration_url or _origin(configuration_url) in ("://", ""):
        raise DynamicRegistrationError(_l("The LMS gave no openid_configuration."))
    parts = urlsplit(configuration_url)
    if parts.scheme not in (("https", "http") if allow_http else ("https",)):
        raise DynamicRegistrationError(
            _l("The openid_configuration address must be https://.")
        )
    registration = CoursewareRegistration(
        session, configuration_url, token, allow_http=allow_http
    )
    try:
        return registration.register()
    except DynamicRegistrationError:
        raise
    except (LtiException, AssertionError, requests.RequestException) as exc:
        detail = getattr(getattr(exc, "response", None), "text", "") or str(exc)
        raise DynamicRegistrationError(
            _l("The platform refused our registration: %(e)s", e=detail[:300])
        ) from exc
