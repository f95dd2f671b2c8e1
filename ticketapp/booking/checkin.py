"""Check-in (stub: being implemented)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from ticketapp.booking.results import CheckInResult


def check_in(
    ticket_code: str,
    *,
    show_id: int,
    actor_id: int,
    actor_role: str,
    now: datetime | None = None,
    db: Engine | None = None,
) -> CheckInResult:
    raise NotImplementedError
