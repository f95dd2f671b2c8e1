"""General admission (stub: being implemented)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from ticketapp.booking.results import HoldResult


def hold_general_admission(
    user_id: int,
    show_id: int,
    quantity: int,
    *,
    section: str | None = None,
    now: datetime | None = None,
    db: Engine | None = None,
) -> HoldResult:
    raise NotImplementedError
