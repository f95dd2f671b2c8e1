"""Bookings: a confirmed hold, with one ticket per seat; and their cancellation.

Invariants:
- A booking is confirmed with exactly the seats its live hold held, each turned `booked` and
  given one live ticket; the booking's total is the sum of its tickets' prices.
- An expired hold is never confirmed (its seats may already be someone else's).
- Confirming a hold twice gives the same booking (`Booking.hold_id` is unique).
- Cancelling a booking kills all its tickets and puts all its seats back on sale at once; it
  is refused once the show has started or a ticket of the booking has been checked in.
- Confirming and cancelling each write the buyer's mail into the outbox in the same
  transaction (`outbox.enqueue_booking_mail`): one mail per change, none for a rolled-back one.

Why the SQL is shaped so: confirm locks the hold row first (FOR NO KEY UPDATE, so inserts that
merely reference the hold are not blocked). Two confirms of one hold — a double click, a
retried request — queue there, and the second one finds the booking the first one made. Every
change to a hold's seats (adding, deselecting) takes the same lock, so the seats read under it
are stable. The seats are moved by one conditional UPDATE (`WHERE hold_id = :h AND status =
'held' AND held_until > :now`), so even a hold whose clock ran out between the check and the
write could not be booked. Cancel locks the booking row in the same way; the partial unique
index on live tickets is the database's own backstop against a seat in two live bookings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ticketapp.booking import outbox
from ticketapp.booking._tx import moment, run
from ticketapp.booking.buyers import clean_buyer
from ticketapp.booking.codes import new_booking_code, new_ticket_code, normalize_booking_code
from ticketapp.booking.errors import (
    Conflict,
    HoldExpired,
    InvalidRequest,
    NotAllowed,
    NotFound,
    SalesClosed,
)
from ticketapp.booking.inventory import (
    ACTIVE,
    CONFIRMED,
    EXPIRED,
    check_on_sale,
    expire_hold,
    load_show,
    seat_update,
    seats_of_hold,
)
from ticketapp.booking.results import BookingView, TicketView
from ticketapp.models import (
    Booking,
    Event,
    Hold,
    PriceCategory,
    Role,
    SeatStatus,
    Show,
    ShowSeat,
    Ticket,
    User,
)

CONFIRMED_BOOKING, CANCELLED_BOOKING = "confirmed", "cancelled"


def confirm_hold(
    hold_id: int,
    *,
    user_id: int,
    buyer_name: str = "",
    buyer_email: str = "",
    now: datetime | None = None,
    db: Engine | None = None,
) -> BookingView:
    """Turn the customer's live hold into a booking (idempotent)."""
    buyer_name, buyer_email = clean_buyer(buyer_name, buyer_email)
    now = moment(now)

    def work(session: Session) -> BookingView | HoldExpired:
        hold = session.exec(
            select(Hold).where(Hold.id == hold_id).with_for_update(key_share=True)
        ).first()
        if hold is None:
            raise NotFound("No such hold.")
        if hold.user_id != user_id:
            raise NotAllowed("This is not your hold.")
        if hold.status == CONFIRMED:
            booking = session.exec(select(Booking).where(Booking.hold_id == hold.id)).one()
            return booking_views(session, [booking])[0]
        if hold.status == EXPIRED or (hold.status == ACTIVE and hold.expires_at <= now):
            if hold.status == ACTIVE:
                expire_hold(session, hold)
            # Returned, not raised: the release of the seats must be committed.
            return HoldExpired()
        if hold.status != ACTIVE:
            raise Conflict("This hold was released; choose your seats again.")
        show, event = load_show(session, hold.show_id)
        check_on_sale(show, event, now)
        return _book(session, hold, buyer_name, buyer_email, now)

    outcome = run(db, work)
    if isinstance(outcome, HoldExpired):
        raise outcome
    return outcome


def _book(
    session: Session, hold: Hold, buyer_name: str, buyer_email: str, now: datetime
) -> BookingView:
    user = session.get(User, hold.user_id)
    chosen = seats_of_hold(session, hold.id)
    booking = Booking(
        code=new_booking_code(),
        user_id=hold.user_id,
        show_id=hold.show_id,
        hold_id=hold.id,
        status=CONFIRMED_BOOKING,
        total_cents=0,
        buyer_name=(buyer_name.strip() or user.name)[:120],
        buyer_email=(buyer_email.strip() or user.email)[:254],
        created_at=now,
    )
    session.add(booking)
    session.flush()
    seats = session.exec(
        update(ShowSeat)
        .where(
            ShowSeat.hold_id == hold.id,
            ShowSeat.status == SeatStatus.HELD,
            ShowSeat.held_until > now,
        )
        .values(
            status=SeatStatus.BOOKED,
            booking_id=booking.id,
            hold_id=None,
            held_until=None,
            version=ShowSeat.version + 1,
        )
        .returning(ShowSeat.id, ShowSeat.category_id)
        .execution_options(synchronize_session=False)
    ).all()
    if not chosen:
        raise InvalidRequest("Your hold has no seats; choose some first.")
    if len(seats) != len(chosen):
        # Another buyer, whose clock already read past the deadline, took a seat between our
        # look and our write. A booking is all of the hold or nothing (the rollback undoes it).
        raise HoldExpired()
    categories = {
        c.id: c
        for c in session.exec(select(PriceCategory).where(PriceCategory.show_id == hold.show_id))
    }
    tickets = [
        {
            "booking_id": booking.id,
            "show_seat_id": seat_id,
            "code": new_ticket_code(),
            "price_cents": categories[category_id].price_cents,
            "live": True,
        }
        for seat_id, category_id in seats
    ]
    session.exec(insert(Ticket), params=tickets)
    booking.total_cents = sum(t["price_cents"] for t in tickets)
    booking.currency = categories[seats[0][1]].currency
    hold.status = CONFIRMED
    session.add_all([booking, hold])
    session.flush()
    view = booking_views(session, [booking])[0]
    outbox.enqueue_booking_mail(session, outbox.MailKind.BOOKING_CONFIRMED, view, now=now)
    return view


def _may_see(booking: Booking, event: Event, actor_id: int, actor_role: str) -> bool:
    return actor_role == Role.ADMIN or actor_id in (booking.user_id, event.organizer_id)


def cancel_booking(
    booking_id: int,
    *,
    actor_id: int,
    actor_role: str,
    reason: str = "",
    mail_kind: str | None = None,
    now: datetime | None = None,
    db: Engine | None = None,
) -> BookingView:
    """Cancel a booking before its show starts: every ticket dies, every seat is for sale.

    The buyer is mailed (see `cancel_booking_in` for which mail).
    """
    now = moment(now)
    return run(
        db,
        lambda session: cancel_booking_in(
            session,
            booking_id,
            actor_id=actor_id,
            actor_role=actor_role,
            reason=reason,
            mail_kind=mail_kind,
            now=now,
        ),
    )


def cancel_booking_in(
    session: Session,
    booking_id: int,
    *,
    actor_id: int,
    actor_role: str,
    reason: str = "",
    mail_kind: str | None = None,
    now: datetime,
) -> BookingView:
    """`cancel_booking` inside the caller's transaction, e.g. one that cancels a whole event.

    The buyer's mail goes into the same transaction: `mail_kind` defaults to
    `MailKind.SHOW_CANCELLED` when the show or its event is already marked cancelled, else
    `MailKind.BOOKING_CANCELLED`; `reason` is quoted in it. Cancelling an already cancelled
    booking changes nothing and mails nothing.
    """
    booking = session.exec(
        select(Booking).where(Booking.id == booking_id).with_for_update(key_share=True)
    ).first()
    if booking is None:
        raise NotFound("No such booking.")
    show, event = load_show(session, booking.show_id)
    if not _may_see(booking, event, actor_id, actor_role):
        raise NotAllowed("You cannot cancel this booking.")
    if booking.status == CANCELLED_BOOKING:
        return booking_views(session, [booking])[0]
    if now >= show.starts_at:
        raise SalesClosed("The show has started; this booking can no longer be cancelled.")
    used = session.exec(
        select(Ticket.id).where(Ticket.booking_id == booking.id, Ticket.checked_in_at.is_not(None))
    ).first()
    if used is not None:
        # Its holder is already inside: reselling the seat would seat two people on it.
        raise Conflict("A ticket of this booking has been used at the door.")
    session.exec(
        update(Ticket)
        .where(Ticket.booking_id == booking.id, Ticket.live.is_(True))
        .values(live=False)
        .execution_options(synchronize_session=False)
    )
    session.exec(
        seat_update(
            ShowSeat.booking_id == booking.id,
            ShowSeat.status == SeatStatus.BOOKED,
            status=SeatStatus.AVAILABLE,
            booking_id=None,
        )
    )
    booking.status = CANCELLED_BOOKING
    booking.cancelled_at = now
    booking.cancel_reason = reason.strip()[:500]
    session.add(booking)
    session.flush()
    view = booking_views(session, [booking])[0]
    if mail_kind is None:
        show_off = "cancelled" in (show.status, event.status)
        mail_kind = (
            outbox.MailKind.SHOW_CANCELLED if show_off else outbox.MailKind.BOOKING_CANCELLED
        )
    outbox.enqueue_booking_mail(
        session,
        mail_kind,
        view,
        now=now,
        reason=booking.cancel_reason,
        cancelled_by_buyer=actor_id == booking.user_id,
    )
    return view


def get_booking(
    booking_id: int, *, actor_id: int, actor_role: str, db: Engine | None = None
) -> BookingView:
    """A booking, for its owner, the event's organizer or an admin."""

    def work(session: Session) -> BookingView:
        booking = session.get(Booking, booking_id)
        return _visible(session, booking, actor_id, actor_role, hide=False)

    return run(db, work)


def get_booking_by_code(
    code: str, *, actor_id: int, actor_role: str, db: Engine | None = None
) -> BookingView:
    """A booking by its code (spaces, dashes and case are forgiven)."""
    code = normalize_booking_code(code)

    def work(session: Session) -> BookingView:
        booking = session.exec(select(Booking).where(Booking.code == code)).first()
        return _visible(session, booking, actor_id, actor_role, hide=True)

    return run(db, work)


def _visible(
    session: Session, booking: Booking | None, actor_id: int, actor_role: str, *, hide: bool
) -> BookingView:
    if booking is None:
        raise NotFound("No such booking.")
    event = session.exec(
        select(Event).join(Show, Show.event_id == Event.id).where(Show.id == booking.show_id)
    ).one()
    if not _may_see(booking, event, actor_id, actor_role):
        if hide:  # a guessed code must not learn that it exists
            raise NotFound("No such booking.")
        raise NotAllowed("This is not your booking.")
    return booking_views(session, [booking])[0]


def list_user_bookings(user_id: int, *, db: Engine | None = None) -> list[BookingView]:
    """The customer's bookings, newest first."""

    def work(session: Session) -> list[BookingView]:
        bookings = session.exec(
            select(Booking)
            .where(Booking.user_id == user_id)
            .order_by(Booking.created_at.desc(), Booking.id.desc())
        ).all()
        return booking_views(session, bookings)

    return run(db, work)


def booking_views(session: Session, bookings: Sequence[Booking]) -> list[BookingView]:
    """Views of several bookings with three queries, whatever their number."""
    if not bookings:
        return []
    ids = [b.id for b in bookings]
    shows = {
        show.id: (show, event)
        for show, event in session.exec(
            select(Show, Event)
            .join(Event, Event.id == Show.event_id)
            .where(Show.id.in_({b.show_id for b in bookings}))
        ).all()
    }
    tickets: dict[int, list[TicketView]] = defaultdict(list)
    for ticket, seat, category in session.exec(
        select(Ticket, ShowSeat, PriceCategory)
        .join(ShowSeat, ShowSeat.id == Ticket.show_seat_id)
        .join(PriceCategory, PriceCategory.id == ShowSeat.category_id)
        .where(Ticket.booking_id.in_(ids))
        .order_by(ShowSeat.section, ShowSeat.y, ShowSeat.row_label, ShowSeat.x, ShowSeat.number)
    ).all():
        tickets[ticket.booking_id].append(
            TicketView(
                id=ticket.id,
                code=ticket.code,
                seat_id=seat.id,
                label=seat.label,
                section=seat.section,
                category_name=category.name,
                price_cents=ticket.price_cents,
                checked_in_at=ticket.checked_in_at,
                live=ticket.live,
            )
        )
    views = []
    for b in bookings:
        show, event = shows[b.show_id]
        views.append(
            BookingView(
                id=b.id,
                code=b.code,
                show_id=b.show_id,
                event_id=event.id,
                user_id=b.user_id,
                status=b.status,
                total_cents=b.total_cents,
                currency=b.currency,
                created_at=b.created_at,
                cancelled_at=b.cancelled_at,
                buyer_name=b.buyer_name,
                buyer_email=b.buyer_email,
                tickets=tuple(tickets[b.id]),
                event_title=event.title,
                venue_name=event.venue_name,
                starts_at=show.starts_at,
            )
        )
    return views
