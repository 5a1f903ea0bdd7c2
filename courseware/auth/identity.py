"""The identity adapter: a host application says who is signed in.

The host gives ``Courseware(app, identity=callable)`` (or ``COURSEWARE_IDENTITY =
"module:callable"``); the callable runs inside a request and returns an
:class:`Identity` or None. The person is linked to a learner record of ours through
``ExternalIdentity`` (made on first use), so progress, certificates and the
pseudonymous xAPI actor work as for our own accounts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from courseware.auth.models import ExternalIdentity, Role, User, new_token
from courseware.db import get_session, insert_ignore

#: Keys the identity adapter reads, with their defaults.
DEFAULTS: dict[str, object] = {
    "COURSEWARE_IDENTITY": None,  # "module:callable", or give identity= to Courseware
    "COURSEWARE_IDENTITY_PROVIDER": "host",  # the provider name of linked identities
    "COURSEWARE_LOGIN_URL": None,  # where our sign-in links send people (the host's)
    "COURSEWARE_ROLE_MAP": {
        "learner": "learner",
        "teacher": "teacher",
        "author": "author",
        "admin": "admin",
    },
}
#: A password hash no password matches: linked learners sign in at the host only.
NO_PASSWORD = "!external"
#: Of several mapped roles, the one that grants most wins.
_RANK = [Role.LEARNER, Role.TEACHER, Role.AUTHOR, Role.ADMIN]


@dataclass(frozen=True)
class Identity:
    """The person the host has signed in: their stable id, name and host roles."""

    id: str
    display_name: str
    roles: set[str] = field(default_factory=set)


IdentityProvider = Callable[[], Identity | None]


def resolve_provider(app: Flask, given: IdentityProvider | None) -> IdentityProvider:
    """The identity callable: ``given``, else ``COURSEWARE_IDENTITY`` imported."""
    if given is not None or not app.config["COURSEWARE_IDENTITY"]:
        return given
    name = app.config["COURSEWARE_IDENTITY"]
    if callable(name):
        return name
    module, _sep, attribute = str(name).partition(":")
    if not attribute:
        raise ValueError(f"COURSEWARE_IDENTITY must be 'module:callable', not {name!r}")
    return getattr(import_module(module), attribute)


def map_role(roles: Iterable[str], role_map: dict[str, str]) -> Role:
    """Our role for a set of host roles: the highest mapped one, else learner."""
    mapped = {Role(role_map[name]) for name in roles if name in role_map}
    return max(mapped, key=_RANK.index, default=Role.LEARNER)


def _linked(session: Session, provider: str, subject: str) -> User | None:
    return session.scalars(
        select(User)
        .join(ExternalIdentity, ExternalIdentity.user_id == User.id)
        .where(
            ExternalIdentity.provider == provider, ExternalIdentity.subject == subject
        )
    ).first()


def _new_user(session: Session, display_name: str, role: Role) -> int:
    """A learner record with an unusable password; its id."""
    name = " ".join(display_name.split())[:48] or "learner"
    for _try in range(3):  # a clash of name and random suffix: draw again
        username = f"{name}~{new_token()[:8]}"
        if insert_ignore(
            session, User, username=username, password_hash=NO_PASSWORD, role=role
        ):
            return session.scalars(
                select(User.id).where(User.username == username)
            ).one()
    raise RuntimeError("could not find a free username")  # pragma: no cover


def link_identity(
    session: Session, provider: str, person: Identity, role_map: dict[str, str]
) -> User | None:
    """The learner linked to ``person``, made on first use; None when disabled.

    Two first requests at once: the unique (provider, subject) decides which
    learner record is kept; the other request removes the one it made.
    """
    role = map_role(person.roles, role_map)
    user = _linked(session, provider, person.id)
    if user is None:
        user_id = _new_user(session, person.display_name, role)
        if not insert_ignore(
            session,
            ExternalIdentity,
            provider=provider,
            subject=person.id,
            user_id=user_id,
        ):
            session.execute(delete(User).where(User.id == user_id))
        user = _linked(session, provider, person.id)
    if user.role != role:  # the host decides roles
        user.role = role
        session.flush()
    return user if user.active else None


def current_learner() -> User | None:
    """The learner the host's identity adapter names for this request, or None."""
    if not has_request_context():
        return None
    if "_courseware_learner" not in g:
        state = current_app.extensions["courseware"]
        person = state.identity()
        g._courseware_learner = (
            link_identity(
                get_session(),
                current_app.config["COURSEWARE_IDENTITY_PROVIDER"],
                person,
                current_app.config["COURSEWARE_ROLE_MAP"],
            )
            if person is not None
            else None
        )
    return g._courseware_learner


def use_learner_as_current_user() -> None:
    """Before a courseware request in a host with its own LoginManager: our views
    see the linked learner as ``flask_login.current_user``.

    Flask-Login has no public way to set the user of one request without writing
    the host's session (``login_user``), and the host's loaders are the host's.
    ``g._login_user`` is where Flask-Login 0.6 keeps the request's user and looks
    first (``flask_login.utils._get_user``); tests/core/test_host.py fails if that
    changes.
    """
    if not (request.blueprint or "").startswith("courseware"):
        return
    if request.endpoint == "courseware.static":
        return
    learner = current_learner()
    g._login_user = learner or current_app.login_manager.anonymous_user()
