"""one of each: invariants in the schema

Partial unique indexes for what must exist at most once: one open quiz attempt per
learner and quiz, one standing (unrevoked) certificate per learner and track, one
active content version. Concurrent requests then cannot break them: the database
refuses the second row and the code reads the first. Duplicates left by races before
this migration are resolved first: the earliest open attempt stays (later empty ones
are removed, later ones with answers are closed unscored), later standing
certificates are revoked with the reason, and only the newest active version stays
active.

Revision ID: 0008_one_of_each
Revises: 0007_media_types
Create Date: 2026-12-01 11:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_one_of_each"
down_revision = "0007_media_types"
branch_labels = None
depends_on = None

OPEN_ATTEMPT = "uq_courseware_quiz_attempt_open"
STANDING_CERTIFICATE = "uq_courseware_certificate_standing"
ACTIVE_VERSION = "uq_courseware_content_version_active"


def _resolve_duplicates() -> None:
    op.execute(
        """
        DELETE FROM courseware_quiz_attempt
        WHERE submitted_at IS NULL
          AND id NOT IN (SELECT attempt_id FROM courseware_quiz_answer)
          AND id > (SELECT min(o.id) FROM courseware_quiz_attempt o
                    WHERE o.user_id = courseware_quiz_attempt.user_id
                      AND o.quiz_id = courseware_quiz_attempt.quiz_id
                      AND o.submitted_at IS NULL)
        """
    )
    op.execute(
        """
        UPDATE courseware_quiz_attempt SET submitted_at = started_at
        WHERE submitted_at IS NULL
          AND id > (SELECT min(o.id) FROM courseware_quiz_attempt o
                    WHERE o.user_id = courseware_quiz_attempt.user_id
                      AND o.quiz_id = courseware_quiz_attempt.quiz_id
                      AND o.submitted_at IS NULL)
        """
    )
    op.execute(
        """
        UPDATE courseware_certificate
        SET revoked_at = issued_at, revoked_by = 'migration 0008',
            revoke_reason = 'a second certificate issued for the same track'
        WHERE revoked_at IS NULL
          AND id > (SELECT min(o.id) FROM courseware_certificate o
                    WHERE o.user_id = courseware_certificate.user_id
                      AND o.track_id = courseware_certificate.track_id
                      AND o.revoked_at IS NULL)
        """
    )
    op.execute(
        """
        UPDATE courseware_content_version SET is_active = false
        WHERE is_active
          AND number < (SELECT max(o.number) FROM courseware_content_version o
                        WHERE o.is_active)
        """
    )


def upgrade() -> None:
    _resolve_duplicates()
    op.create_index(
        OPEN_ATTEMPT,
        "courseware_quiz_attempt",
        ["user_id", "quiz_id"],
        unique=True,
        sqlite_where=sa.text("submitted_at IS NULL"),
        postgresql_where=sa.text("submitted_at IS NULL"),
    )
    op.create_index(
        STANDING_CERTIFICATE,
        "courseware_certificate",
        ["user_id", "track_id"],
        unique=True,
        sqlite_where=sa.text("revoked_at IS NULL"),
        postgresql_where=sa.text("revoked_at IS NULL"),
    )
    op.create_index(
        ACTIVE_VERSION,
        "courseware_content_version",
        ["is_active"],
        unique=True,
        sqlite_where=sa.text("is_active"),
        postgresql_where=sa.text("is_active"),
    )


def downgrade() -> None:
    op.drop_index(ACTIVE_VERSION, table_name="courseware_content_version")
    op.drop_index(STANDING_CERTIFICATE, table_name="courseware_certificate")
    op.drop_index(OPEN_ATTEMPT, table_name="courseware_quiz_attempt")
