"""LTI tables of the tool core: platforms, deployments, our keys, the launch store,
LMS contexts and resource links, and validated launches."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courseware.db import Base, UTCDateTime, utcnow

__all__ = [
    "LtiContext",
    "LtiDeployment",
    "LtiKey",
    "LtiLaunch",
    "LtiPlatform",
    "LtiResourceLink",
    "LtiStoredValue",
]


class LtiPlatform(Base):
    """An LMS registered with us: one issuer and one client id we were given."""

    __tablename__ = "courseware_lti_platform"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(200), default="")
    auth_login_url: Mapped[str] = mapped_column(String(500))
    token_url: Mapped[str] = mapped_column(String(500))
    jwks_url: Mapped[str] = mapped_column(String(500))
    #: ``aud`` of our client assertions when the token endpoint wants another one.
    auth_audience: Mapped[str | None] = mapped_column(String(500))
    #: Learners may be shown by their given name (default: "LMS learner 1234").
    share_given_name: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    deployments: Mapped[list[LtiDeployment]] = relationship(
        back_populates="platform",
        cascade="all, delete-orphan",
        order_by="LtiDeployment.id",
        passive_deletes=True,
    )


class LtiDeployment(Base):
    """A deployment of our tool in a platform (a site-wide or a course install)."""

    __tablename__ = "courseware_lti_deployment"
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_lti_platform.id", ondelete="CASCADE"), index=True
    )
    deployment_id: Mapped[str] = mapped_column(String(255))

    platform: Mapped[LtiPlatform] = relationship(back_populates="deployments")


class LtiKey(Base):
    """One of our RSA signing keys; the current one has no ``retired_at``."""

    __tablename__ = "courseware_lti_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    private_pem: Mapped[str] = mapped_column(Text)
    #: The public JWK (JSON text) served at /lti/jwks.
    public_jwk: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LtiStoredValue(Base):
    """pylti1p3's launch data storage shared by every process: OIDC nonces and
    states, launch data, launch tickets and dynamic registration invitations.

    A value is taken once with a conditional DELETE (``services.store.take``).
    """

    __tablename__ = "courseware_lti_store"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class LtiContext(Base):
    """An LMS course (context) seen in a launch, and the class made for it here."""

    __tablename__ = "courseware_lti_context"
    __table_args__ = (UniqueConstraint("platform_id", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_lti_platform.id", ondelete="CASCADE"), index=True
    )
    context_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255), default="")
    #: The teach ``Group`` of this LMS course (made on a teacher's first launch).
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("courseware_group.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LtiResourceLink(Base):
    """A link to us placed in an LMS course, and where it leads.

    ``target``: ``track:<id>``, ``module:<id>``, ``lesson:<module>/<lesson>`` or
    ``quiz:<id>`` (None: the catalogue).
    """

    __tablename__ = "courseware_lti_resource_link"
    __table_args__ = (UniqueConstraint("platform_id", "resource_link_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_lti_platform.id", ondelete="CASCADE"), index=True
    )
    context_pk: Mapped[int | None] = mapped_column(
        ForeignKey("courseware_lti_context.id", ondelete="CASCADE"), index=True
    )
    resource_link_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255), default="")
    target: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(16))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LtiLaunch(Base):
    """A validated launch: who came from which platform, context and link."""

    __tablename__ = "courseware_lti_launch"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_lti_platform.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_user.id", ondelete="CASCADE"), index=True
    )
    context_pk: Mapped[int | None] = mapped_column(
        ForeignKey("courseware_lti_context.id", ondelete="CASCADE"), index=True
    )
    resource_link_pk: Mapped[int | None] = mapped_column(
        ForeignKey("courseware_lti_resource_link.id", ondelete="CASCADE"), index=True
    )
    message_type: Mapped[str] = mapped_column(String(64))
    #: The validated id_token claims (JSON text); names and emails removed.
    claims: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    platform: Mapped[LtiPlatform] = relationship()
    context: Mapped[LtiContext | None] = relationship()
    resource_link: Mapped[LtiResourceLink | None] = relationship()
