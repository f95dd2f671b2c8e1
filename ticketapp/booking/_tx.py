"""One engine operation = one transaction, and callers only ever see typed errors.

`run(db, work)` opens a session, hands it to `work`, commits when `work` returns and rolls back
on any exception, so a failed operation leaves nothing written. `run_core(db, work)` does the
same with a bare SQLAlchemy Core connection: the hot paths (holding chosen seats, confirming)
use it to skip the ORM's unit of work.

PostgreSQL may abort a transaction for reasons that say nothing about the request — it was
picked as a deadlock victim (40P01), hit a serialization failure (40001) or a lock timeout
(55P03); SQLite may report a busy database. Those are retried a few times after a short random
pause (jitter, so the retriers do not collide again in lockstep). Of the unique-key
violations, only the collisions of random codes are retried (`work` draws new ones); any
other violation is a conflict with data that exists, reported as `Conflict`. Whatever still
fails becomes `TemporarilyUnavailable`: the engine never leaks a raw database error.

A failure *while committing* is different: the commit may have happened. It is reported as
`OutcomeUnknown`, never as "nothing was done"; with an Idempotency-Key (`Once`) the retry finds
the stored answer if it did. With `once`, the runners replay a stored answer instead of
running `work`, store the answer in the same transaction, and store refusals afterwards
(see `ticketapp.booking.idempotency`).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session

from ticketapp import db as databases
from ticketapp.booking import idempotency
from ticketapp.booking.errors import (
    BookingError,
    Conflict,
    InvalidRequest,
    OutcomeUnknown,
    TemporarilyUnavailable,
)
from ticketapp.booking.idempotency import KeyTaken, Once, Replay
from ticketapp.models import utcnow

T = TypeVar("T")
log = logging.getLogger(__name__)

RETRYABLE_SQLSTATES = frozenset({"40P01", "40001", "55P03"})
# Unique indexes on random codes: a collision is bad luck, and a new draw fixes it.
RANDOM_CODE_KEYS = ("booking_code_key", "ticket_code_key", "booking.code", "ticket.code")
ATTEMPTS = 4


def moment(now: datetime | None) -> datetime:
    """The operation's clock: the caller's `now` (tests move time with it) or the real one."""
    if now is None:
        return utcnow()
    if now.tzinfo is None or now.utcoffset() is None:
        raise InvalidRequest("Times must be timezone-aware (UTC).", "now")
    return now


def jitter(attempt: int, base: float = 0.002, cap: float = 0.05) -> None:
    """Sleep a random moment that grows with the attempt number (exponential backoff)."""
    time.sleep(random.uniform(0, min(cap, base * 2**attempt)))


def _code_collision(exc: IntegrityError) -> bool:
    diag = getattr(exc.orig, "diag", None)
    name = getattr(diag, "constraint_name", None) or str(exc.orig)
    return any(key in name for key in RANDOM_CODE_KEYS)


def _retryable(exc: DBAPIError) -> bool:
    if isinstance(exc, IntegrityError):
        return _code_collision(exc)
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in RETRYABLE_SQLSTATES:
        return True
    return "database is locked" in str(exc.orig)


class _CommitFailed(Exception):
    def __init__(self, cause: DBAPIError) -> None:
        super().__init__(str(cause))
        self.cause = cause


def _attempts(
    db: Engine,
    transaction: Callable[[], Any],
    once: Once | None,
    now: datetime | None,
    attempts: int,
) -> Any:
    for attempt in range(attempts):
        try:
            outcome = transaction()
        except KeyTaken:
            with db.connect() as conn:
                replay = idempotency.lookup(conn, once)
            if replay is not None:
                return replay
            continue  # the other owner's answer vanished (cannot happen): run for real
        except _CommitFailed as failed:
            log.warning("commit failed, outcome unknown: %s", type(failed.cause.orig).__name__)
            raise OutcomeUnknown() from failed.cause
        except BookingError as refusal:
            if once is not None:
                idempotency.remember_refusal(db, once, refusal, moment(now))
            raise
        except DBAPIError as exc:
            # A connection found dead (the database restarted since it was pooled) failed
            # before COMMIT: nothing was written, and a fresh connection will do.
            if (_retryable(exc) or exc.connection_invalidated) and attempt + 1 < attempts:
                log.info("retrying after %s (attempt %d)", type(exc.orig).__name__, attempt + 1)
                jitter(attempt + 2)
                continue
            if isinstance(exc, IntegrityError):
                log.info("integrity conflict in booking engine: %s", exc.orig)
                raise Conflict("This conflicts with data that already exists.") from exc
            log.warning("database error in booking engine: %s", exc.orig)
            raise TemporarilyUnavailable() from exc
        if isinstance(outcome, BookingError):  # a refusal whose side effects were committed
            raise outcome
        return outcome
    raise TemporarilyUnavailable()


def _key_taken(exc: IntegrityError, once: Once | None) -> bool:
    return once is not None and idempotency.is_key_taken(exc)


def _in_transaction(
    conn: Connection,
    work: Callable[[], Any],
    rollback: Callable[[], None],
    commit: Callable[[], None],
    once: Once | None,
) -> Any:
    """Run `work`, then commit; sort what goes wrong into the runners' signals."""
    try:
        outcome = work()
    except IntegrityError as exc:
        rollback()
        if _key_taken(exc, once):
            raise KeyTaken() from exc
        raise
    except BaseException:
        rollback()
        raise
    wrote = databases.wrote(conn)
    try:
        commit()
    except IntegrityError as exc:
        if _key_taken(exc, once):
            raise KeyTaken() from exc
        raise
    except DBAPIError as exc:
        if not wrote:  # a read: nothing can have been done
            raise
        raise _CommitFailed(exc) from exc
    return outcome


def run(
    db: Engine | None,
    work: Callable[[Session], T],
    *,
    attempts: int = ATTEMPTS,
    once: Once | None = None,
    now: datetime | None = None,
) -> T | Replay:
    """Run `work` in one ORM session and transaction (see the module docstring)."""
    engine = db or databases.get_engine()

    def transaction() -> Any:
        with Session(engine, expire_on_commit=False) as session:

            def guarded() -> Any:
                if once is not None:
                    replay = idempotency.lookup(session.connection(), once)
                    if replay is not None:
                        return replay
                outcome = work(session)
                if once is not None:
                    idempotency.record(session.connection(), once, outcome, moment(now))
                return outcome

            return _in_transaction(
                session.connection(), guarded, session.rollback, session.commit, once
            )

    return _attempts(engine, transaction, once, now, attempts)


def run_core(
    db: Engine | None,
    work: Callable[[Connection], T],
    *,
    attempts: int = ATTEMPTS,
    once: Once | None = None,
    now: datetime | None = None,
) -> T | Replay:
    """Run `work` on one Core connection in one transaction; `work` itself reads and stores
    the key's answer (`idempotency.outer_join`, `idempotency.record`) in its own statements."""
    engine = db or databases.get_engine()

    def transaction() -> Any:
        with engine.connect() as conn:
            conn.begin()
            return _in_transaction(conn, lambda: work(conn), conn.rollback, conn.commit, once)

    return _attempts(engine, transaction, once, now, attempts)
