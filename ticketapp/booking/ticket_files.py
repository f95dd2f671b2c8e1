"""Tickets people carry: a booking's PDF tickets and its calendar file — who gets them, when.

Rules (rendering itself is `ticketapp.documents`, outside any transaction):
- The files of a booking go to those who may see the booking page: its buyer, the event's
  organizer, an admin (`bookings.get_booking`, the same access rule). Door staff may not.
- A cancelled booking offers no PDF: its tickets are void and a printed one would only
  confuse the door. Nor a calendar entry — there is nothing left to go to. The same rule
  decides what the confirmation mail attaches, read when the mail is sent.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from ticketapp.booking._tx import run
from ticketapp.booking.access import Actor
from ticketapp.booking.bookings import booking_views, get_booking
from ticketapp.booking.errors import Conflict
from ticketapp.booking.results import BookingView
from ticketapp.models import Booking, BookingStatus


def offers_ticket_files(view: BookingView) -> bool:
    """Does this booking offer its PDF tickets and calendar file?"""
    return view.status == BookingStatus.CONFIRMED and any(t.live for t in view.tickets)


def booking_for_ticket_files(
    booking_id: int, *, actor: Actor, db: Engine | None = None
) -> BookingView:
    """The booking to render, for those who may see it; Conflict if it offers no files."""
    view = get_booking(booking_id, actor=actor, db=db)
    if not offers_ticket_files(view):
        raise Conflict("This booking is cancelled; its tickets are no longer valid.")
    return view


def booking_for_mail(booking_id: int, *, db: Engine | None = None) -> BookingView | None:
    """The booking as it is now, for the mail sender's attachments (None: no files offered).

    No actor: the sender writes only to the address the booking itself was made with."""

    def work(session: Session) -> BookingView | None:
        booking = session.get(Booking, booking_id)
        if booking is None:
            return None
        view = booking_views(session, [booking])[0]
        return view if offers_ticket_files(view) else None

    return run(db, work)
