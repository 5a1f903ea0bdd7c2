"""Forms for naming, correcting and revoking certificates."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from courseware.core.forms import Form


class NameForm(Form):
    """The name to print: the only place the course asks for a real name."""

    name = StringField(
        _l("Your name as it should be printed"),
        validators=[
            InputRequired(),
            Length(min=2, max=120, message=_l("Use 2 to 120 characters.")),
        ],
        description=_l(
            "Only this certificate shows it. It is not sent to anyone else."
        ),
        render_kw={"autocomplete": "name"},
    )
    submit = SubmitField(_l("Print my certificate"))


class RevokeForm(Form):
    """An administrator or the cohort's organiser revokes, with a reason."""

    reason = TextAreaField(_l("Reason"), validators=[InputRequired(), Length(max=500)])
    submit = SubmitField(_l("Revoke this certificate"))
