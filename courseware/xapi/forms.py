"""Forms of the xAPI pages."""

from __future__ import annotations

from courseware.core.forms import Form


class RequeueForm(Form):
    """Send the dead letters again (CSRF only)."""
