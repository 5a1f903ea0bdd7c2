"""Registration: the administrators' page /admin/lti, and the dynamic registration
URL an LMS opens."""

from __future__ import annotations

import logging

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from courseware.auth.models import Role
from courseware.core.once import already_done, remember
from courseware.db import get_session, refuse
from courseware.lti.forms import (
    EditPlatformForm,
    InviteForm,
    NewPlatformForm,
    RemovePlatformForm,
)
from courseware.lti.models import LtiPlatform
from courseware.lti.services import dynreg
from courseware.lti.services.registration import (
    PlatformDetails,
    RegistrationError,
    platforms,
    register_platform,
    remove_platform,
    update_platform,
)

log = logging.getLogger("courseware.lti")


def allow_http() -> bool:
    """Plain http:// platform URLs: in development and tests only."""
    app = current_app
    return bool(app.config.get("COURSEWARE_LTI_ALLOW_HTTP") or app.debug or app.testing)


def tool_urls() -> list[tuple[str, str]]:
    """The addresses an LMS administrator copies from us."""
    launch = url_for("courseware_lti.launch", _external=True)
    return [
        (
            _("Login initiation URL (OIDC)"),
            url_for("courseware_lti.login", _external=True),
        ),
        (_("Launch URL / redirect URI"), launch),
        (_("Deep linking URL"), launch),
        (_("Public keyset URL (JWKS)"), url_for("courseware_lti.jwks", _external=True)),
    ]


def _require_admin() -> None:
    if not current_user.has_role(Role.ADMIN):
        abort(403)


def _details(form) -> PlatformDetails:
    return PlatformDetails(
        issuer=form.issuer.data or "",
        client_id=form.client_id.data or "",
        auth_login_url=form.auth_login_url.data or "",
        token_url=form.token_url.data or "",
        jwks_url=form.jwks_url.data or "",
        deployment_ids=form.deployment_list(),
        name=form.name.data or "",
        auth_audience=form.auth_audience.data or None,
    )


def _field_error(form, error: RegistrationError) -> None:
    refuse()
    getattr(form, error.field).errors = [error.message]


@login_required
def admin():
    """Registered platforms, our URLs, and single-use registration URLs."""
    _require_admin()
    session = get_session()
    invite = InviteForm()
    if invite.validate_on_submit():
        done = already_done(invite)
        if done is not None:
            return done
        token, seconds = dynreg.new_invitation(session)
        url = url_for(
            "courseware_lti.dynamic_registration", token=token, _external=True
        )
        flash(
            _(
                "Registration URL (single use, valid %(hours)d hours): %(url)s",
                hours=seconds // 3600,
                url=url,
            ),
            "success",
        )
        return remember(invite, redirect(url_for("courseware_lti.admin")))
    return render_template(
        "courseware/lti/admin.html",
        platforms=platforms(session),
        urls=tool_urls(),
        invite=invite,
        remove=RemovePlatformForm(),
        scores_url=_scores_url(),
    )


def _scores_url() -> str | None:
    try:
        return url_for("courseware_lti.scores_admin")
    except Exception:  # noqa: BLE001 - the grades page is another helper's
        return None


@login_required
def new_platform():
    """Register a platform by hand."""
    _require_admin()
    form = NewPlatformForm()
    if form.validate_on_submit():
        done = already_done(form)
        if done is not None:
            return done
        try:
            platform = register_platform(
                get_session(), _details(form), allow_http=allow_http()
            )
        except RegistrationError as error:
            _field_error(form, error)
        else:
            platform.share_given_name = bool(form.share_given_name.data)
            platform.name = form.name.data or platform.name
            flash(_("Platform %(name)s registered.", name=platform.name), "success")
            return remember(form, redirect(url_for("courseware_lti.admin")))
    return render_template(
        "courseware/lti/platform_form.html", form=form, platform=None, urls=tool_urls()
    ), (400 if form.errors else 200)


@login_required
def edit_platform(platform_id: int):
    """Change a platform's registration."""
    _require_admin()
    session = get_session()
    platform = session.get(LtiPlatform, platform_id) or abort(404)
    form = EditPlatformForm(
        obj=platform,
        deployment_ids="\n".join(d.deployment_id for d in platform.deployments),
    )
    if form.validate_on_submit():
        try:
            update_platform(session, platform, _details(form), allow_http=allow_http())
        except RegistrationError as error:
            _field_error(form, error)
        else:
            platform.share_given_name = bool(form.share_given_name.data)
            flash(_("Platform %(name)s saved.", name=platform.name), "success")
            return redirect(url_for("courseware_lti.admin"))
    return render_template(
        "courseware/lti/platform_form.html",
        form=form,
        platform=platform,
        urls=tool_urls(),
    ), (400 if form.errors else 200)


@login_required
def remove(platform_id: int):
    """Forget a platform."""
    _require_admin()
    session = get_session()
    platform = session.get(LtiPlatform, platform_id) or abort(404)
    form = RemovePlatformForm()
    if not form.validate_on_submit():
        abort(400)
    name = platform.name
    remove_platform(session, platform)
    log.info("LTI platform %s (%s) removed", platform_id, name)
    flash(_("Platform %(name)s removed.", name=name), "success")
    return redirect(url_for("courseware_lti.admin"))


def dynamic_registration(token: str):
    """The URL an LMS administrator pasted: register with that LMS, once."""
    session = get_session()
    error = None
    if not dynreg.use_invitation(session, token):
        error = _(
            "This registration URL was used already or has expired. Make a new one "
            "on the course's LTI page."
        )
        status = 410
    else:
        try:
            platform = dynreg.register(
                session,
                request.args.get("openid_configuration", ""),
                request.args.get("registration_token") or None,
                allow_http(),
            )
        except dynreg.DynamicRegistrationError as exc:
            error, status = str(exc.args[0]), 400
    if error:
        refuse()
        log.warning("LTI dynamic registration refused: %s", error)
        return render_template(
            "courseware/lti/registered.html", error=error, platform=None
        ), status
    log.info(
        "LTI platform %s registered dynamically (%s)", platform.id, platform.issuer
    )
    return render_template(
        "courseware/lti/registered.html", error=None, platform=platform
    )


#: (rule, endpoint, view, methods) registered by ``courseware/lti/blueprint.py``.
RULES: list[tuple] = [
    ("/admin/lti", "admin", admin, ["GET", "POST"]),
    ("/admin/lti/platforms/new", "new_platform", new_platform, ["GET", "POST"]),
    (
        "/admin/lti/platforms/<int:platform_id>",
        "edit_platform",
        edit_platform,
        ["GET", "POST"],
    ),
    (
        "/admin/lti/platforms/<int:platform_id>/remove",
        "remove_platform",
        remove,
        ["POST"],
    ),
    (
        "/lti/register/<token>",
        "dynamic_registration",
        dynamic_registration,
        ["GET"],
    ),
]
