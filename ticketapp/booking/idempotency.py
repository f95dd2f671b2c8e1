"""Idempotency-Key: a retried request gets the first answer, and nothing happens twice.

Invariant: a key's record — with the answer the caller got — is committed in the same
transaction as the change it guards, or not at all. So:
- A stored answer is the truth about what was committed. A crash right after the commit
  loses nothing: the retry replays the answer (201 and the booking), never "nothing done".
- There is no "in progress" state that can outlive its owner. Two requests with one key may
  run at the same time; the second one's INSERT of the record waits on the first one's
  uncommitted row (the unique index). If the first commits, the second fails on the index,
  rolls back everything it did and replays the first answer. If the first dies — worker
  killed, connection lost — PostgreSQL rolls it back at once and the second simply goes on:
  the lease on a key is its owner's transaction itself.
- The answer is looked up at the start of the operation (the hot paths fold the lookup into
  their first statement); an answer stored for a different request is `IdempotencyKeyReused`.
- A refusal (a 4xx: seats taken, hold expired...) writes nothing, so its answer is stored by a
  short transaction of its own right after; retries replay the refusal. Server-side failures
  (5xx) are not stored: the retry must run for real.

The engine stores the door's answer as opaque text: `Once.encode` (given by the door) turns a
result or a refusal into (status, body).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from ticketapp.booking.errors import BookingError, IdempotencyKeyReused
from ticketapp.models import IdempotencyRecord

record_table = IdempotencyRecord.__table__
UNIQUE_KEY = "uq_idempotency_user_scope_key"
LEGACY_CLAIM = 0


@dataclass(frozen=True)
class Once:
    """One idempotent request: whose key, for which operation, and the request's fingerprint."""

    user_id: int
    scope: str  # e.g. "POST /api/v1/holds"
    key: str
    request_hash: str
    encode: Callable[[Any], tuple[int, str]]  # a result or a BookingError -> (status, body)


@dataclass(frozen=True)
class Replay:
    """The stored answer to a request already made with this key."""

    status_code: int
    body: str


class KeyTaken(Exception):
    """Another request with the same key committed first; replay its answer."""


def _matches() -> Any:
    return and_(
        record_table.c.user_id == bindparam("p_once_user_id"),
        record_table.c.scope == bindparam("p_once_scope"),
        record_table.c.key == bindparam("p_once_key"),
    )


def params(once: Once | None) -> dict[str, Any]:
    """The parameters naming the key, for `outer_join`, `lookup` and `record` statements."""
    if once is None:
        return {}
    return {"p_once_user_id": once.user_id, "p_once_scope": once.scope, "p_once_key": once.key}


def outer_join(query: Any, keyed: bool) -> Any:
    """Add the key's stored answer (if any) to a hot path's first statement."""
    if not keyed:
        return query
    return query.outerjoin(record_table, _matches()).add_columns(
        record_table.c.request_hash.label("once_request_hash"),
        record_table.c.status_code.label("once_status_code"),
        record_table.c.response_json.label("once_response_json"),
    )


def replay_from(conn: Connection, row: Any, once: Once | None) -> Replay | None:
    """The replay found by `outer_join`'s columns, or None if this request is the first.

    Without a row (the hold or show asked for does not exist), the key is looked up alone:
    a key reused for a request about something else is still the client's bug.
    """
    if once is None:
        return None
    if row is None:
        return lookup(conn, once)
    if row.once_request_hash is None:
        return None
    return _replay(conn, row.once_request_hash, row.once_status_code, row.once_response_json, once)


def _replay(
    conn: Connection, request_hash: str, status_code: int, body: str, once: Once
) -> Replay | None:
    if request_hash != once.request_hash:
        raise IdempotencyKeyReused()
    if status_code == LEGACY_CLAIM:
        # A claim without an answer, left by the earlier two-transaction design when its owner
        # died: nothing it guarded was answered, so the request runs (and answers) now.
        conn.execute(
            delete(record_table).where(_matches(), record_table.c.status_code == LEGACY_CLAIM),
            params(once),
        )
        return None
    return Replay(status_code, body)


def lookup(conn: Connection, once: Once) -> Replay | None:
    """The stored answer for the key, read on its own (paths without a fused first read)."""
    row = conn.execute(_LOOKUP, params(once)).first()
    return _replay(conn, *row, once) if row else None


_LOOKUP = select(
    record_table.c.request_hash, record_table.c.status_code, record_table.c.response_json
).where(_matches())

# Stores the answer inside the operation's transaction. A plain INSERT: if another request
# with the key committed first, the unique index raises and the whole transaction (the
# duplicate change included) rolls back; see `is_key_taken`.
_RECORD_VALUES = {
    "user_id": bindparam("p_once_user_id"),
    "scope": bindparam("p_once_scope"),
    "key": bindparam("p_once_key"),
    "request_hash": bindparam("p_once_hash"),
    "status_code": bindparam("p_once_status"),
    "response_json": bindparam("p_once_body"),
    "created_at": bindparam("p_once_at"),
}
RECORD = insert(record_table).values(**_RECORD_VALUES)


def record_params(once: Once, outcome: Any, now: datetime) -> dict[str, Any]:
    """The parameters of `RECORD` storing `outcome`'s answer."""
    status, body = once.encode(outcome)
    return {
        **params(once),
        "p_once_hash": once.request_hash,
        "p_once_status": status,
        "p_once_body": body,
        "p_once_at": now,
    }


def record(conn: Connection, once: Once | None, outcome: Any, now: datetime) -> Any:
    """Store `outcome`'s answer in the caller's transaction (nothing without a key)."""
    if once is not None:
        conn.execute(RECORD, record_params(once, outcome, now))
    return outcome


def is_key_taken(exc: IntegrityError) -> bool:
    diag = getattr(exc.orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name:
        return name == UNIQUE_KEY
    return "idempotency_record" in str(exc.orig)  # SQLite names the columns, not the index


def remember_refusal(db: Engine, once: Once, refusal: BookingError, now: datetime) -> None:
    """Store a 4xx answer after its transaction rolled back (it changed nothing)."""
    params = record_params(once, refusal, now)
    if params["p_once_status"] >= 500:
        return
    dialect = postgresql if db.dialect.name == "postgresql" else sqlite
    stmt = (
        dialect.insert(record_table)
        .values(**_RECORD_VALUES)
        .on_conflict_do_nothing(index_elements=["user_id", "scope", "key"])
    )
    try:
        with db.begin() as conn:
            conn.execute(stmt, params)
    except Exception:  # bookkeeping: losing it only means the retry runs for real
        return
