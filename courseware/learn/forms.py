"""Forms of the learning pages."""

from __future__ import annotations

from courseware.core.forms import Form


class CompleteForm(Form):
    """'Complete and continue' at the end of a lesson (CSRF only)."""
