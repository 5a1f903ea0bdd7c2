"""The studio: drafts, draft files, the audit log, published versions' source files

Versions published before this revision keep no source files: a draft started from
one reads the configured content folder when its content hash matches.

Revision ID: 0013_authoring
Revises: 0012_lti
Create Date: 2026-12-01 13:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from courseware.db import UTCDateTime

revision = "0013_authoring"
down_revision = "0012_lti"
branch_labels = None
depends_on = None

BLOB = "courseware_media_blob"
VERSION = "courseware_content_version"
USER = "courseware_user"
FILES = "courseware_content_version_file"
DRAFT = "courseware_authoring_draft"
DRAFT_FILE = "courseware_authoring_draft_file"
AUDIT = "courseware_authoring_audit"


def _fk(table: str, column: str, target: str, key: str = "id"):
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.{key}"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        FILES,
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=512), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        _fk(FILES, "sha256", BLOB, "sha256"),
        _fk(FILES, "version_id", VERSION),
        sa.PrimaryKeyConstraint("version_id", "path", name=op.f(f"pk_{FILES}")),
    )
    op.create_index(op.f(f"ix_{FILES}_sha256"), FILES, ["sha256"])
    op.create_table(
        DRAFT,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("base_version_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("published_version_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        _fk(DRAFT, "base_version_id", VERSION),
        _fk(DRAFT, "created_by", USER),
        _fk(DRAFT, "updated_by", USER),
        _fk(DRAFT, "published_version_id", VERSION),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{DRAFT}")),
    )
    op.create_index(op.f(f"ix_{DRAFT}_state"), DRAFT, ["state"])
    op.create_table(
        DRAFT_FILE,
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=512), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        _fk(DRAFT_FILE, "draft_id", DRAFT),
        _fk(DRAFT_FILE, "sha256", BLOB, "sha256"),
        _fk(DRAFT_FILE, "updated_by", USER),
        sa.PrimaryKeyConstraint("draft_id", "path", name=op.f(f"pk_{DRAFT_FILE}")),
    )
    op.create_index(op.f(f"ix_{DRAFT_FILE}_sha256"), DRAFT_FILE, ["sha256"])
    op.create_table(
        AUDIT,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("path", sa.String(length=512), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        _fk(AUDIT, "user_id", USER),
        _fk(AUDIT, "draft_id", DRAFT),
        _fk(AUDIT, "version_id", VERSION),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{AUDIT}")),
    )
    op.create_index(op.f(f"ix_{AUDIT}_user_id"), AUDIT, ["user_id"])
    op.create_index(op.f(f"ix_{AUDIT}_draft_id"), AUDIT, ["draft_id"])
    op.create_index(op.f(f"ix_{AUDIT}_at"), AUDIT, ["at"])


def downgrade() -> None:
    for name, column in (("user_id", AUDIT), ("draft_id", AUDIT), ("at", AUDIT)):
        op.drop_index(op.f(f"ix_{column}_{name}"), table_name=column)
    op.drop_table(AUDIT)
    op.drop_index(op.f(f"ix_{DRAFT_FILE}_sha256"), table_name=DRAFT_FILE)
    op.drop_table(DRAFT_FILE)
    op.drop_index(op.f(f"ix_{DRAFT}_state"), table_name=DRAFT)
    op.drop_table(DRAFT)
    op.drop_index(op.f(f"ix_{FILES}_sha256"), table_name=FILES)
    op.drop_table(FILES)
