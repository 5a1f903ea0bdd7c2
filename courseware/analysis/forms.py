"""The filters of the item analysis pages (a GET form)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from courseware.analysis.services import Filters
from courseware.core.forms import Form
from courseware.i18n import LANGUAGE_NAMES

ALL, FIRST = "all", "first"


class FilterForm(Form):
    """Content version, language and which attempts: every value from a fixed list."""

    class Meta:
        csrf = False

    version = SelectField(_l("Content version"), validators=[Optional()])
    language = SelectField(_l("Language"), validators=[Optional()])
    attempts = SelectField(
        _l("Attempts"),
        choices=[
            SelectChoice(ALL, _l("All attempts")),
            SelectChoice(FIRST, _l("First attempts only")),
        ],
        default=ALL,
    )
    submit = SubmitField(_l("Show"))

    def offer(self, versions: list[int], languages: list[str]) -> None:
        """The versions and languages one may choose (anything else is refused)."""
        self.version.choices = [SelectChoice("", _l("All versions"))] + [
            SelectChoice(str(n), str(n)) for n in versions
        ]
        self.language.choices = [SelectChoice("", _l("All languages"))] + [
            SelectChoice(code, LANGUAGE_NAMES.get(code, code)) for code in languages
        ]

    def filters(self) -> Filters:
        """The validated choice as :class:`Filters`."""
        return Filters(
            version=int(self.version.data) if self.version.data else None,
            language=self.language.data or None,
            first_only=self.attempts.data == FIRST,
        )

    def query(self) -> dict[str, str]:
        """The chosen values as query parameters (for links and downloads)."""
        return {
            name: value
            for name, value in (
                ("version", self.version.data),
                ("language", self.language.data),
                ("attempts", self.attempts.data if self.attempts.data != ALL else ""),
            )
            if value
        }
