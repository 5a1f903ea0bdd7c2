"""create user table

Revision ID: 0001_create_user_table
Revises:
Create Date: 2026-11-23 06:08:53.828649
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import courseware.db

revision = "0001_create_user_table"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "courseware_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "learner",
                "teacher",
                "author",
                "admin",
                name="courseware_role",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("locale", sa.String(length=16), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("pseudonym", sa.String(length=32), nullable=False),
        sa.Column("session_token", sa.String(length=32), nullable=False),
        sa.Column(
            "created_at", courseware.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courseware_user")),
        sa.UniqueConstraint("pseudonym", name=op.f("uq_courseware_user_pseudonym")),
        sa.UniqueConstraint("username", name=op.f("uq_courseware_user_username")),
    )
    op.create_index(
        "uq_courseware_user_username_lower",
        "courseware_user",
        [sa.text("lower(username)")],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_courseware_user_username_lower", table_name="courseware_user")
    op.drop_table("courseware_user")
