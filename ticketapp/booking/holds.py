"""Holds (stub: being implemented)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.engine import Engine

from ticketapp.booking.results import HoldResult, HoldView


def hold_seats(
    user_id: int,
    show_id: int,
    seat_ids: Iterable[int],
    *,
    now: datetime | None = None,
    db: Engine | None = None,
) -> HoldResult:
    raise NotImplementedError


def release_seats(
    hold_id: int,
    seat_ids: Iterable[int],
    *,
    user_id: int,
    now: datetime | None = None,
    db: Engine | None = None,
) -> HoldResult:
    raise NotImplementedError


def release_hold(
    hold_id: int, *, user_id: int, now: datetime | None = None, db: Engine | None = None
) -> list[int]:
    raise NotImplementedError


def get_hold(
    hold_id: int,
    *,
    user_id: int,
    user_role: str = "customer",
    now: datetime | None = None,
    db: Engine | None = None,
) -> HoldView:
    raise NotImplementedError


def current_hold(
    user_id: int, show_id: int, *, now: datetime | None = None, db: Engine | None = None
) -> HoldView | None:
    raise NotImplementedError
