"""The user account."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    Enum,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from courseware.db import Base, UTCDateTime, utcnow


class Role(enum.StrEnum):
    """What an account may do; each role includes the learner's rights."""

    LEARNER = "learner"
    TEACHER = "teacher"
    AUTHOR = "author"
    ADMIN = "admin"


def new_token() -> str:
    """A random 32-character hex token."""
    return uuid.uuid4().hex


class User(UserMixin, Base):
    """An account. Email is optional: children never need one."""

    __tablename__ = "courseware_user"
    __table_args__ = (
        Index(
            "uq_courseware_user_username_lower", text("lower(username)"), unique=True
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(
            Role,
            name="courseware_role",
            values_callable=lambda e: [m.value for m in e],
            native_enum=False,
            length=16,
        ),
        default=Role.LEARNER,
    )
    email: Mapped[str | None] = mapped_column(String(254))
    locale: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Opaque, stable id used as the xAPI actor's account name: never the username.
    pseudonym: Mapped[str] = mapped_column(String(32), unique=True, default=new_token)
    #: Bumped on password change so that other sessions of this account end.
    session_token: Mapped[str] = mapped_column(String(32), default=new_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def has_role(self, *roles: Role) -> bool:
        """True for an administrator or any of ``roles``."""
        return self.role == Role.ADMIN or self.role in roles


class ExternalIdentity(Base):
    """A person signed in elsewhere (the host app, later an LTI platform), linked to
    the learner record made for them here on first use."""

    __tablename__ = "courseware_external_identity"
    __table_args__ = (UniqueConstraint("provider", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Who vouches for the person: ``host`` (or the configured name), an LTI issuer.
    provider: Mapped[str] = mapped_column(String(255))
    #: The person's id at that provider; never shown, never sent to the LRS.
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_user.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
