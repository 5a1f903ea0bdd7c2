"""Forms of the lti feature: a platform's registration, removal, invitations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from courseware.core.forms import Form
from courseware.core.once import OnceForm


class _PlatformFields:
    name = StringField(_l("Name shown here"), validators=[Optional(), Length(max=200)])
    issuer = StringField(
        _l("Issuer (iss)"), validators=[DataRequired(), Length(max=255)]
    )
    client_id = StringField(
        _l("Client id"), validators=[DataRequired(), Length(max=255)]
    )
    deployment_ids = TextAreaField(
        _l("Deployment ids (one a line)"), validators=[DataRequired()]
    )
    auth_login_url = StringField(
        _l("Authentication request URL (auth login URL)"),
        validators=[DataRequired(), Length(max=500)],
    )
    token_url = StringField(
        _l("Access token URL"), validators=[DataRequired(), Length(max=500)]
    )
    jwks_url = StringField(
        _l("Public keyset URL (JWKS)"), validators=[DataRequired(), Length(max=500)]
    )
    auth_audience = StringField(
        _l("Token audience, if the LMS wants another one (optional)"),
        validators=[Optional(), Length(max=500)],
    )
    share_given_name = BooleanField(
        _l("Show learners by their given name (otherwise: LMS learner 1234)")
    )

    def deployment_list(self) -> tuple[str, ...]:
        """The deployment ids typed, one a line (commas also separate)."""
        text = (self.deployment_ids.data or "").replace(",", "\n")
        return tuple(line.strip() for line in text.splitlines() if line.strip())


class NewPlatformForm(_PlatformFields, OnceForm):
    """Register a platform by hand."""


class EditPlatformForm(_PlatformFields, Form):
    """Change a platform's registration."""


class RemovePlatformForm(Form):
    """Forget a platform (its contexts, links and launches go too)."""


class InviteForm(OnceForm):
    """Make a single-use dynamic registration URL."""
