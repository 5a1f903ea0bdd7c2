"""teaching

Revision ID: 0004_teaching
Revises: 0003_learning_records
Create Date: 2026-11-23 06:49:43.378993
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import courseware.db  # noqa: F401  (custom column types)

revision = "0004_teaching"
down_revision = "0003_learning_records"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "courseware_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("meeting_name", sa.String(length=200), nullable=True),
        sa.Column("meeting_date", sa.Date(), nullable=True),
        sa.Column("meeting_place", sa.String(length=200), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("join_code", sa.String(length=8), nullable=True),
        sa.Column(
            "join_code_expires_at",
            courseware.db.UTCDateTime(timezone=True),
            nullable=True,
        ),
        sa.Column(
            "created_at", courseware.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["courseware_user.id"],
            name=op.f("fk_courseware_group_owner_id_courseware_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courseware_group")),
        sa.UniqueConstraint("join_code", name=op.f("uq_courseware_group_join_code")),
    )
    with op.batch_alter_table("courseware_group", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_courseware_group_owner_id"), ["owner_id"], unique=False
        )

    op.create_table(
        "courseware_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("due_at", courseware.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("whole_group", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at", courseware.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["courseware_group.id"],
            name=op.f("fk_courseware_assignment_group_id_courseware_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courseware_assignment")),
    )
    with op.batch_alter_table("courseware_assignment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_courseware_assignment_group_id"), ["group_id"], unique=False
        )

    op.create_table(
        "courseware_group_coowner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_at", courseware.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["courseware_group.id"],
            name=op.f("fk_courseware_group_coowner_group_id_courseware_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["courseware_user.id"],
            name=op.f("fk_courseware_group_coowner_user_id_courseware_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courseware_group_coowner")),
        sa.UniqueConstraint(
            "group_id", "user_id", name=op.f("uq_courseware_group_coowner_group_id")
        ),
    )
    with op.batch_alter_table("courseware_group_coowner", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_courseware_group_coowner_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "courseware_group_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=True),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column(
            "joined_at", courseware.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["courseware_group.id"],
            name=op.f("fk_courseware_group_member_group_id_courseware_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["courseware_user.id"],
            name=op.f("fk_courseware_group_member_user_id_courseware_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courseware_group_member")),
        sa.UniqueConstraint(
            "group_id", "user_id", name=op.f("uq_courseware_group_member_group_id")
        ),
    )
    with op.batch_alter_table("courseware_group_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_courseware_group_member_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "courseware_assignee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["courseware_assignment.id"],
            name=op.f("fk_courseware_assignee_assignment_id_courseware_assignment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["courseware_user.id"],
            name=op.f("fk_courseware_assignee_user_id_courseware_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courseware_assignee")),
        sa.UniqueConstraint(
            "assignment_id",
            "user_id",
            name=op.f("uq_courseware_assignee_assignment_id"),
        ),
    )
    with op.batch_alter_table("courseware_assignee", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_courseware_assignee_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "courseware_extension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("due_at", courseware.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["courseware_assignment.id"],
            name=op.f("fk_courseware_extension_assignment_id_courseware_assignment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["courseware_user.id"],
            name=op.f("fk_courseware_extension_user_id_courseware_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courseware_extension")),
        sa.UniqueConstraint(
            "assignment_id",
            "user_id",
            name=op.f("uq_courseware_extension_assignment_id"),
        ),
    )
    with op.batch_alter_table("courseware_extension", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_courseware_extension_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("courseware_extension", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_courseware_extension_user_id"))

    op.drop_table("courseware_extension")
    with op.batch_alter_table("courseware_assignee", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_courseware_assignee_user_id"))

    op.drop_table("courseware_assignee")
    with op.batch_alter_table("courseware_group_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_courseware_group_member_user_id"))

    op.drop_table("courseware_group_member")
    with op.batch_alter_table("courseware_group_coowner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_courseware_group_coowner_user_id"))

    op.drop_table("courseware_group_coowner")
    with op.batch_alter_table("courseware_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_courseware_assignment_group_id"))

    op.drop_table("courseware_assignment")
    with op.batch_alter_table("courseware_group", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_courseware_group_owner_id"))

    op.drop_table("courseware_group")
