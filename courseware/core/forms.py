"""The base of every form: a form that fails to validate refuses the request's work."""

from __future__ import annotations

from flask_wtf import FlaskForm

from courseware.db import refuse


class Form(FlaskForm):
    """Flask-WTF's form (CSRF always on); failing validation rolls the request back."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not valid:
            refuse()
        return valid
