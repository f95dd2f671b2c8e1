"""Organizer reports (stub: being implemented)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from ticketapp.booking.results import BookingRow, DailySales, EventSales, ShowSales


def show_sales(
    show_id: int, *, now: datetime | None = None, db: Engine | None = None
) -> ShowSales:
    raise NotImplementedError


def event_sales(
    event_id: int, *, now: datetime | None = None, db: Engine | None = None
) -> EventSales:
    raise NotImplementedError


def event_bookings(
    event_id: int,
    *,
    show_id: int | None = None,
    status: str | None = None,
    search: str = "",
    limit: int = 50,
    offset: int = 0,
    db: Engine | None = None,
) -> tuple[list[BookingRow], int]:
    raise NotImplementedError


def sales_over_time(event_id: int, *, db: Engine | None = None) -> list[DailySales]:
    raise NotImplementedError


def ensure_can_manage_event(
    event_id: int, *, actor_id: int, actor_role: str, db: Engine | None = None
) -> None:
    raise NotImplementedError
