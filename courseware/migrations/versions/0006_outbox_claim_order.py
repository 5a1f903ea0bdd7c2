"""outbox claim order

The delivery worker claims the statements due soonest, oldest first: an index in that
order lets a claim read 50 rows instead of sorting the whole backlog (23 ms a claim at
50,000 pending statements before, 2 ms after; bench/README.md).

Revision ID: 0006_outbox_claim_order
Revises: 0005_certificates
Create Date: 2026-11-24 12:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0006_outbox_claim_order"
down_revision = "0005_certificates"
branch_labels = None
depends_on = None

TABLE = "courseware_xapi_outbox"
INDEX = "ix_courseware_xapi_outbox_due"


def upgrade() -> None:
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index(INDEX)
        batch_op.create_index(
            INDEX, ["state", "next_attempt_at", "created_at", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index(INDEX)
        batch_op.create_index(INDEX, ["state", "next_attempt_at"], unique=False)
