"""external identities

People signed in by a host application (and, later, by an LTI platform) are linked
to the learner record made for them here on first use: one row per provider and
subject, unique, so that two first requests at once make one learner.

Revision ID: 0011_external_identities
Revises: 0010_submission_keys
Create Date: 2026-12-08 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from courseware.db import UTCDateTime

revision = "0011_external_identities"
down_revision = "0010_submission_keys"
branch_labels = None
depends_on = None

TABLE = "courseware_external_identity"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["courseware_user.id"],
            name=op.f("fk_courseware_external_identity_user_id_courseware_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courseware_external_identity")),
        sa.UniqueConstraint(
            "provider",
            "subject",
            name=op.f("uq_courseware_external_identity_provider"),
        ),
    )
    op.create_index(op.f("ix_courseware_external_identity_user_id"), TABLE, ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_courseware_external_identity_user_id"), table_name=TABLE)
    op.drop_table(TABLE)
