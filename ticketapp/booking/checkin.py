"""Check-in at the door: a ticket admits once, to its own show, while it is live.

Invariant: `Ticket.checked_in_at` is set at most once. Two stewards scanning the same ticket at
the same moment must not both see "checked in".

Why the SQL is shaped so: the stamp is one conditional UPDATE, `... SET checked_in_at = :now
WHERE code = :c AND live AND checked_in_at IS NULL AND <the ticket is for this show>
RETURNING id`. Exactly one concurrent scan gets a row back (PostgreSQL re-checks the WHERE
clause after waiting for the other's row lock); every other answer is worked out afterwards
from a plain read, only to say *why* the ticket was not admitted.

A code that is not a ticket of this show answers "unknown" and nothing else: a ticket of
another show (perhaps another organizer's) must not reveal its seat or booking code, nor even
that it exists.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ticketapp.booking._tx import moment, run
from ticketapp.booking.access import Actor, require_manager
from ticketapp.booking.inventory import load_show
from ticketapp.booking.results import CheckInResult
from ticketapp.models import Booking, ShowSeat, Ticket


def check_in(
    ticket_code: str,
    *,
    show_id: int,
    actor: Actor,
    now: datetime | None = None,
    db: Engine | None = None,
) -> CheckInResult:
    """Admit a ticket to `show_id`. Only the event's organizer (or an admin) scans tickets."""
    now = moment(now)
    code = ticket_code.strip()

    def work(session: Session) -> CheckInResult:
        _, event = load_show(session, show_id)
        require_manager(
            actor, event.organizer_id, "Only the event's organizer can check tickets in."
        )
        for_this_show = (
            select(Booking.id)
            .where(Booking.id == Ticket.booking_id, Booking.show_id == show_id)
            .exists()
        )
        stamped = session.exec(
            update(Ticket)
            .where(
                Ticket.code == code,
                Ticket.live.is_(True),
                Ticket.checked_in_at.is_(None),
                for_this_show,
            )
            .values(checked_in_at=now)
            .returning(Ticket.id)
            .execution_options(synchronize_session=False)
        ).first()
        row = session.exec(
            select(Ticket, ShowSeat.label, Booking.code)
            .join(ShowSeat, ShowSeat.id == Ticket.show_seat_id)
            .join(Booking, Booking.id == Ticket.booking_id)
            .where(Ticket.code == code, Booking.show_id == show_id)
        ).first()
        if row is None:
            return CheckInResult("unknown")
        ticket, label, booking_code = row
        if stamped is not None:
            return CheckInResult("checked_in", now, label, booking_code)
        if not ticket.live:
            return CheckInResult("cancelled", None, label, booking_code)
        return CheckInResult("already_checked_in", ticket.checked_in_at, label, booking_code)

    return run(db, work)
