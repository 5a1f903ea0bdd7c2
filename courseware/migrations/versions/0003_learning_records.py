"""learning records

Revision ID: 0003_learning_records
Revises: 0002_content_versions
Create Date: 2026-11-23 06:32:11.762496
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import courseware.db  # noqa: F401  (custom column types)

revision = "0003_learning_records"
down_revision = "0002_content_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "courseware_completion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column(
            "completed_at", courseware.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["courseware_user.id"],
            name=op.f("fk_courseware_completion_user_id_courseware_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courseware_completion")),
        sa.UniqueConstraint(
            "user_id", "kind", "item_id", name=op.f("uq_courseware_completion_user_id")
        ),
    )
    with op.batch_alter_table("courseware_completion", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_courseware_completion_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "courseware_enrolment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("registration", sa.String(length=36), nullable=False),
        sa.Column(
            "created_at", courseware.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("resume_module", sa.String(length=64), nullable=True),
        sa.Column("resume_lesson", sa.String(length=64), nullable=True),
        sa.Column("resume_media", sa.String(length=64), nullable=True),
        sa.Column("resume_time", sa.Float(), nullable=True),
        sa.Column(
            "updated_at", courseware.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["courseware_user.id"],
            name=op.f("fk_courseware_enrolment_user_id_courseware_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courseware_enrolment")),
        sa.UniqueConstraint(
            "user_id", "course_id", name=op.f("uq_courseware_enrolment_user_id")
        ),
    )
    op.create_table(
        "courseware_lesson_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(length=64), nullable=False),
        sa.Column("lesson_id", sa.String(length=64), nullable=False),
        sa.Column(
            "opened_at", courseware.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "completed_at", courseware.db.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["courseware_user.id"],
            name=op.f("fk_courseware_lesson_progress_user_id_courseware_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courseware_lesson_progress")),
        sa.UniqueConstraint(
            "user_id",
            "module_id",
            "lesson_id",
            name=op.f("uq_courseware_lesson_progress_user_id"),
        ),
    )
    with op.batch_alter_table("courseware_lesson_progress", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_courseware_lesson_progress_user_id"),
            ["user_id"],
            unique=False,
        )

    op.create_table(
        "courseware_quiz_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("quiz_id", sa.String(length=64), nullable=False),
        sa.Column("module_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("orders", sa.JSON(), nullable=False),
        sa.Column(
            "started_at", courseware.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "submitted_at", courseware.db.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("points", sa.Integer(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["courseware_user.id"],
            name=op.f("fk_courseware_quiz_attempt_user_id_courseware_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courseware_quiz_attempt")),
        sa.UniqueConstraint(
            "user_id",
            "quiz_id",
            "number",
            name=op.f("uq_courseware_quiz_attempt_user_id"),
        ),
    )
    with op.batch_alter_table("courseware_quiz_attempt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_courseware_quiz_attempt_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "courseware_xapi_outbox",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("verb", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "sent",
                "dead",
                name="courseware_delivery_state",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", courseware.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "next_attempt_at", courseware.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("lease_owner", sa.String(length=64), nullable=True),
        sa.Column(
            "lease_until", courseware.db.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("sent_at", courseware.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["courseware_user.id"],
            name=op.f("fk_courseware_xapi_outbox_user_id_courseware_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courseware_xapi_outbox")),
    )
    with op.batch_alter_table("courseware_xapi_outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_courseware_xapi_outbox_due", ["state", "next_attempt_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_courseware_xapi_outbox_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "courseware_quiz_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=True),
        sa.Column("saved_at", courseware.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["courseware_quiz_attempt.id"],
            name=op.f("fk_courseware_quiz_answer_attempt_id_courseware_quiz_attempt"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courseware_quiz_answer")),
        sa.UniqueConstraint(
            "attempt_id",
            "question_id",
            name=op.f("uq_courseware_quiz_answer_attempt_id"),
        ),
    )
    with op.batch_alter_table("courseware_quiz_answer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_courseware_quiz_answer_attempt_id"),
            ["attempt_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("courseware_quiz_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_courseware_quiz_answer_attempt_id"))

    op.drop_table("courseware_quiz_answer")
    with op.batch_alter_table("courseware_xapi_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_courseware_xapi_outbox_user_id"))
        batch_op.drop_index("ix_courseware_xapi_outbox_due")

    op.drop_table("courseware_xapi_outbox")
    with op.batch_alter_table("courseware_quiz_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_courseware_quiz_attempt_user_id"))

    op.drop_table("courseware_quiz_attempt")
    with op.batch_alter_table("courseware_lesson_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_courseware_lesson_progress_user_id"))

    op.drop_table("courseware_lesson_progress")
    op.drop_table("courseware_enrolment")
    with op.batch_alter_table("courseware_completion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_courseware_completion_user_id"))

    op.drop_table("courseware_completion")
