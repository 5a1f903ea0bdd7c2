"""Forms of the authoring feature."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp

from courseware.core.forms import Form
from courseware.core.once import OnceForm

ID_RE = r"^[a-z][a-z0-9-]*$"
ID_MESSAGE = _l("Lower-case letters, digits and hyphens, starting with a letter.")


class ActionForm(Form):
    """A button that changes something (CSRF only)."""

    submit = SubmitField(_l("Confirm"))


class StartDraftForm(OnceForm):
    """Start a draft from the active version."""

    title = StringField(
        _l("Title of the draft"), validators=[Optional(), Length(max=200)]
    )
    submit = SubmitField(_l("Start a draft from the active version"))


class UploadArchiveForm(OnceForm):
    """Start a draft from a course archive (.zip)."""

    title = StringField(
        _l("Title of the draft"), validators=[Optional(), Length(max=200)]
    )
    archive = FileField(
        _l("Course archive (.zip)"),
        validators=[FileRequired(_l("Choose a .zip file."))],
        description=_l(
            "A .zip holding modules/ and quizzes/, as `content import` takes."
        ),
    )
    submit = SubmitField(_l("Start a draft from the archive"))


class FileForm(Form):
    """The text of one file, and the sha256 of the copy the form was opened with."""

    text = TextAreaField(_l("Text of the file"))
    sha256 = HiddenField()
    submit = SubmitField(_l("Save"))


class DeleteFileForm(Form):
    """Delete one file (the copy shown)."""

    sha256 = HiddenField()
    submit = SubmitField(_l("Delete this file"))


class NewFileForm(Form):
    """A new lesson, module or quiz, made from a template."""

    kind = SelectField(
        _l("What to add"),
        choices=[
            SelectChoice("lesson", _l("A lesson")),
            SelectChoice("module", _l("A module")),
            SelectChoice("quiz", _l("A quiz for a module")),
        ],
    )
    module = StringField(
        _l("Module id"),
        validators=[InputRequired(), Regexp(ID_RE, message=ID_MESSAGE), Length(max=60)],
        description=_l("For a new module, its new id; else the module it goes in."),
    )
    name = StringField(
        _l("Lesson id"),
        validators=[Optional(), Regexp(ID_RE, message=ID_MESSAGE), Length(max=60)],
        description=_l("For a lesson only, e.g. what-to-do."),
    )
    submit = SubmitField(_l("Add"))


class MediaUploadForm(Form):
    """A media file for a module's media/ folder."""

    module = StringField(
        _l("Module id"),
        validators=[InputRequired(), Regexp(ID_RE, message=ID_MESSAGE), Length(max=60)],
    )
    media = FileField(
        _l("Media file"),
        validators=[FileRequired(_l("Choose a file."))],
        description=_l(
            "PNG, JPEG, WebP, GIF or SVG pictures, WebM or MP4 video, Opus/Ogg "
            "audio, WebVTT captions (.vtt), PDF, or .md/.txt text."
        ),
    )
    submit = SubmitField(_l("Upload"))


class PublishForm(OnceForm):
    """Publish a draft with a note."""

    note = StringField(
        _l("What changed (for the version list)"),
        validators=[InputRequired(), Length(max=500)],
    )
    submit = SubmitField(_l("Publish"))


class ActivateForm(Form):
    """Serve an older (or newer) version again, after a confirmation."""

    confirm = BooleanField(
        _l("I understand that learners will see this version from now on"),
        validators=[InputRequired(_l("Tick the box to confirm."))],
    )
    submit = SubmitField(_l("Make this version active"))
