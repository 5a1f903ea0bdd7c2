"""content versions

Revision ID: 0002_content_versions
Revises: 0001_create_user_table
Create Date: 2026-11-23 06:22:10.098718
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import courseware.db  # noqa: F401  (custom column types)

revision = "0002_content_versions"
down_revision = "0001_create_user_table"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "courseware_content_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=True),
        sa.Column(
            "published_at", courseware.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courseware_content_version")),
        sa.UniqueConstraint(
            "number", name=op.f("uq_courseware_content_version_number")
        ),
    )
    with op.batch_alter_table("courseware_content_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_courseware_content_version_is_active"),
            ["is_active"],
            unique=False,
        )

    op.create_table(
        "courseware_media_blob",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_courseware_media_blob")),
    )
    op.create_table(
        "courseware_content_activation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("activated_by", sa.String(length=64), nullable=True),
        sa.Column(
            "activated_at", courseware.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["courseware_content_version.id"],
            name=op.f(
                "fk_courseware_content_activation_version_id_courseware_content_version"
            ),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courseware_content_activation")),
    )


def downgrade() -> None:
    op.drop_table("courseware_content_activation")
    op.drop_table("courseware_media_blob")
    with op.batch_alter_table("courseware_content_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_courseware_content_version_is_active"))

    op.drop_table("courseware_content_version")
