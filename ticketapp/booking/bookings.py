"""Bookings (stub: being implemented)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from ticketapp.booking.results import BookingView


def confirm_hold(
    hold_id: int,
    *,
    user_id: int,
    buyer_name: str = "",
    buyer_email: str = "",
    now: datetime | None = None,
    db: Engine | None = None,
) -> BookingView:
    raise NotImplementedError


def cancel_booking(
    booking_id: int,
    *,
    actor_id: int,
    actor_role: str,
    reason: str = "",
    now: datetime | None = None,
    db: Engine | None = None,
) -> BookingView:
    raise NotImplementedError


def get_booking(
    booking_id: int, *, actor_id: int, actor_role: str, db: Engine | None = None
) -> BookingView:
    raise NotImplementedError


def get_booking_by_code(
    code: str, *, actor_id: int, actor_role: str, db: Engine | None = None
) -> BookingView:
    raise NotImplementedError


def list_user_bookings(user_id: int, *, db: Engine | None = None) -> list[BookingView]:
    raise NotImplementedError
