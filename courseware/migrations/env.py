"""Alembic environment: runs against the app's engine, never at start-up."""

from __future__ import annotations

from alembic import context

import courseware.models  # noqa: F401  (registers every model on the metadata)
from courseware.db import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run migrations on the engine handed over by the CLI."""
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            version_table="courseware_alembic_version",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
