"""Forms for signing in, registering and changing a password."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import (
    Email,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from courseware.auth.services import MIN_PASSWORD_LENGTH, USERNAME_RE, find_user
from courseware.core.forms import Form
from courseware.db import get_session

PASSWORD_LENGTH_MESSAGE = _l("Use at least %(min)d characters.")


def new_password_field(label) -> PasswordField:
    """A new password: long enough, and marked so that browsers offer to make one."""
    return PasswordField(
        label,
        validators=[
            InputRequired(),
            Length(min=MIN_PASSWORD_LENGTH, max=1024, message=PASSWORD_LENGTH_MESSAGE),
        ],
        description=_l("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
        render_kw={"autocomplete": "new-password"},
    )


def repeat_password_field(label) -> PasswordField:
    """The same password again, checked against the ``password`` field."""
    return PasswordField(
        label,
        validators=[InputRequired(), EqualTo("password", _l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class LoginForm(Form):
    """Sign in with username and password."""

    username = StringField(
        _l("Username"),
        validators=[InputRequired(), Length(max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class RegisterForm(Form):
    """Self-registration for adult learners."""

    username = StringField(
        _l("Username"),
        validators=[
            InputRequired(),
            Length(min=2, max=64, message=_l("Use 2 to 64 characters.")),
        ],
        description=_l("Letters, digits, dots, hyphens or underscores."),
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    email = EmailField(
        _l("Email (optional)"),
        validators=[
            Optional(),
            Length(max=254),
            Email(_l("Enter an email address like name@example.org.")),
        ],
        render_kw={"autocomplete": "email"},
    )
    password = new_password_field(_l("Password"))
    confirm = repeat_password_field(_l("Repeat the password"))
    submit = SubmitField(_l("Create account"))

    def validate_username(self, field) -> None:
        if not USERNAME_RE.match(field.data.strip()):
            raise ValidationError(
                _l("Use only letters, digits, dots, hyphens or underscores.")
            )
        if find_user(get_session(), field.data) is not None:
            raise ValidationError(_l("This username is taken."))


class ChangePasswordForm(Form):
    """Change one's own password."""

    current = PasswordField(
        _l("Current password"),
        validators=[InputRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    password = new_password_field(_l("New password"))
    confirm = repeat_password_field(_l("Repeat the new password"))
    submit = SubmitField(_l("Change password"))


class LogoutForm(Form):
    """Sign out (a POST, so that a link on another site cannot sign you out)."""

    submit = SubmitField(_l("Sign out"))
