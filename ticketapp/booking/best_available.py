"""Best available (stub: being implemented)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from ticketapp.booking.results import HoldResult


def hold_best_available(
    user_id: int,
    show_id: int,
    quantity: int,
    *,
    category_id: int | None = None,
    accessible: int = 0,
    now: datetime | None = None,
    db: Engine | None = None,
) -> HoldResult:
    raise NotImplementedError
