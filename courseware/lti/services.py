"""Services of the lti feature."""

from __future__ import annotations
