"""Studio views."""

from __future__ import annotations

#: (rule, endpoint, view, methods) registered by ``courseware/authoring/blueprint.py``.
RULES: list[tuple] = []
