"""children classes: a class can be a class of children, with their age band

``courseware_group.child_ages`` is NULL for classes of adults and cohorts, or one of
the bands of the children's tracks ("8-11", "12-15"); a check constraint refuses any
other value. Existing groups stay classes of adults.

Revision ID: 0009_children_classes
Revises: 0008_one_of_each
Create Date: 2026-12-03 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_children_classes"
down_revision = "0008_one_of_each"
branch_labels = None
depends_on = None

CHECK = "ck_courseware_group_child_ages"


def upgrade() -> None:
    with op.batch_alter_table(
        "courseware_group", reflect_kwargs={"resolve_fks": False}
    ) as batch_op:
        batch_op.add_column(sa.Column("child_ages", sa.String(length=8), nullable=True))
        batch_op.create_check_constraint(
            op.f(CHECK), sa.text("child_ages IN ('8-11', '12-15')")
        )


def downgrade() -> None:
    with op.batch_alter_table(
        "courseware_group", reflect_kwargs={"resolve_fks": False}
    ) as batch_op:
        batch_op.drop_constraint(op.f(CHECK), type_="check")
        batch_op.drop_column("child_ages")
