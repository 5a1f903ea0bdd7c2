"""LTI grades: line items, grade targets and the score outbox

Revision ID: 0014_lti_grades
Revises: 0013_authoring
Create Date: 2026-12-01 13:40:00
"""

from __future__ import annotations

revision = "0014_lti_grades"
down_revision = "0013_authoring"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
