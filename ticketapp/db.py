"""Engine and session helpers: the one place that knows SQLite from PostgreSQL.

SQLite serializes writers, so we open every write transaction with BEGIN IMMEDIATE: a
conditional UPDATE then sees the last committed state and never fails half-way with
"database is locked" after reading. PostgreSQL runs at READ COMMITTED with row locks; the
engine's conditional UPDATEs re-check their WHERE clause on the newest row version.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Date,
    Table,
    bindparam,
    column,
    event,
    func,
    insert,
    literal_column,
    select,
)
from sqlalchemy import table as sa_table
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, create_engine

from ticketapp.settings import Settings, settings


class venue_date(FunctionElement):
    """The calendar day of a stored (UTC) time on a venue's clock: `venue_date(Show.starts_at,
    Event.timezone)`. PostgreSQL converts with its own tz database; SQLite calls
    `_sqlite_venue_date`, registered on every connection."""

    type = Date()
    inherit_cache = True
    name = "venue_date"


@compiles(venue_date, "postgresql")
def _venue_date_postgresql(element: venue_date, compiler: Any, **kw: Any) -> str:
    when, zone = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(timezone({zone}, {when}) AS DATE)"


@compiles(venue_date)
def _venue_date_sqlite_sql(element: venue_date, compiler: Any, **kw: Any) -> str:
    when, zone = (compiler.process(c, **kw) for c in element.clauses)
    return f"venue_date({when}, {zone})"


def _sqlite_venue_date(stored: str | None, zone: str | None) -> str | None:
    """SQLite's `venue_date`: stored times are UTC text (with or without an offset)."""
    if stored is None:
        return None
    when = datetime.fromisoformat(stored)
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when
    try:
        return when.astimezone(ZoneInfo(zone or "UTC")).date().isoformat()
    except (ValueError, ZoneInfoNotFoundError):  # the engine never stores such a zone
        return when.date().isoformat()


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
            dbapi_conn.create_function("venue_date", 2, _sqlite_venue_date, deterministic=True)

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        event.listen(engine, "begin", _forget_writes)
        event.listen(engine, "before_cursor_execute", _note_writes)
        return engine
    engine = create_engine(
        url,
        pool_size=limits.db_pool_size,
        max_overflow=limits.db_max_overflow,
        pool_timeout=limits.db_pool_timeout,
        # No ping before every checkout: it costs a round trip per transaction on the hot path.
        # A connection found dead instead invalidates the whole pool at once (SQLAlchemy), and
        # the engine retries a transaction that failed that way before it committed (_tx).
        pool_pre_ping=False,
        # connect_timeout: an unreachable server (not a refusing one) must not hang a worker.
        connect_args={"options": postgres_session_options(limits), "connect_timeout": 5},
    )
    event.listen(engine, "begin", _forget_writes)
    event.listen(engine, "before_cursor_execute", _note_writes)
    return engine


def _forget_writes(conn) -> None:
    conn.info.pop("ticketapp_wrote", None)


def _note_writes(conn, _cursor, statement: str, *_args) -> None:
    if not statement.lstrip()[:6].upper().startswith("SELECT"):
        conn.info["ticketapp_wrote"] = True


def wrote(conn: Connection) -> bool:
    """Did this transaction send anything but SELECTs? (And forget it for the next one.)

    A COMMIT that fails after writes may or may not have happened; one that fails after
    reads only changed nothing. The engine tells the two apart with this.
    """
    return conn.info.pop("ticketapp_wrote", False)


def postgres_session_options(limits: Settings) -> str:
    """Server-side limits for every app connection (libpq `options`, set at connect time).

    A statement or lock wait that runs away must not hold a worker and a pooled connection
    hostage: PostgreSQL cancels it and the API answers 503 + Retry-After (0 turns a limit off).
    `client_connection_check_interval`: a backend whose client died (worker killed) while it
    waits for a lock notices within a second and rolls back, so what it held — a seat's lock,
    an Idempotency-Key's uncommitted record — is free for the retry at once.
    """
    return (
        f"-c statement_timeout={limits.db_statement_timeout_ms} "
        f"-c lock_timeout={limits.db_lock_timeout_ms} "
        "-c client_connection_check_interval=1000"
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


@dataclass(frozen=True)
class Batch:
    """Several writes sent as ONE statement on PostgreSQL, in order elsewhere.

    Built once per shape (the hot paths cache their batches) and run with a dict of
    parameters shared by all its statements; a step with `rows` set is run once per row of
    `params[rows]` (SQLite's stand-in for a multi-row INSERT).
    """

    steps: tuple[tuple[Any, str | None], ...]
    main: int  # the step whose rows are returned

    def run(self, conn: Connection, params: dict[str, Any]) -> list[Any]:
        rows: list[Any] = []
        for index, (stmt, many) in enumerate(self.steps):
            result = conn.execute(stmt, params[many] if many else params)
            if index == self.main:
                rows = result.all()
        return rows


def batch(
    dialect: str, main: Any, *, before: Sequence[Any] = (), after: Sequence[Any] = ()
) -> Batch:
    """Run `before`, `main` and `after` as ONE statement on PostgreSQL; in order elsewhere.

    On PostgreSQL the others become data-modifying CTEs of `main` (one round trip; foreign
    keys between them are checked at the end of the statement, so their order is free). The
    statements must not read each other's effects: a sub-statement of a WITH does not see
    what its siblings change. SQLite cannot put INSERT or UPDATE in a WITH, so it runs them
    one after the other in the given order (foreign keys first). Entries of `before`/`after`
    may be `(statement, rows_key)` pairs, see `Batch`.
    """

    def step(entry: Any) -> tuple[Any, str | None]:
        return entry if isinstance(entry, tuple) else (entry, None)

    if dialect == "postgresql":
        sides = [step(entry)[0].cte(f"w{i}") for i, entry in enumerate([*before, *after])]
        return Batch(((main.add_cte(*sides) if sides else main, None),), 0)
    steps = [step(entry) for entry in before] + [(main, None)] + [step(e) for e in after]
    return Batch(tuple(steps), len(before))


def insert_rows(table: Table, names: Sequence[str], dialect: str, key: str) -> Any:
    """An INSERT of several rows whose SQL is the same whatever their number.

    On PostgreSQL the rows travel as one array per column (parameters `{key}_{name}`) through
    `unnest`; elsewhere the statement takes one row (parameters `{key}_{name}`) and a `Batch`
    step runs it for each row of `params[key]`.
    """
    if dialect != "postgresql":
        return insert(table).values({name: bindparam(f"{key}_{name}") for name in names}), key
    arrays = [bindparam(f"{key}_{name}", type_=ARRAY(table.c[name].type)) for name in names]
    source = func.unnest(*arrays).table_valued(*names).render_derived()
    return insert(table).from_select(list(names), select(*(source.c[name] for name in names)))


def rows_params(rows: list[dict[str, Any]], dialect: str, key: str) -> dict[str, Any]:
    """The parameters of `insert_rows(..., key)` for these rows."""
    if dialect != "postgresql":
        return {key: [{f"{key}_{name}": value for name, value in row.items()} for row in rows]}
    return {f"{key}_{name}": [row[name] for row in rows] for name in rows[0]}
