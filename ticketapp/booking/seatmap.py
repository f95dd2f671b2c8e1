"""Seat map of a show (stub: being implemented)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from ticketapp.booking.results import SeatMap


def seat_map(show_id: int, *, db: Engine | None = None) -> SeatMap:
    raise NotImplementedError


def seat_statuses(
    show_id: int,
    *,
    viewer_id: int | None = None,
    now: datetime | None = None,
    db: Engine | None = None,
) -> dict[int, str]:
    raise NotImplementedError


def general_admission_available(
    show_id: int, *, now: datetime | None = None, db: Engine | None = None
) -> dict[str, int]:
    raise NotImplementedError
