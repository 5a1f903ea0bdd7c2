"""Database plumbing: declarative base, one engine per app, one session a request."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import Flask, current_app, g, request
from sqlalchemy import DateTime, MetaData, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every courseware model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite stores no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the settings each backend needs."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def init_db(app: Flask, state) -> None:
    """Create the engine and session factory and close each request's session."""
    state.engine = make_engine(state.database_url)
    state.sessionmaker = sessionmaker(bind=state.engine, expire_on_commit=False)

    @app.teardown_appcontext
    def _close_session(_exc):
        session = g.pop("_courseware_session", None)
        if session is not None:
            session.close()


def get_session() -> Session:
    """The session of the current app context (created on first use)."""
    session = g.get("_courseware_session")
    if session is None:
        session = current_app.extensions["courseware"].sessionmaker()
        g._courseware_session = session
    return session


def refuse() -> None:
    """Mark this request's work as refused: the edge rolls it back, never commits it.

    Forms call it when they fail to validate; views call it when they catch a
    service error after the service may already have flushed half its work.
    """
    g._courseware_refused = True


def rollback_request() -> None:
    """Roll back the request's session now (error pages render on a clean session)."""
    session = g.get("_courseware_session")
    if session is not None:
        session.rollback()


def finish_request(response):
    """One unit of work per request: commit when nothing failed or was refused.

    A response of 400 or more, or a refused form or service call, rolls back. A
    commit that loses a race to a concurrent request (a unique index, a serialisation
    failure) rolls back and answers 409 with a page that says what to do.
    """
    session = g.get("_courseware_session")
    if session is None:
        return response
    if response.status_code >= 400 or g.get("_courseware_refused"):
        session.rollback()
        return response
    pending = session.new or session.dirty or session.deleted
    if not (pending or session.in_transaction()):
        return response
    try:
        session.commit()
    except (IntegrityError, OperationalError) as exc:
        session.rollback()
        log.warning("commit lost a race: %s %s: %s", request.method, request.path, exc)
        from courseware.errors import render_error

        return current_app.make_response(render_error(409))
    return response


def _insert(session: Session):
    """The dialect's ``insert`` construct, which has ``on_conflict_*``."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only the two supported backends
        raise RuntimeError(f"unsupported database {dialect}")
    return insert


def upsert(
    session: Session,
    model: type,
    values: dict,
    index: list[str],
    update: list[str],
) -> None:
    """``INSERT ... ON CONFLICT (index) DO UPDATE SET update``: last write wins."""
    statement = _insert(session)(model).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=index,
        set_={name: getattr(statement.excluded, name) for name in update},
    )
    session.execute(statement)


def insert_ignore(session: Session, model: type, **values) -> bool:
    """``INSERT ... ON CONFLICT DO NOTHING``; True when this call inserted the row.

    The first-use rows of concurrent requests: the database decides who won, the
    loser reads the winner's row (SQLite and PostgreSQL both have the clause).
    """
    # RETURNING tells reliably (psycopg reports no rowcount for this statement).
    key = list(model.__table__.primary_key.columns)
    statement = (
        _insert(session)(model).values(**values).on_conflict_do_nothing().returning(*key)
    )
    return session.execute(statement).first() is not None


def serialise(session: Session, name: str) -> None:
    """Take a lock named ``name`` until the transaction ends: one such writer at once.

    PostgreSQL: a transaction-level advisory lock. SQLite: ``BEGIN IMMEDIATE``, which
    takes the database's single write lock now rather than at the first write, so
    that reads made after it see every committed change. (The driver opens its own
    transaction only at the first write; once one is open, the lock is held.)
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name}
        )
        return
    raw = session.connection().connection.dbapi_connection
    if not raw.in_transaction:
        raw.execute("BEGIN IMMEDIATE")
