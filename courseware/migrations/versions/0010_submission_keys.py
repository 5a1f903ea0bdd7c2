"""submission keys

Forms that create something (a class, an assignment, pupil accounts) carry a random
key; the first submission with a key stores it and where it led, so that a double
click or a retry does what the first did instead of creating a second copy.

Revision ID: 0010_submission_keys
Revises: 0009_children_classes
Create Date: 2026-12-01 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from courseware.db import UTCDateTime

revision = "0010_submission_keys"
down_revision = "0009_children_classes"
branch_labels = None
depends_on = None

TABLE = "courseware_submission_key"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("location", sa.String(length=500), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["courseware_user.id"],
            name=op.f("fk_courseware_submission_key_user_id_courseware_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_courseware_submission_key")),
    )
    op.create_index(
        op.f("ix_courseware_submission_key_created_at"), TABLE, ["created_at"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_courseware_submission_key_created_at"), table_name=TABLE)
    op.drop_table(TABLE)
