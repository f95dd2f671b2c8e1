"""One engine operation = one transaction, and callers only ever see typed errors.

`run(db, work)` opens a session, hands it to `work`, commits when `work` returns and rolls back
on any exception, so a failed operation leaves nothing written. PostgreSQL may abort a
transaction for reasons that say nothing about the request — it was picked as a deadlock victim
(40P01), hit a serialization failure (40001) or a lock timeout (55P03); SQLite may report a
busy database. Those are retried a few times after a short random pause (jitter, so the
retriers do not collide again in lockstep). A unique-key collision (two random booking codes
that happen to match) is retried too, since `work` draws new codes. Whatever still fails
becomes `TemporarilyUnavailable`: the engine never leaks a raw database error.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session

from ticketapp.booking.errors import InvalidRequest, TemporarilyUnavailable
from ticketapp.db import session_scope
from ticketapp.models import utcnow

T = TypeVar("T")
log = logging.getLogger(__name__)

RETRYABLE_SQLSTATES = frozenset({"40P01", "40001", "55P03"})
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


def _retryable(exc: DBAPIError) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in RETRYABLE_SQLSTATES:
        return True
    return "database is locked" in str(exc.orig)


def run(db: Engine | None, work: Callable[[Session], T], *, attempts: int = ATTEMPTS) -> T:
    for attempt in range(attempts):
        try:
            with session_scope(db) as session:
                return work(session)
        except DBAPIError as exc:
            if _retryable(exc) and attempt + 1 < attempts:
                log.info("retrying after %s (attempt %d)", type(exc.orig).__name__, attempt + 1)
                jitter(attempt + 2)
                continue
            log.warning("database error in booking engine: %s", exc.orig)
            raise TemporarilyUnavailable() from exc
    raise AssertionError("unreachable")
