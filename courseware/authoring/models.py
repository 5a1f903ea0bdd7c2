"""Studio tables: drafts, their files, the audit log."""

from __future__ import annotations
