"""media types

Every media blob gets the type it is served as, decided from its name's extension
and its bytes (``courseware.content.mediatypes.decide``), and every version records
the blobs it references: only those are served. Existing blobs are decided here from
the names the versions give them; a blob no version references, or whose bytes the
decision refuses, becomes ``application/octet-stream`` (downloaded, never rendered).

Revision ID: 0007_media_types
Revises: 0006_outbox_claim_order
Create Date: 2026-12-01 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from courseware.content.mediatypes import decide

revision = "0007_media_types"
down_revision = "0006_outbox_claim_order"
branch_labels = None
depends_on = None

BLOB = "courseware_media_blob"
LINK = "courseware_content_version_media"
REFUSED = "application/octet-stream"

versions = sa.table(
    "courseware_content_version",
    sa.column("id", sa.Integer),
    sa.column("snapshot", sa.JSON),
)
blobs = sa.table(
    BLOB,
    sa.column("sha256", sa.String),
    sa.column("data", sa.LargeBinary),
    sa.column("media_type", sa.String),
)
links = sa.table(
    LINK,
    sa.column("version_id", sa.Integer),
    sa.column("path", sa.String),
    sa.column("sha256", sa.String),
)


def _create_link_table() -> None:
    op.create_table(
        LINK,
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=512), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["sha256"],
            [f"{BLOB}.sha256"],
            name=op.f(f"fk_{LINK}_sha256_{BLOB}"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["courseware_content_version.id"],
            name=op.f(f"fk_{LINK}_version_id_courseware_content_version"),
        ),
        sa.PrimaryKeyConstraint("version_id", "path", name=op.f(f"pk_{LINK}")),
    )
    with op.batch_alter_table(LINK, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{LINK}_sha256"), ["sha256"], unique=False)


def _version_media(connection) -> list[tuple[int, dict[str, str]]]:
    """(version id, path -> sha of a stored blob) of every version, oldest first."""
    stored = set(connection.scalars(sa.select(blobs.c.sha256)))
    found = []
    for version_id, snapshot in connection.execute(
        sa.select(versions.c.id, versions.c.snapshot).order_by(versions.c.id)
    ):
        media = ((snapshot or {}).get("media")) or {}
        found.append((version_id, {p: s for p, s in media.items() if s in stored}))
    return found


def _decide_types(connection, media: list[tuple[int, dict[str, str]]]) -> None:
    """Each blob's type from the name the newest version gives it, one at a time."""
    names = {sha: path for _id, paths in media for path, sha in paths.items()}
    for sha in list(connection.scalars(sa.select(blobs.c.sha256))):
        data = connection.scalar(sa.select(blobs.c.data).where(blobs.c.sha256 == sha))
        media_type = decide(names[sha], data)[0] if sha in names else None
        connection.execute(
            sa.update(blobs)
            .where(blobs.c.sha256 == sha)
            .values(media_type=media_type or REFUSED)
        )


def _link(connection, media: list[tuple[int, dict[str, str]]]) -> None:
    """Record which blobs each existing version references."""
    rows = [
        {"version_id": version_id, "path": path, "sha256": sha}
        for version_id, paths in media
        for path, sha in paths.items()
    ]
    if rows:
        connection.execute(sa.insert(links), rows)


def upgrade() -> None:
    connection = op.get_bind()
    with op.batch_alter_table(BLOB, schema=None) as batch_op:
        batch_op.add_column(sa.Column("media_type", sa.String(length=100)))
    media = _version_media(connection)
    _decide_types(connection, media)
    # Before the link table exists: SQLite rebuilds the table to change NOT NULL.
    with op.batch_alter_table(BLOB, schema=None) as batch_op:
        batch_op.alter_column(
            "media_type", existing_type=sa.String(length=100), nullable=False
        )
    _create_link_table()
    _link(connection, media)


def downgrade() -> None:
    with op.batch_alter_table(LINK, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f(f"ix_{LINK}_sha256"))
    op.drop_table(LINK)
    with op.batch_alter_table(BLOB, schema=None) as batch_op:
        batch_op.drop_column("media_type")
