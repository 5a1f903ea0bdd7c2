"""Forms of the quiz pages."""

from __future__ import annotations

from courseware.core.forms import Form


class AttemptForm(Form):
    """CSRF for starting, saving and submitting (question fields are read directly)."""
