"""Issuing, naming, re-issuing and revoking certificates (flush, never commit)."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app, url_for
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from courseware.auth.models import User
from courseware.certificates import signing
from courseware.certificates.models import Certificate
from courseware.content.runtime import Course
from courseware.db import insert_ignore, utcnow
from courseware.xapi import events
from courseware.xapi.outbox import record

#: No 0/O, 1/I/L: codes are read aloud and typed from paper. 12 characters: ~59 bits.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


class CertificateError(ValueError):
    """The action is refused; the message is for the user."""


def new_code() -> str:
    """A random verification code, e.g. ``K7QM-3XRT-9BHC``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(code: str) -> str:
    """Accept codes typed in lower case, without or with other separators."""
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def key_path() -> Path:
    configured = current_app.config.get("COURSEWARE_CERTIFICATE_KEY_FILE")
    return (
        Path(configured)
        if configured
        else Path(current_app.instance_path) / ("certificate-ed25519.pem")
    )


def private_key():
    """The site's signing key (created on first use; keep it, back it up)."""
    cache = current_app.extensions["courseware"].caches
    if "certificate_key" not in cache:
        cache["certificate_key"] = signing.load_or_create_key(key_path())
    return cache["certificate_key"]


def issue(
    session: Session,
    user: User,
    course: Course,
    track: dict,
    lang: str,
    learner: events.Learner | None = None,
) -> Certificate:
    """Issue the track's certificate once (called when the track is completed).

    A partial unique index keeps one standing certificate per learner and track.
    """
    existing = current_for(session, user.id, track["id"])
    if existing is not None:
        return existing
    issued = insert_ignore(
        session,
        Certificate,
        code=new_code(),
        user_id=user.id,
        track_id=track["id"],
        completed_on=utcnow().date(),
        version=course.number,
        language=lang,
    )
    certificate = current_for(session, user.id, track["id"])
    if issued and learner is not None:
        record(session, events.certificate_earned(course, learner, track), user.id)
    return certificate


def current_for(session: Session, user_id: int, track_id: str) -> Certificate | None:
    """The learner's standing certificate for a track."""
    return session.scalars(
        select(Certificate)
        .where(
            Certificate.user_id == user_id,
            Certificate.track_id == track_id,
            Certificate.revoked_at.is_(None),
        )
        .order_by(Certificate.id.desc())
    ).first()


def of_user(session: Session, user_id: int) -> list[Certificate]:
    """Every certificate of a learner, newest first (revoked ones included)."""
    return list(
        session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user_id)
            .order_by(Certificate.id.desc())
        )
    )


def by_code(session: Session, code: str) -> Certificate | None:
    """A certificate by its verification code."""
    return session.scalars(
        select(Certificate).where(Certificate.code == normalise_code(code))
    ).first()


def verification_url(certificate: Certificate) -> str:
    """The public verification URL, with the signed payload for offline checks."""
    site = str(current_app.config["COURSEWARE_SITE_URL"]).rstrip("/")
    return site + url_for(
        "courseware_certificates.verify", code=certificate.code, p=certificate.payload
    )


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not 2 <= len(name) <= 120:
        raise CertificateError(
            "Write the name as it should be printed (2 to 120 characters)."
        )
    return name


def set_name(
    session: Session, certificate: Certificate, name: str, course: Course
) -> None:
    """Print ``name`` on a certificate that has none yet, and sign it.

    Sending the same name twice (two tabs, a retry) is the same success.
    """
    clean = _clean_name(name)
    if not certificate.name:
        session.execute(
            update(Certificate)
            .where(Certificate.id == certificate.id, Certificate.name.is_(None))
            .values(name=clean)
            .execution_options(synchronize_session=False)
        )
        session.refresh(certificate)
        if certificate.name == clean and not certificate.payload:
            _sign(certificate, course)
            session.flush()
            return
    if certificate.name != clean:
        raise CertificateError("This certificate already carries a name.")


def correct_name(
    session: Session, certificate: Certificate, name: str, course: Course, who: str
) -> Certificate:
    """Re-issue with a corrected name: a new code; the old one is revoked, kept.

    The old one is revoked first, conditionally: of two corrections at once, one
    re-issues; the other gets the replacement when it asked for the same name.
    """
    clean = _clean_name(name)
    if clean == certificate.name and not certificate.revoked:
        return certificate  # the name it already carries: nothing to correct
    won = session.execute(
        update(Certificate)
        .where(Certificate.id == certificate.id, Certificate.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_by=who, revoke_reason="name correction")
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(certificate)
    if not won:
        replacement = session.scalars(
            select(Certificate).where(Certificate.replaces_id == certificate.id)
        ).first()
        if replacement is not None and replacement.name == clean:
            return replacement
        raise CertificateError("This certificate was revoked.")
    replacement = Certificate(
        code=new_code(),
        user_id=certificate.user_id,
        track_id=certificate.track_id,
        completed_on=certificate.completed_on,
        version=certificate.version,
        language=certificate.language,
        name=clean,
        replaces_id=certificate.id,
    )
    session.add(replacement)
    session.flush()
    _sign(replacement, course)
    certificate.revoke_reason = (
        f"replaced by {replacement.code} after a name correction"
    )
    session.flush()
    return replacement


def revoke(session: Session, certificate: Certificate, reason: str, who: str) -> None:
    """Revoke a certificate; the verification page and the CLI then say so."""
    reason = " ".join(reason.split())
    if not reason:
        raise CertificateError("Give a reason for the revocation.")
    if certificate.revoked:
        raise CertificateError("This certificate is already revoked.")
    certificate.revoked_at, certificate.revoked_by = utcnow(), who
    certificate.revoke_reason = reason[:500]
    session.flush()


def claims(certificate: Certificate, course: Course) -> dict:
    """What the QR payload states (enough to check the paper offline)."""
    track = course.track(certificate.track_id) or {"title": {}}
    return {
        "c": certificate.code,
        "n": certificate.name,
        "t": certificate.track_id,
        "tn": course.text(track["title"], certificate.language),
        "d": certificate.completed_on.isoformat(),
        "v": certificate.version,
        "l": certificate.language,
        "s": str(current_app.config["COURSEWARE_SITE_URL"]).rstrip("/"),
    }


def _sign(certificate: Certificate, course: Course) -> None:
    certificate.payload = signing.sign(private_key(), claims(certificate, course))
