"""LTI grades: grade targets, the score outbox, roster sources and members

A launch's AGS claim becomes a grade target per learner and resource link; a
learner's action queues a score (the exact body, so that retries are identical)
which the worker sends; NRPS memberships URLs and the LMS roster of a class.

Revision ID: 0014_lti_grades
Revises: 0013_authoring
Create Date: 2026-12-01 13:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from courseware.db import UTCDateTime

revision = "0014_lti_grades"
down_revision = "0013_authoring"
branch_labels = None
depends_on = None

TARGET = "courseware_lti_grade_target"
SCORE = "courseware_lti_score"
SOURCE = "courseware_lti_roster_source"
MEMBER = "courseware_lti_roster_member"
PLATFORM = "courseware_lti_platform"


def _fk(table: str, column: str, referred: str, ondelete: str = "CASCADE"):
    return sa.ForeignKeyConstraint(
        [column],
        [f"{referred}.id"],
        name=op.f(f"fk_{table}_{column}_{referred}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        TARGET,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sub", sa.String(length=255), nullable=False),
        sa.Column("context_id", sa.String(length=255), nullable=True),
        sa.Column("resource_link_id", sa.String(length=255), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=True),
        sa.Column("lineitem_url", sa.Text(), nullable=True),
        sa.Column("lineitems_url", sa.Text(), nullable=True),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        _fk(TARGET, "platform_id", PLATFORM),
        _fk(TARGET, "user_id", "courseware_user"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TARGET}")),
        sa.UniqueConstraint(
            "platform_id",
            "user_id",
            "resource_link_id",
            name=op.f(f"uq_{TARGET}_platform_id"),
        ),
    )
    op.create_index(
        "ix_courseware_lti_grade_target_user_target", TARGET, ["user_id", "target"]
    )
    op.create_table(
        SCORE,
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("event", sa.String(length=120), nullable=False),
        sa.Column("lineitem_url", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("timestamp", UTCDateTime(), nullable=False),
        sa.Column("score_given", sa.Float(), nullable=False),
        sa.Column("score_maximum", sa.Float(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("lease_owner", sa.String(length=64), nullable=True),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        _fk(SCORE, "target_id", TARGET),
        _fk(SCORE, "platform_id", PLATFORM),
        _fk(SCORE, "user_id", "courseware_user", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{SCORE}")),
        sa.UniqueConstraint("target_id", "event", name=op.f(f"uq_{SCORE}_target_id")),
    )
    op.create_index(
        "ix_courseware_lti_score_due", SCORE, ["state", "next_attempt_at", "created_at"]
    )
    op.create_index(
        "ix_courseware_lti_score_stream", SCORE, ["target_id", "state", "timestamp"]
    )
    op.create_index(op.f(f"ix_{SCORE}_platform_id"), SCORE, ["platform_id"])
    op.create_index(op.f(f"ix_{SCORE}_user_id"), SCORE, ["user_id"])
    op.create_table(
        SOURCE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.String(length=255), nullable=False),
        sa.Column("memberships_url", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        _fk(SOURCE, "platform_id", PLATFORM),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{SOURCE}")),
        sa.UniqueConstraint(
            "platform_id", "context_id", name=op.f(f"uq_{SOURCE}_platform_id")
        ),
    )
    op.create_table(
        MEMBER,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sub", sa.String(length=255), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.Column("synced_at", UTCDateTime(), nullable=False),
        sa.Column("removed_at", UTCDateTime(), nullable=True),
        _fk(MEMBER, "group_id", "courseware_group"),
        _fk(MEMBER, "user_id", "courseware_user"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{MEMBER}")),
        sa.UniqueConstraint("group_id", "user_id", name=op.f(f"uq_{MEMBER}_group_id")),
    )
    op.create_index(op.f(f"ix_{MEMBER}_user_id"), MEMBER, ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f(f"ix_{MEMBER}_user_id"), table_name=MEMBER)
    op.drop_table(MEMBER)
    op.drop_table(SOURCE)
    op.drop_index(op.f(f"ix_{SCORE}_user_id"), table_name=SCORE)
    op.drop_index(op.f(f"ix_{SCORE}_platform_id"), table_name=SCORE)
    op.drop_index("ix_courseware_lti_score_stream", table_name=SCORE)
    op.drop_index("ix_courseware_lti_score_due", table_name=SCORE)
    op.drop_table(SCORE)
    op.drop_index("ix_courseware_lti_grade_target_user_target", table_name=TARGET)
    op.drop_table(TARGET)
