"""Migration 0007 decides the type of media stored before it, links every version
to its blobs, and its downgrade removes both again (SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from courseware.content.hashing import file_hash
from courseware.content.models import ContentVersion
from courseware.migrations import alembic_config
from tests.conftest import REPO

BEFORE = "0006_outbox_claim_order"
PNG = (REPO / "modules/online-risks/media/online-risks-poster.png").read_bytes()
VTT = b"WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n"
FAKE_PNG = b"<html><script>alert(1)</script></html>"
LOOSE = b"stored, but no version names it"

blobs = sa.table(
    "courseware_media_blob",
    sa.column("sha256", sa.String),
    sa.column("size", sa.Integer),
    sa.column("data", sa.LargeBinary),
)


def columns(engine, table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(engine).get_columns(table)}


def test_existing_media_get_their_type_and_links(app):
    engine = app.extensions["courseware"].engine
    media = {
        "sample/media/poster.png": PNG,
        "sample/media/captions.en.vtt": VTT,
        "sample/media/fake.png": FAKE_PNG,
    }
    with app.app_context():
        config = alembic_config()
        command.downgrade(config, BEFORE)
        try:
            assert "media_type" not in columns(engine, "courseware_media_blob")
            with engine.begin() as conn:
                for data in [*media.values(), LOOSE]:
                    conn.execute(
                        sa.insert(blobs).values(
                            sha256=file_hash(data), size=len(data), data=data
                        )
                    )
                conn.execute(
                    sa.insert(ContentVersion.__table__).values(
                        number=1,
                        content_hash="0" * 64,
                        note="before 0007",
                        is_active=True,
                        published_at=sa.func.now(),
                        snapshot={
                            "media": {p: file_hash(d) for p, d in media.items()}
                        },
                    )
                )
        finally:
            command.upgrade(config, "head")
        with engine.connect() as conn:
            types = dict(
                conn.execute(
                    sa.text("SELECT sha256, media_type FROM courseware_media_blob")
                ).all()
            )
            links = conn.execute(
                sa.text("SELECT path, sha256 FROM courseware_content_version_media")
            ).all()
    assert types == {
        file_hash(PNG): "image/png",
        file_hash(VTT): "text/vtt",
        file_hash(FAKE_PNG): "application/octet-stream",  # refused: never rendered
        file_hash(LOOSE): "application/octet-stream",
    }
    assert sorted(links) == sorted((p, file_hash(d)) for p, d in media.items())


def test_downgrade_removes_the_type_and_the_links(app):
    engine = app.extensions["courseware"].engine
    with app.app_context():
        config = alembic_config()
        command.downgrade(config, BEFORE)
        try:
            assert "media_type" not in columns(engine, "courseware_media_blob")
            assert "courseware_content_version_media" not in (
                sa.inspect(engine).get_table_names()
            )
        finally:
            command.upgrade(config, "head")
        assert "media_type" in columns(engine, "courseware_media_blob")
