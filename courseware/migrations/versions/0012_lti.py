"""LTI 1.3 tool: platforms, deployments, keys, the launch store, contexts, resource
links and launches

Revision ID: 0012_lti
Revises: 0011_external_identities
Create Date: 2026-12-01 13:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from courseware.db import UTCDateTime

revision = "0012_lti"
down_revision = "0011_external_identities"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "courseware_lti_platform",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("auth_login_url", sa.String(length=500), nullable=False),
        sa.Column("token_url", sa.String(length=500), nullable=False),
        sa.Column("jwks_url", sa.String(length=500), nullable=False),
        sa.Column("auth_audience", sa.String(length=500), nullable=True),
        sa.Column("share_given_name", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courseware_lti_platform")),
        sa.UniqueConstraint(
            "issuer", "client_id", name=op.f("uq_courseware_lti_platform_issuer")
        ),
    )
    op.create_table(
        "courseware_lti_deployment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_id"],
            ["courseware_lti_platform.id"],
            name=op.f(
                "fk_courseware_lti_deployment_platform_id_courseware_lti_platform"
            ),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courseware_lti_deployment")),
        sa.UniqueConstraint(
            "platform_id",
            "deployment_id",
            name=op.f("uq_courseware_lti_deployment_platform_id"),
        ),
    )
    op.create_index(
        op.f("ix_courseware_lti_deployment_platform_id"),
        "courseware_lti_deployment",
        ["platform_id"],
        unique=False,
    )
    op.create_table(
        "courseware_lti_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("private_pem", sa.Text(), nullable=False),
        sa.Column("public_jwk", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("retired_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courseware_lti_key")),
        sa.UniqueConstraint("kid", name=op.f("uq_courseware_lti_key_kid")),
    )
    op.create_table(
        "courseware_lti_store",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_courseware_lti_store")),
    )
    op.create_index(
        op.f("ix_courseware_lti_store_expires_at"),
        "courseware_lti_store",
        ["expires_at"],
        unique=False,
    )
    op.create_table(
        "courseware_lti_context",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["courseware_group.id"],
            name=op.f("fk_courseware_lti_context_group_id_courseware_group"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["platform_id"],
            ["courseware_lti_platform.id"],
            name=op.f("fk_courseware_lti_context_platform_id_courseware_lti_platform"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courseware_lti_context")),
        sa.UniqueConstraint(
            "platform_id",
            "context_id",
            name=op.f("uq_courseware_lti_context_platform_id"),
        ),
    )
    op.create_index(
        op.f("ix_courseware_lti_context_group_id"),
        "courseware_lti_context",
        ["group_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_courseware_lti_context_platform_id"),
        "courseware_lti_context",
        ["platform_id"],
        unique=False,
    )
    op.create_table(
        "courseware_lti_resource_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("context_pk", sa.Integer(), nullable=True),
        sa.Column("resource_link_id", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("due_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["context_pk"],
            ["courseware_lti_context.id"],
            name=op.f(
                "fk_courseware_lti_resource_link_context_pk_courseware_lti_context"
            ),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["platform_id"],
            ["courseware_lti_platform.id"],
            name=op.f(
                "fk_courseware_lti_resource_link_platform_id_courseware_lti_platform"
            ),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courseware_lti_resource_link")),
        sa.UniqueConstraint(
            "platform_id",
            "resource_link_id",
            name=op.f("uq_courseware_lti_resource_link_platform_id"),
        ),
    )
    op.create_index(
        op.f("ix_courseware_lti_resource_link_context_pk"),
        "courseware_lti_resource_link",
        ["context_pk"],
        unique=False,
    )
    op.create_index(
        op.f("ix_courseware_lti_resource_link_platform_id"),
        "courseware_lti_resource_link",
        ["platform_id"],
        unique=False,
    )
    op.create_table(
        "courseware_lti_launch",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("context_pk", sa.Integer(), nullable=True),
        sa.Column("resource_link_pk", sa.Integer(), nullable=True),
        sa.Column("message_type", sa.String(length=64), nullable=False),
        sa.Column("claims", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["context_pk"],
            ["courseware_lti_context.id"],
            name=op.f("fk_courseware_lti_launch_context_pk_courseware_lti_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["platform_id"],
            ["courseware_lti_platform.id"],
            name=op.f("fk_courseware_lti_launch_platform_id_courseware_lti_platform"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resource_link_pk"],
            ["courseware_lti_resource_link.id"],
            name=op.f(
                "fk_courseware_lti_launch_resource_link_pk_courseware_lti_resource_link"
            ),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["courseware_user.id"],
            name=op.f("fk_courseware_lti_launch_user_id_courseware_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courseware_lti_launch")),
    )
    op.create_index(
        op.f("ix_courseware_lti_launch_context_pk"),
        "courseware_lti_launch",
        ["context_pk"],
        unique=False,
    )
    op.create_index(
        op.f("ix_courseware_lti_launch_platform_id"),
        "courseware_lti_launch",
        ["platform_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_courseware_lti_launch_resource_link_pk"),
        "courseware_lti_launch",
        ["resource_link_pk"],
        unique=False,
    )
    op.create_index(
        op.f("ix_courseware_lti_launch_user_id"),
        "courseware_lti_launch",
        ["user_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_courseware_lti_launch_context_pk"), table_name="courseware_lti_launch"
    )
    op.drop_index(
        op.f("ix_courseware_lti_launch_platform_id"), table_name="courseware_lti_launch"
    )
    op.drop_index(
        op.f("ix_courseware_lti_launch_resource_link_pk"),
        table_name="courseware_lti_launch",
    )
    op.drop_index(
        op.f("ix_courseware_lti_launch_user_id"), table_name="courseware_lti_launch"
    )
    op.drop_table("courseware_lti_launch")
    op.drop_index(
        op.f("ix_courseware_lti_resource_link_context_pk"),
        table_name="courseware_lti_resource_link",
    )
    op.drop_index(
        op.f("ix_courseware_lti_resource_link_platform_id"),
        table_name="courseware_lti_resource_link",
    )
    op.drop_table("courseware_lti_resource_link")
    op.drop_index(
        op.f("ix_courseware_lti_context_group_id"), table_name="courseware_lti_context"
    )
    op.drop_index(
        op.f("ix_courseware_lti_context_platform_id"),
        table_name="courseware_lti_context",
    )
    op.drop_table("courseware_lti_context")
    op.drop_index(
        op.f("ix_courseware_lti_store_expires_at"), table_name="courseware_lti_store"
    )
    op.drop_table("courseware_lti_store")
    op.drop_table("courseware_lti_key")
    op.drop_index(
        op.f("ix_courseware_lti_deployment_platform_id"),
        table_name="courseware_lti_deployment",
    )
    op.drop_table("courseware_lti_deployment")
    op.drop_table("courseware_lti_platform")
