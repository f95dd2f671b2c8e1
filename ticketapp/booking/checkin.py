"""Check-in at the door: a ticket admits once, to its own show, while it is live.

Invariant: `Ticket.checked_in_at` is set at most once. Two stewards scanning the same ticket at
the same moment must not both see "checked in".

Why the SQL is shaped so: the stamp is one conditional UPDATE, `... SET checked_in_at = :now
WHERE code IN (:typed, :normalized) AND live AND checked_in_at IS NULL AND <the ticket is for
this show> RETURNING id`. Exactly one concurrent scan gets a row back (PostgreSQL re-checks the
WHERE clause after waiting for the other's row lock); every other answer is worked out
afterwards from a plain read, only to say *why* the ticket was not admitted.

A scanned QR code carries the code exactly; a typed one is forgiven case, separators and
look-alike characters (`codes.normalize_ticket_code`, the one rule for both doors), which is
why both spellings are matched.

A ticket of another show of the same organizer answers "wrong_show" and names that show (so
the steward can send the guest to the right night), but not its seat or booking. Any other
code answers "unknown" and nothing else: a ticket of another organizer's show must not reveal
its seat, booking code or show, nor even that it exists.

Who may scan: the event's organizer, an admin, and the door staff the organizer invited
(`access.may_check_in`); door staff see only the door — the shows they may scan and the
checked-in count — never bookings, buyers or sales.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ticketapp.booking._tx import moment, run
from ticketapp.booking.access import Actor, door_scope, require_check_in
from ticketapp.booking.codes import normalize_ticket_code
from ticketapp.booking.inventory import load_show
from ticketapp.booking.results import CheckInCounts, CheckInResult, DoorShow
from ticketapp.models import Booking, BookingStatus, Event, PriceCategory, Show, ShowSeat, Ticket

# A show stays on the door list this long after it started (late arrivals, long shows).
DOOR_GRACE = timedelta(hours=12)


def check_in(
    ticket_code: str,
    *,
    show_id: int,
    actor: Actor,
    now: datetime | None = None,
    db: Engine | None = None,
) -> CheckInResult:
    """Admit a ticket to `show_id`: the event's organizer, an admin or their door staff scan."""
    now = moment(now)
    typed = ticket_code.strip()
    spellings = {typed, normalize_ticket_code(typed)}

    def work(session: Session) -> CheckInResult:
        _, event = load_show(session, show_id)
        require_check_in(session, actor, event.organizer_id)
        for_this_show = (
            select(Booking.id)
            .where(Booking.id == Ticket.booking_id, Booking.show_id == show_id)
            .exists()
        )
        stamped = session.exec(
            update(Ticket)
            .where(
                Ticket.code.in_(spellings),
                Ticket.live.is_(True),
                Ticket.checked_in_at.is_(None),
                for_this_show,
            )
            .values(checked_in_at=now)
            .returning(Ticket.id)
            .execution_options(synchronize_session=False)
        ).first()
        row = session.exec(
            select(Ticket, ShowSeat.label, Booking.code, PriceCategory.name)
            .join(ShowSeat, ShowSeat.id == Ticket.show_seat_id)
            .join(PriceCategory, PriceCategory.id == ShowSeat.category_id)
            .join(Booking, Booking.id == Ticket.booking_id)
            .where(Ticket.code.in_(spellings), Booking.show_id == show_id)
        ).first()
        if row is None:
            return _not_of_this_show(session, spellings, event)
        ticket, label, booking_code, category = row
        seen = {
            "label": label,
            "booking_code": booking_code,
            "category_name": category,
            "ticket_type": ticket.ticket_type,
        }
        if stamped is not None:
            return CheckInResult("checked_in", now, timezone=event.timezone, **seen)
        if not ticket.live:
            return CheckInResult("cancelled", None, timezone=event.timezone, **seen)
        return CheckInResult(
            "already_checked_in", ticket.checked_in_at, timezone=event.timezone, **seen
        )

    return run(db, work)


def _not_of_this_show(session: Session, spellings: set[str], event: Event) -> CheckInResult:
    """ "wrong_show" for a ticket of another show by the same organizer, else "unknown"."""
    other = session.exec(
        select(Show.id, Show.starts_at, Event.title, Event.timezone)
        .join(Booking, Booking.show_id == Show.id)
        .join(Ticket, Ticket.booking_id == Booking.id)
        .join(Event, Event.id == Show.event_id)
        .where(Ticket.code.in_(spellings), Event.organizer_id == event.organizer_id)
    ).first()
    if other is None:
        return CheckInResult("unknown", timezone=event.timezone)
    show_id, starts_at, title, zone = other
    return CheckInResult(
        "wrong_show",
        timezone=zone,
        other_show_id=show_id,
        other_event_title=title,
        other_starts_at=starts_at,
    )


def check_in_counts(show_id: int, *, actor: Actor, db: Engine | None = None) -> CheckInCounts:
    """Live tickets of the show checked in, out of those sold (confirmed bookings only)."""

    def work(session: Session) -> CheckInCounts:
        _, event = load_show(session, show_id)
        require_check_in(session, actor, event.organizer_id)
        checked_in, sold = session.exec(
            select(
                func.count(Ticket.checked_in_at),
                func.count(Ticket.id),
            )
            .join(Booking, Booking.id == Ticket.booking_id)
            .where(
                Booking.show_id == show_id,
                Booking.status == BookingStatus.CONFIRMED,
                Ticket.live.is_(True),
            )
        ).one()
        return CheckInCounts(show_id=show_id, checked_in=checked_in, sold=sold)

    return run(db, work)


def door_shows(
    *, actor: Actor, now: datetime | None = None, db: Engine | None = None
) -> list[DoorShow]:
    """The shows whose door `actor` may work, from those that started lately, soonest first."""
    now = moment(now)

    def work(session: Session) -> list[DoorShow]:
        rows = session.exec(
            select(Show, Event)
            .join(Event, Event.id == Show.event_id)
            .where(door_scope(actor, Event.organizer_id), Show.starts_at >= now - DOOR_GRACE)
            .order_by(Show.starts_at, Show.id)
            .limit(200)
        ).all()
        return [
            DoorShow(
                show_id=show.id,
                event_id=event.id,
                event_title=event.title,
                venue_name=event.venue_name,
                starts_at=show.starts_at,
                timezone=event.timezone,
                status=show.status,
            )
            for show, event in rows
        ]

    return run(db, work)


def door_show(show_id: int, *, actor: Actor, db: Engine | None = None) -> DoorShow:
    """One show's door, for those who may scan its tickets (NotFound / NotAllowed)."""

    def work(session: Session) -> DoorShow:
        show, event = load_show(session, show_id)
        require_check_in(session, actor, event.organizer_id)
        return DoorShow(
            show_id=show.id,
            event_id=event.id,
            event_title=event.title,
            venue_name=event.venue_name,
            starts_at=show.starts_at,
            timezone=event.timezone,
            status=show.status,
        )

    return run(db, work)
