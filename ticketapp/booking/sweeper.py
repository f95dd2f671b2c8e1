"""Sweeper (stub: being implemented)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from ticketapp.booking.results import ExpiredSeats


def expire_stale_holds(
    *, now: datetime | None = None, db: Engine | None = None
) -> list[ExpiredSeats]:
    raise NotImplementedError
