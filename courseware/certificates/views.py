"""Certificates: the learner's own pages, the PDF, public verification, revocation."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from courseware.auth.models import Role
from courseware.certificates import services, signing
from courseware.certificates.forms import NameForm, RevokeForm
from courseware.certificates.organisers import organises_learner
from courseware.certificates.pdf import render
from courseware.content.runtime import active_course
from courseware.core.requests import require_course
from courseware.db import get_session, refuse


def _own(code: str):
    certificate = services.by_code(get_session(), code)
    if certificate is None or certificate.user_id != current_user.id:
        abort(404)
    return certificate


@login_required
def mine():
    """The learner's certificates."""
    course = require_course()
    return render_template(
        "courseware/certificates/mine.html",
        course=course,
        certificates=services.of_user(get_session(), current_user.id),
    )


@login_required
def detail(code: str):
    """Choose the printed name (once), then download; or ask for a correction."""
    course = require_course()
    certificate = _own(code)
    form = NameForm()
    if form.validate_on_submit():
        session = get_session()
        try:
            if certificate.name and certificate.name != " ".join(
                form.name.data.split()
            ):
                certificate = services.correct_name(
                    session, certificate, form.name.data, course, current_user.username
                )
                flash(
                    _(
                        "A corrected certificate was issued with a new code. The old "
                        "one now shows as replaced."
                    ),
                    "success",
                )
            elif not certificate.name:
                services.set_name(session, certificate, form.name.data, course)
        except services.CertificateError as exc:
            refuse()  # undo what the service flushed before it refused
            form.name.errors.append(str(exc))
        else:
            return redirect(
                url_for("courseware_certificates.detail", code=certificate.code)
            )
    return render_template(
        "courseware/certificates/detail.html",
        course=course,
        certificate=certificate,
        form=form,
        url=services.verification_url(certificate) if certificate.payload else None,
    )


@login_required
def pdf(code: str):
    """The signed certificate as a PDF."""
    certificate = _own(code)
    if not certificate.payload:
        return redirect(url_for("courseware_certificates.detail", code=code))
    course = active_course() or abort(404)
    data = render(certificate, course, services.verification_url(certificate))
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": (
                f'attachment; filename="certificate-{certificate.code}.pdf"'
            ),
            "Cache-Control": "private, no-store",
        },
    )


def verify(code: str):
    """Public: is this certificate genuine and standing? Nothing beyond that."""
    certificate = services.by_code(get_session(), code)
    if certificate is None or not certificate.payload:
        return render_template(
            "courseware/certificates/verify.html", certificate=None, code=code
        ), 404
    course = active_course()
    track = course.track(certificate.track_id) if course else None
    return render_template(
        "courseware/certificates/verify.html",
        certificate=certificate,
        course=course,
        track=track,
        code=certificate.code,
    )


def public_key():
    """The Ed25519 public key that checks every certificate's QR payload."""
    return Response(signing.public_pem(services.private_key()), mimetype="text/plain")


def _may_revoke(certificate) -> bool:
    if current_user.has_role(Role.ADMIN):
        return True
    return organises_learner(get_session(), current_user.id, certificate.user_id)


@login_required
def revoke(code: str):
    """An administrator or the learner's cohort organiser revokes a certificate."""
    certificate = services.by_code(get_session(), code)
    if certificate is None or not _may_revoke(certificate):
        abort(404)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            services.revoke(
                get_session(), certificate, form.reason.data, current_user.username
            )
        except services.CertificateError as exc:
            refuse()  # undo what the service flushed before it refused
            form.reason.errors.append(str(exc))
        else:
            flash(_("The certificate is revoked."), "success")
            return redirect(url_for("courseware_certificates.verify", code=code))
    return render_template(
        "courseware/certificates/revoke.html", certificate=certificate, form=form
    )
