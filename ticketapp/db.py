"""Engine and session helpers: the one place that knows SQLite from PostgreSQL.

SQLite serializes writers, so we open every write transaction with BEGIN IMMEDIATE: a
conditional UPDATE then sees the last committed state and never fails half-way with
"database is locked" after reading. PostgreSQL runs at READ COMMITTED with row locks; the
engine's conditional UPDATEs re-check their WHERE clause on the newest row version.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, column, event, func, literal_column, select, text
from sqlalchemy import table as sa_table
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, create_engine

from ticketapp.settings import settings


def make_engine(url: str) -> Engine:
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
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_pre_ping=True,
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


def fresh_ids(table: str, dialect: str, *, order_by: Any = None) -> ColumnElement[int]:
    """A column expression handing out new primary keys of `table`, one per selected row.

    The hot paths allocate ids inside the statement that locks and reads (no round trip of
    its own), so that everything they write afterwards — rows that refer to each other, the
    answer stored for an Idempotency-Key — is known before the one statement that writes it.
    PostgreSQL draws from the table's sequence (gaps are harmless). SQLite has no sequences,
    but BEGIN IMMEDIATE makes this transaction the only writer, so max(id) + n is free.
    """
    if dialect == "postgresql":
        return literal_column(f"nextval('{table}_id_seq')")
    latest = select(func.coalesce(func.max(column("id")), 0)).select_from(
        sa_table(table, column("id"))
    )
    position = func.row_number().over(order_by=order_by) if order_by is not None else 1
    return latest.scalar_subquery() + position


def execute_together(
    conn: Connection, main: Any, *, before: Sequence[Any] = (), after: Sequence[Any] = ()
) -> Any:
    """Run `before`, `main` and `after` as ONE statement on PostgreSQL; in order elsewhere.

    On PostgreSQL the others become data-modifying CTEs of `main` (one round trip; foreign
    keys between them are checked at the end of the statement, so their order is free). The
    statements must not read each other's effects: a sub-statement of a WITH does not see
    what its siblings change. SQLite cannot put INSERT or UPDATE in a WITH, so it runs them
    one after the other in the given order (foreign keys first); the result is `main`'s.
    """
    if conn.dialect.name == "postgresql":
        sides = [stmt.cte(f"w{i}") for i, stmt in enumerate([*before, *after])]
        return conn.execute(main.add_cte(*sides) if sides else main)
    for stmt in before:
        conn.execute(stmt)
    result = conn.execute(main)
    rows = result.all()
    for stmt in after:
        conn.execute(stmt)
    return _Buffered(rows)


class _Buffered:
    """The rows of a result already fetched (SQLite ran more statements after it)."""

    def __init__(self, rows: list[Any]) -> None:
        self._rows = rows

    def all(self) -> list[Any]:
        return self._rows

    def scalars(self) -> list[Any]:
        return [row[0] for row in self._rows]
