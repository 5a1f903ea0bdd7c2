"""Registered platforms: adding, changing and removing them, and the pylti1p3
tool configuration that reads them (and our keys) from the database."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from pylti1p3.deployment import Deployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config import ToolConfAbstract
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from courseware.db import insert_ignore
from courseware.lti.models import LtiDeployment, LtiPlatform
from courseware.lti.services import keys

#: Fields of a platform an administrator gives, in the order forms and the CLI ask.
URL_FIELDS = ("auth_login_url", "token_url", "jwks_url")


class RegistrationError(ValueError):
    """A platform's details are not acceptable; ``field`` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class PlatformDetails:
    """What an administrator (or dynamic registration) tells us about a platform."""

    issuer: str
    client_id: str
    auth_login_url: str
    token_url: str
    jwks_url: str
    deployment_ids: tuple[str, ...] = ()
    name: str = ""
    auth_audience: str | None = None


def check_url(field: str, value: str, *, allow_http: bool) -> str:
    """``value`` if it is an absolute http(s) URL without a fragment."""
    value = (value or "").strip()
    parts = urlsplit(value)
    schemes = ("https", "http") if allow_http else ("https",)
    if not value:
        raise RegistrationError(field, str(_l("This field is required.")))
    if parts.scheme not in schemes or not parts.netloc or parts.fragment:
        raise RegistrationError(
            field,
            str(_l("Give an absolute https:// address without a # part."))
            if not allow_http
            else str(_l("Give an absolute http(s):// address without a # part.")),
        )
    if len(value) > 500:
        raise RegistrationError(field, str(_l("At most 500 characters.")))
    return value


def _checked(details: PlatformDetails, allow_http: bool) -> PlatformDetails:
    issuer = check_url("issuer", details.issuer, allow_http=allow_http).rstrip("/")
    if len(issuer) > 255:
        raise RegistrationError("issuer", str(_l("At most 255 characters.")))
    client_id = (details.client_id or "").strip()
    if not client_id or len(client_id) > 255:
        raise RegistrationError(
            "client_id",
            str(_l("Give the client id the LMS showed (1-255 characters).")),
        )
    urls = {
        name: check_url(name, getattr(details, name), allow_http=allow_http)
        for name in URL_FIELDS
    }
    deployments = tuple(dict.fromkeys(d.strip() for d in details.deployment_ids))
    if not deployments or any(not d or len(d) > 255 for d in deployments):
        raise RegistrationError(
            "deployment_ids",
            str(_l("Give at least one deployment id (1-255 characters each).")),
        )
    audience = (details.auth_audience or "").strip() or None
    return PlatformDetails(
        issuer=issuer,
        client_id=client_id,
        deployment_ids=deployments,
        name=(details.name or "").strip()[:200],
        auth_audience=audience,
        **urls,
    )


def find_platform(session: Session, issuer: str, client_id: str) -> LtiPlatform | None:
    """The platform registered for ``issuer`` and ``client_id``."""
    return session.scalars(
        select(LtiPlatform).where(
            LtiPlatform.issuer == issuer, LtiPlatform.client_id == client_id
        )
    ).first()


def platforms(session: Session) -> list[LtiPlatform]:
    """Every registered platform, oldest first."""
    return list(session.scalars(select(LtiPlatform).order_by(LtiPlatform.id)))


def add_deployments(session: Session, platform: LtiPlatform, ids) -> None:
    """Make ``ids`` known deployments of ``platform`` (known ones are kept)."""
    for deployment_id in ids:
        insert_ignore(
            session, LtiDeployment, platform_id=platform.id, deployment_id=deployment_id
        )
    session.flush()
    session.expire(platform, ["deployments"])


def register_platform(
    session: Session, details: PlatformDetails, *, allow_http: bool = False
) -> LtiPlatform:
    """A new platform with its deployments; refused when issuer + client id exist."""
    details = _checked(details, allow_http)
    inserted = insert_ignore(
        session,
        LtiPlatform,
        issuer=details.issuer,
        client_id=details.client_id,
        name=details.name or urlsplit(details.issuer).netloc,
        auth_login_url=details.auth_login_url,
        token_url=details.token_url,
        jwks_url=details.jwks_url,
        auth_audience=details.auth_audience,
        share_given_name=False,
    )
    if not inserted:
        raise RegistrationError(
            "client_id",
            str(_l("This issuer and client id are registered already.")),
        )
    platform = find_platform(session, details.issuer, details.client_id)
    add_deployments(session, platform, details.deployment_ids)
    return platform


def update_platform(
    session: Session,
    platform: LtiPlatform,
    details: PlatformDetails,
    *,
    allow_http: bool = False,
) -> LtiPlatform:
    """Change a platform's details; its deployments become exactly the given ones."""
    details = _checked(details, allow_http)
    other = find_platform(session, details.issuer, details.client_id)
    if other is not None and other.id != platform.id:
        raise RegistrationError(
            "client_id", str(_l("This issuer and client id are registered already."))
        )
    for name in ("issuer", "client_id", "auth_audience", *URL_FIELDS):
        setattr(platform, name, getattr(details, name))
    platform.name = details.name or platform.name
    session.execute(
        delete(LtiDeployment).where(
            LtiDeployment.platform_id == platform.id,
            LtiDeployment.deployment_id.not_in(details.deployment_ids),
        )
    )
    add_deployments(session, platform, details.deployment_ids)
    return platform


def remove_platform(session: Session, platform: LtiPlatform) -> None:
    """Forget a platform: its deployments, contexts, links and launches go with it."""
    session.delete(platform)
    session.flush()


def platform_registration(session: Session, platform: LtiPlatform) -> Registration:
    """pylti1p3's ``Registration`` of ``platform`` with our current key."""
    key = keys.current_key(session)
    registration = (
        Registration()
        .set_issuer(platform.issuer)
        .set_client_id(platform.client_id)
        .set_auth_login_url(platform.auth_login_url)
        .set_auth_token_url(platform.token_url)
        .set_key_set_url(platform.jwks_url)
        .set_tool_private_key(key.private_pem)
        .set_tool_public_key(keys.public_pem(key))
    )
    if platform.auth_audience:
        registration.set_auth_audience(platform.auth_audience)
    return registration


class DatabaseToolConf(ToolConfAbstract):
    """pylti1p3's tool configuration read from our tables.

    Every issuer may have several client ids (``check_iss_has_many_clients``), so
    pylti1p3 always asks by issuer and client id. When a launch has several
    audiences, pylti1p3 takes the first; ``services.launch`` checks ``azp``.
    """

    def __init__(self, session: Session) -> None:
        self._db = session
        self.found: LtiPlatform | None = None

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss, *args, **kwargs):
        return None  # never asked: every issuer may have many clients

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        """The registration of ``iss`` and ``client_id``; without a client id (it
        is optional at login), the issuer's only registration."""
        platform = find_platform(self._db, iss or "", client_id or "")
        if platform is None and not client_id:
            found = self._db.scalars(
                select(LtiPlatform).where(LtiPlatform.issuer == (iss or "")).limit(2)
            ).all()
            platform = found[0] if len(found) == 1 else None
        self.found = platform
        return None if platform is None else platform_registration(self._db, platform)

    def find_deployment(self, iss, deployment_id):
        return None  # never asked: every issuer may have many clients

    def find_deployment_by_params(self, iss, deployment_id, client_id, *a, **kw):
        platform = find_platform(self._db, iss or "", client_id or "")
        if platform is None:
            return None
        known = self._db.scalar(
            select(LtiDeployment.id).where(
                LtiDeployment.platform_id == platform.id,
                LtiDeployment.deployment_id == deployment_id,
            )
        )
        return None if known is None else Deployment().set_deployment_id(deployment_id)
