"""certificates

Revision ID: 0005_certificates
Revises: 0004_teaching
Create Date: 2026-11-23 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import courseware.db

revision = "0005_certificates"
down_revision = "0004_teaching"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "courseware_certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.String(length=64), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column(
            "issued_at", courseware.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column(
            "revoked_at", courseware.db.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("revoked_by", sa.String(length=64), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["replaces_id"],
            ["courseware_certificate.id"],
            name=op.f("fk_courseware_certificate_replaces_id_courseware_certificate"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["courseware_user.id"],
            name=op.f("fk_courseware_certificate_user_id_courseware_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courseware_certificate")),
        sa.UniqueConstraint("code", name=op.f("uq_courseware_certificate_code")),
    )
    with op.batch_alter_table("courseware_certificate") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_courseware_certificate_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("courseware_certificate") as batch_op:
        batch_op.drop_index(batch_op.f("ix_courseware_certificate_user_id"))
    op.drop_table("courseware_certificate")
