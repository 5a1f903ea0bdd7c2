"""LTI views."""

from __future__ import annotations

#: (rule, endpoint, view, methods) registered by ``courseware/lti/blueprint.py``.
RULES: list[tuple] = []
