"""Views of the authoring feature."""

from __future__ import annotations
