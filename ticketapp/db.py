"""Engine and session helpers: the one place that knows SQLite from PostgreSQL.

SQLite serializes writers, so we open every write transaction with BEGIN IMMEDIATE: a
conditional UPDATE then sees the last committed state and never fails half-way with
"database is locked" after reading. PostgreSQL runs at READ COMMITTED with row locks; the
engine's conditional UPDATEs re-check their WHERE clause on the newest row version.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from ticketapp.settings import Settings, settings


def make_engine(url: str, limits: Settings | None = None) -> Engine:
    """The engine for `url`; `limits` (pool and timeouts) default to the app's settings."""
    limits = limits or settings
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:
            # Let us issue BEGIN ourselves (pysqlite's own BEGIN is deferred).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(
        url,
        pool_size=limits.db_pool_size,
        max_overflow=limits.db_max_overflow,
        pool_timeout=limits.db_pool_timeout,
        pool_pre_ping=True,
        # connect_timeout: an unreachable server (not a refusing one) must not hang a worker.
        connect_args={"options": postgres_session_options(limits), "connect_timeout": 5},
    )


def postgres_session_options(limits: Settings) -> str:
    """Server-side limits for every app connection (libpq `options`, set at connect time).

    A statement or lock wait that runs away must not hold a worker and a pooled connection
    hostage: PostgreSQL cancels it and the API answers 503 + Retry-After (0 turns a limit off).
    """
    return (
        f"-c statement_timeout={limits.db_statement_timeout_ms} "
        f"-c lock_timeout={limits.db_lock_timeout_ms}"
    )


@cache
def engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine() -> Engine:
    return engine_for(settings.database_url)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def commit_without_flush_wait(session: Session) -> None:
    """Let this transaction's commit return before its WAL reaches disk (PostgreSQL only).

    For bookkeeping that may be lost in a crash without harm: a later synchronous commit
    (any engine write) flushes it anyway, since the WAL is written in order. Saves one fsync
    wait per such commit; SQLite has no equivalent and needs none here.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit = off"))
