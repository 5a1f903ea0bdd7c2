"""The studio: drafts, draft files, the audit log, published versions' source files

Revision ID: 0013_authoring
Revises: 0012_lti
Create Date: 2026-12-01 13:40:00
"""

from __future__ import annotations

revision = "0013_authoring"
down_revision = "0012_lti"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
