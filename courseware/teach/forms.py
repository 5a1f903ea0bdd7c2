"""Forms for teachers and organisers, and the learner's join form."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from courseware.core.forms import Form
from courseware.core.once import OnceForm
from courseware.teach.services.accounts import MAX_PUPILS_AT_ONCE
from courseware.teach.services.codes import PREFIX_RE


@lru_cache(maxsize=1)
def timezone_choices() -> list[SelectChoice]:
    """Every IANA time zone, sorted (UTC first)."""
    zones = sorted(z for z in available_timezones() if "/" in z)
    return [SelectChoice("UTC"), *(SelectChoice(z, z.replace("_", " ")) for z in zones)]


class GroupForm(OnceForm):
    """A class or a meeting cohort: name, prefix, time zone, ages or meeting."""

    name = StringField(_l("Group name"), validators=[InputRequired(), Length(max=120)])
    prefix = StringField(
        _l("Username prefix"),
        validators=[
            Optional(),
            Regexp(PREFIX_RE, message=_l("Use 1 to 10 lower-case letters or digits.")),
        ],
        filters=[lambda v: (v or "").strip().lower() or None],
        description=_l(
            "Accounts you create start with it, e.g. 7b-swan-42. "
            "Leave empty to derive it from the name."
        ),
        render_kw={"autocapitalize": "none"},
    )
    timezone = SelectField(
        _l("Time zone"),
        choices=[],
        default="UTC",
        description=_l("Due dates are entered and shown in this time zone."),
    )
    child_ages = SelectField(
        _l("Who is in the class"),
        choices=[
            SelectChoice("", _l("Adults")),
            SelectChoice("8-11", _l("A class of children aged 8-11")),
            SelectChoice("12-15", _l("A class of children aged 12-15")),
        ],
        default="",
        description=_l(
            "A class of children sees the children's modules and tracks for its "
            "ages, and modules written for adults only when you assign them."
        ),
    )
    meeting_name = StringField(_l("Meeting"), validators=[Optional(), Length(max=200)])
    meeting_date = DateField(_l("Meeting date"), validators=[Optional()])
    meeting_place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices()


class JoinCodeForm(Form):
    """A new join code, valid for some days."""

    days = IntegerField(
        _l("Valid for (days)"),
        default=14,
        validators=[InputRequired(), NumberRange(min=1, max=365)],
    )
    submit = SubmitField(_l("New join code"))


class CoOwnerForm(Form):
    """Share a group with another teacher."""

    username = StringField(
        _l("Teacher's username"),
        validators=[InputRequired(), Length(max=64)],
        render_kw={"autocapitalize": "none"},
    )
    submit = SubmitField(_l("Add co-owner"))


class PupilsForm(OnceForm):
    """Create pupil accounts: a number of them, or one per name."""

    count = IntegerField(
        _l("Number of pupils"),
        validators=[Optional(), NumberRange(min=1, max=MAX_PUPILS_AT_ONCE)],
    )
    names = TextAreaField(
        _l("Or their names, one per line"),
        validators=[Optional(), Length(max=20_000)],
        description=_l("Names are shown only to the group's teachers, on cards."),
    )
    submit = SubmitField(_l("Create accounts and print cards"))

    def entries(self) -> list[str | None]:
        """One entry per account to create: a name, or None."""
        names = [n.strip() for n in (self.names.data or "").splitlines() if n.strip()]
        return names or [None] * (self.count.data or 0)

    def validate_names(self, field) -> None:
        count = len(self.entries())
        if count == 0:
            raise ValidationError(_l("Give a number of pupils or their names."))
        if count > MAX_PUPILS_AT_ONCE:
            raise ValidationError(
                _l("Create at most %(n)d accounts at a time.", n=MAX_PUPILS_AT_ONCE)
            )


class DueFields:
    """Due date and time in the group's time zone (both optional)."""

    due_date = DateField(_l("Due date"), validators=[Optional()])
    due_time = TimeField(
        _l("Due time"),
        validators=[Optional()],
        description=_l("In the group's time zone; empty means 23:59."),
    )


class AssignmentForm(DueFields, OnceForm):
    """Assign a module or a track to the group or to chosen learners."""

    item = SelectField(_l("Module or track"), validators=[InputRequired()])
    learners = SelectMultipleField(
        _l("Learners"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[Optional()],
    )
    submit = SubmitField(_l("Save assignment"))


class ExtensionForm(DueFields, Form):
    """A later due date for one learner."""

    due_date = DateField(_l("New due date"), validators=[InputRequired()])
    submit = SubmitField(_l("Give extension"))


class ActionForm(Form):
    """A button that changes something (CSRF only)."""


class JoinForm(Form):
    """A learner joins a group with the code the teacher gave."""

    code = StringField(
        _l("Join code"),
        validators=[InputRequired(), Length(max=20)],
        description=_l("Eight letters and digits, like ABCD-EFGH."),
        render_kw={"autocapitalize": "characters", "autocomplete": "off"},
    )
    submit = SubmitField(_l("Join"))


class FilterForm(Form):
    """Dashboard filters (a GET form)."""

    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("", _l("Any status")),
            SelectChoice("not-started", _l("Not started")),
            SelectChoice("in-progress", _l("In progress")),
            SelectChoice("completed", _l("Completed")),
            SelectChoice("overdue", _l("Overdue")),
        ],
        validators=[Optional()],
    )
    assignment = SelectField(_l("Assignment"), validators=[Optional()])
    q = StringField(_l("Name contains"), validators=[Optional(), Length(max=64)])
    submit = SubmitField(_l("Filter"))
