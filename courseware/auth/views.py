"""Sign-in, sign-out, registration and password change."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import (
    current_user,
    login_required,
    login_url,
    login_user,
    logout_user,
)

from courseware.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    LogoutForm,
    RegisterForm,
)
from courseware.auth.models import User, new_token
from courseware.auth.services import (
    AccountError,
    authenticate,
    change_password,
    create_user,
)
from courseware.db import get_session, refuse
from courseware.security import is_safe_redirect, safe_next

__all__ = ["LogoutForm", "load_user"]


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: ``id:session_token``; a changed token ends the session."""
    ident, _sep, token = user_id.partition(":")
    if not ident.isdigit():
        return None
    user = get_session().get(User, int(ident))
    if user is None or user.session_token != token or not user.active:
        return None
    return user


def sign_in(user: User) -> None:
    """Sign in on a fresh session: nothing from before (a CSRF secret) carries over."""
    session.clear()
    login_user(user)


def login():
    """Show the sign-in form and sign in."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = authenticate(get_session(), form.username.data, form.password.data)
        if user is not None:
            sign_in(user)
            return redirect(safe_next(form.next.data, url_for("courseware.home")))
        form.password.errors.append(_("Wrong username or password."))
        return render_template("courseware/auth/login.html", form=form), 401
    return render_template("courseware/auth/login.html", form=form)


def host_login():
    """With the host's identity adapter: its sign-in page, coming back to ``next``."""
    target = current_app.config["COURSEWARE_LOGIN_URL"]
    if not target:
        abort(404)
    back = request.args.get("next", "")
    return redirect(login_url(target, back if is_safe_redirect(back) else None))


def logout():
    """Sign out."""
    form = LogoutForm()
    if not form.validate_on_submit():
        abort(400)
    if current_user.is_authenticated:
        # A new token ends this account's sessions: a copy of the cookie saved
        # before signing out no longer opens anything (on any device).
        current_user.session_token = new_token()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("courseware.home"))


def register():
    """Self-registration, when the site allows it."""
    if not current_app.config["COURSEWARE_ALLOW_REGISTRATION"]:
        abort(404)
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = create_user(
                get_session(),
                form.username.data,
                form.password.data,
                email=form.email.data,
            )
        except AccountError as exc:
            refuse()  # undo what the service flushed before it refused
            form.username.errors.append(str(exc))
        else:
            sign_in(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(url_for("courseware.home"))
    return render_template("courseware/auth/register.html", form=form)


@login_required
def account():
    """The learner's account page: change password (the host's, when it signs in)."""
    if current_app.extensions["courseware"].identity is not None:
        return render_template("courseware/auth/account.html", form=None)
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_password(
                get_session(), current_user, form.current.data, form.password.data
            )
        except AccountError as exc:
            refuse()  # undo what the service flushed before it refused
            form.current.errors.append(str(exc))
        else:
            # Keep this session; the new token ends the others.
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("courseware_auth.account"))
    return render_template("courseware/auth/account.html", form=form)
