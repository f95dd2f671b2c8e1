"""Extending a hold: one more spell of the show's hold time, once, near the end.

Invariants:
- A live hold may be extended once (`Hold.extended_at` records it), and only in its last
  `EXTEND_WINDOW` — the minute in which the customer is warned that it runs out. Holding seats
  longer than that would keep them from everybody else.
- The extension adds the show's own hold time (`Show.hold_seconds`), never past the end of the
  show's sales window (its close, or its start): a hold must not outlive the sale.
- The hold and its seats move together (`Hold.expires_at` and every `ShowSeat.held_until` of
  it) in one transaction, so "a hold has run out" (`held_until <= now`) stays one rule.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ticketapp.booking._tx import moment, run
from ticketapp.booking.errors import Conflict, HoldExpired, NotAllowed, NotFound
from ticketapp.booking.inventory import ACTIVE, check_on_sale, load_show, seat_update
from ticketapp.booking.results import HoldView
from ticketapp.models import Hold, SeatStatus, Show, ShowSeat

EXTEND_WINDOW = timedelta(seconds=60)


def sale_end(show: Show) -> datetime:
    """When the show stops selling: its sales close, else its start."""
    return min(show.sales_close_at or show.starts_at, show.starts_at)


def extended_until(hold: Hold, show: Show) -> datetime:
    """Where an extension of `hold` would move its end."""
    return min(hold.expires_at + timedelta(seconds=show.hold_seconds), sale_end(show))


def can_extend(hold: Hold, show: Show, now: datetime) -> bool:
    """Would `extend_hold` add time to this hold at `now`?"""
    return (
        hold.status == ACTIVE
        and hold.extended_at is None
        and now < hold.expires_at <= now + EXTEND_WINDOW
        and extended_until(hold, show) > hold.expires_at
    )


def extend_hold(
    hold_id: int, *, user_id: int, now: datetime | None = None, db: Engine | None = None
) -> HoldView:
    """Give the customer's hold the show's hold time once more (see the module rules)."""
    from ticketapp.booking.holds import hold_view  # holds imports this module

    now = moment(now)

    def work(session: Session) -> HoldView:
        hold = session.exec(select(Hold).where(Hold.id == hold_id).with_for_update()).first()
        if hold is None:
            raise NotFound("No such hold.")
        if hold.user_id != user_id:
            raise NotAllowed("This is not your hold.")
        if hold.status != ACTIVE or hold.expires_at <= now:
            raise HoldExpired()
        show, event = load_show(session, hold.show_id)
        check_on_sale(show, event, now)
        if hold.extended_at is not None:
            raise Conflict("This hold has already been extended once.")
        if hold.expires_at > now + EXTEND_WINDOW:
            seconds = int(EXTEND_WINDOW.total_seconds())
            raise Conflict(f"A hold can be extended in its last {seconds} seconds only.")
        until = extended_until(hold, show)
        if until <= hold.expires_at:
            raise Conflict("Sales for this show end before then; the hold cannot be extended.")
        session.exec(
            seat_update(
                ShowSeat.hold_id == hold.id, ShowSeat.status == SeatStatus.HELD, held_until=until
            )
        )
        hold.expires_at, hold.extended_at = until, now
        session.add(hold)
        session.flush()
        return hold_view(session, hold, now)

    return run(db, work)
