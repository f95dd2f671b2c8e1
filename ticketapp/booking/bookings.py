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
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, select

from ticketapp.booking import idempotency, outbox, pricing
from ticketapp.booking import tables as t
from ticketapp.booking._tx import moment, run, run_core
from ticketapp.booking.access import Actor, can_manage
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
from ticketapp.booking.hidden_categories import refuse_unclaimed
from ticketapp.booking.idempotency import Once, Replay
from ticketapp.booking.inventory import (
    ACTIVE,
    CONFIRMED,
    EXPIRED,
    anyone_waiting,
    check_sales_open,
    expire_hold_in,
    load_show,
    seat_update,
)
from ticketapp.booking.results import BookingView, TicketView
from ticketapp.booking.waiting_list import offer_returned_seats
from ticketapp.db import Batch, batch, fresh_ids, insert_rows, rows_params
from ticketapp.models import (
    Booking,
    BookingStatus,
    Event,
    PriceCategory,
    SeatStatus,
    Show,
    ShowSeat,
    Ticket,
)

CONFIRMED_BOOKING, CANCELLED_BOOKING = BookingStatus.CONFIRMED, BookingStatus.CANCELLED


def confirm_hold(
    hold_id: int,
    *,
    user_id: int,
    buyer_name: str = "",
    buyer_email: str = "",
    now: datetime | None = None,
    db: Engine | None = None,
    once: Once | None = None,
    ticket_types: Mapping[int, int] | None = None,
    promo_code: str = "",
) -> BookingView | Replay:
    """Turn the customer's live hold into a booking (idempotent).

    `ticket_types` maps seat ids to the ticket type each sells as (default: its category's
    first type); `promo_code` is claimed for this booking (see `pricing`).
    """
    now = moment(now)

    def work(conn: Connection) -> BookingView | HoldExpired | Replay:
        return confirm_hold_in(
            conn, hold_id, user_id, buyer_name, buyer_email, now, once, ticket_types, promo_code
        )

    return run_core(db, work, once=once, now=now)


def confirm_hold_in(
    conn: Connection,
    hold_id: int,
    user_id: int,
    buyer_name: str,
    buyer_email: str,
    now: datetime,
    once: Once | None = None,
    ticket_types: Mapping[int, int] | None = None,
    promo_code: str = "",
) -> BookingView | HoldExpired | Replay:
    """`confirm_hold` inside the caller's transaction, in three statements of Core SQL (four
    when a promo code is given or a seat sells as an explicit ticket type: `pricing`'s claim).

    A `HoldExpired` is returned, not raised: the release of the seats (and the answer for
    the Idempotency-Key) must be committed; the runner raises it after the commit.
    """
    buyer_name, buyer_email = clean_buyer(buyer_name, buyer_email)
    hold = _lock_hold(conn, hold_id, once)
    replay = idempotency.replay_from(conn, hold, once)
    if replay is not None:
        return replay
    if hold is None:
        raise NotFound("No such hold.")
    if hold.user_id != user_id:
        raise NotAllowed("This is not your hold.")
    if hold.status == CONFIRMED:
        return _remembered(conn, once, now, _booking_of_hold(conn, hold_id))
    if hold.status == EXPIRED or (hold.status == ACTIVE and hold.expires_at <= now):
        if hold.status == ACTIVE:
            expire_hold_in(conn, hold_id, hold.show_id, now)
        return _remembered(conn, once, now, HoldExpired())
    if hold.status != ACTIVE:
        raise Conflict("This hold was released; choose your seats again.")
    seats = pricing.group_types(_seats_to_book(conn, hold_id, now))
    if not seats:
        raise InvalidRequest("Your hold has no seats; choose some first.")
    return book_held_seats(
        conn, hold, hold_id, seats, buyer_name, buyer_email, now, once, ticket_types, promo_code
    )


def book_held_seats(
    conn: Connection,
    hold: Any,
    hold_id: int,
    seats: list[tuple[Any, tuple[pricing.Choice, ...]]],
    buyer_name: str,
    buyer_email: str,
    now: datetime,
    once: Once | None,
    ticket_types: Mapping[int, int] | None,
    promo_code: str,
) -> BookingView:
    """The booking of `seats` (`pricing.group_types` rows) held by `hold_id`, priced, written
    with its tickets, outbox mail and key's answer: the last statement of every confirm.

    `hold` is a row naming the show, event, buyer and a fresh booking id (`_hold_statement`'s
    columns); the caller has locked the hold, or made it in this very transaction, and has
    cleaned the buyer's name and e-mail (`clean_buyer`).
    """
    presale: list[bool] = []  # before the opening, an access code may let the buyer in
    check_sales_open(
        hold.event_status,
        hold.show_status,
        hold.starts_at,
        hold.sales_open_at,
        hold.sales_close_at,
        now,
        presale=(lambda: presale.append(True)) if promo_code.strip() else None,
    )
    priced = pricing.price_confirm(
        conn,
        seats,
        chosen=ticket_types,
        promo_code=promo_code,
        show_id=hold.show_id,
        event_id=hold.event_id,
        user_id=hold.user_id,
        now=now,
    )
    if presale and not (priced.rule and priced.rule.opens_presale(hold.show_id)):
        # Raising rolls the code's claim back with everything else.
        raise SalesClosed("Sales for this show have not opened yet.")
    hidden = [(s.id, s.label, s.category_name) for s, _ in seats if s.category_hidden]
    if hidden:  # only the code claimed for this booking opens hidden categories
        refuse_unclaimed(priced.rule, hold.show_id, hidden)
    view = BookingView(
        id=hold.fresh_booking_id,
        code=new_booking_code(),
        show_id=hold.show_id,
        event_id=hold.event_id,
        user_id=hold.user_id,
        status=CONFIRMED_BOOKING,
        total_cents=priced.total_cents,
        currency=seats[0][0].currency,
        created_at=now,
        cancelled_at=None,
        # Already clean (clean_buyer); empty means the account's own.
        buyer_name=buyer_name or hold.user_name,
        buyer_email=buyer_email or hold.user_email,
        tickets=tuple(
            TicketView(
                id=s.fresh_ticket_id,
                code=new_ticket_code(),
                seat_id=s.id,
                label=s.label,
                section=s.section,
                category_name=s.category_name,
                price_cents=line.price_cents,
                checked_in_at=None,
                live=True,
                row_label=s.row_label,
                number=s.number,
                ticket_type=line.type_name,
                discount_cents=line.discount_cents,
            )
            for (s, _), line in zip(seats, priced.lines, strict=True)
        ),
        event_title=hold.event_title,
        venue_name=hold.venue_name,
        starts_at=hold.starts_at,
        venue_address=hold.venue_address,
        timezone=hold.timezone,
        cancel_reason="",
        promo_code=priced.rule.code if priced.rule else "",
        discount_cents=priced.discount_cents,
    )
    type_ids = [line.type_id for line in priced.lines]
    code_id = priced.rule.id if priced.rule else None
    booked = _write_booking(conn, view, hold_id, hold.venue_address, now, once, type_ids, code_id)
    if booked != len(seats):
        # Another buyer, whose clock already read past the deadline, took a seat between our
        # look and our write. A booking is all of the hold or nothing (raising rolls back).
        raise HoldExpired()
    return view


def _lock_hold(conn: Connection, hold_id: int, once: Once | None) -> Any:
    """Statement 1: lock the hold row; read its show, event and buyer; draw a booking id.

    FOR NO KEY UPDATE, so inserts that merely reference the hold are not blocked. Two
    confirms of one hold — a double click, a retried request — queue here, and the second
    one finds the booking the first one made.
    """
    return conn.execute(
        _hold_statement(conn.dialect.name, once is not None),
        {"p_hold_id": hold_id, **idempotency.params(once)},
    ).first()


def booking_context(dialect: str) -> list[Any]:
    """What `book_held_seats` reads about the event and the buyer, besides the show's sales
    rules, plus a fresh booking id: columns of a statement that joins show, event and user."""
    e, u = t.event, t.user
    return [
        e.c.id.label("event_id"),
        e.c.title.label("event_title"),
        e.c.venue_name,
        e.c.venue_address,
        e.c.timezone,
        u.c.name.label("user_name"),
        u.c.email.label("user_email"),
        fresh_ids("booking", dialect).label("fresh_booking_id"),
    ]


def seats_to_book_columns(dialect: str) -> tuple[list[Any], list[Any]]:
    """The columns of `_seats_statement` (a seat, its category, one of its ticket types and a
    fresh ticket id) and its ORDER BY, for a statement joining `seat`, `category` and an
    outer-joined `ticket_type` (the one-request purchase reads them before its claim)."""
    st, c, tt = t.seat, t.category, t.ticket_type
    columns = [
        st.c.id,
        st.c.label,
        st.c.section,
        st.c.row_label,
        st.c.number,
        c.c.name.label("category_name"),
        c.c.price_cents,
        c.c.currency,
        c.c.hidden.label("category_hidden"),
        tt.c.id.label("type_id"),
        tt.c.name.label("type_name"),
        tt.c.price_cents.label("type_price_cents"),
        tt.c.proof_note.label("type_proof_note"),
        # One id per row; a seat with several types uses its first row's (gaps are fine).
        fresh_ids("ticket", dialect, order_by=(st.c.id, tt.c.id)).label("fresh_ticket_id"),
    ]
    order = [st.c.section, st.c.y, st.c.row_label, st.c.x, st.c.number, tt.c.sort_order, tt.c.id]
    return columns, order


@cache
def _hold_statement(dialect: str, keyed: bool) -> Any:
    h, s, e, u = t.hold, t.show, t.event, t.user
    query = (
        select(
            h.c.user_id,
            h.c.show_id,
            h.c.status,
            h.c.expires_at,
            s.c.status.label("show_status"),
            s.c.starts_at,
            s.c.sales_open_at,
            s.c.sales_close_at,
            e.c.status.label("event_status"),
            *booking_context(dialect),
        )
        .select_from(
            h.join(s, s.c.id == h.c.show_id)
            .join(e, e.c.id == s.c.event_id)
            .join(u, u.c.id == h.c.user_id)
        )
        .where(h.c.id == bindparam("p_hold_id"))
    )
    return idempotency.outer_join(query, keyed).with_for_update(of=h, key_share=True)


def _seats_to_book(conn: Connection, hold_id: int, now: datetime) -> list[Any]:
    """Statement 2: the hold's live seats with their prices, and a ticket id for each; one
    row per ticket type of the seat's category (`pricing.group_types` folds them).

    Read after the lock of statement 1 was granted, so it sees every change made to the
    hold's seats before (every such change takes the same lock).
    """
    return conn.execute(
        _seats_statement(conn.dialect.name), {"p_hold_id": hold_id, "p_now": now}
    ).all()


@cache
def _seats_statement(dialect: str) -> Any:
    st, c, tt = t.seat, t.category, t.ticket_type
    columns, order = seats_to_book_columns(dialect)
    return (
        select(*columns)
        .select_from(
            st.join(c, c.c.id == st.c.category_id).outerjoin(tt, tt.c.category_id == c.c.id)
        )
        .where(
            st.c.hold_id == bindparam("p_hold_id"),
            st.c.status == SeatStatus.HELD,
            st.c.held_until > bindparam("p_now"),
        )
        .order_by(*order)
    )


def _write_booking(
    conn: Connection,
    view: BookingView,
    hold_id: int,
    venue_address: str,
    now: datetime,
    once: Once | None,
    type_ids: list[int | None],
    code_id: int | None,
) -> int:
    """Statement 3: booking, seats, tickets, hold, outbox mail and the key's answer, at once.

    The seats move by one conditional UPDATE (`WHERE hold_id = :h AND status = 'held' AND
    held_until > :now`), so even a hold whose clock ran out between the check and the write
    could not be booked; the number of seats it moved is returned for the caller to check.
    """
    dialect = conn.dialect.name
    params = {
        "p_booking_id": view.id,
        "p_code": view.code,
        "p_user_id": view.user_id,
        "p_show_id": view.show_id,
        "p_hold_id": hold_id,
        "p_total_cents": view.total_cents,
        "p_currency": view.currency,
        "p_buyer_name": view.buyer_name,
        "p_buyer_email": view.buyer_email,
        "p_promo_code_id": code_id,
        "p_promo_code": view.promo_code,
        "p_discount_cents": view.discount_cents,
        "p_now": now,
        **rows_params(
            [
                {
                    "id": ticket.id,
                    "booking_id": view.id,
                    "show_seat_id": ticket.seat_id,
                    "code": ticket.code,
                    "price_cents": ticket.price_cents,
                    "live": True,
                    "ticket_type_id": type_id,
                    "ticket_type": ticket.ticket_type,
                    "discount_cents": ticket.discount_cents,
                }
                for ticket, type_id in zip(view.tickets, type_ids, strict=True)
            ],
            dialect,
            "p_ticket",
        ),
        **outbox.mail_params(
            outbox.mail_row(
                outbox.MailKind.BOOKING_CONFIRMED, view, venue_address=venue_address, now=now
            )
        ),
    }
    if once is not None:
        params.update(idempotency.record_params(once, view, now))
    return len(_booking_batch(dialect, once is not None).run(conn, params))


@cache
def _booking_batch(dialect: str, keyed: bool) -> Batch:
    booking_row = insert(t.booking).values(
        id=bindparam("p_booking_id"),
        code=bindparam("p_code"),
        user_id=bindparam("p_user_id"),
        show_id=bindparam("p_show_id"),
        hold_id=bindparam("p_hold_id"),
        status=CONFIRMED_BOOKING,
        total_cents=bindparam("p_total_cents"),
        currency=bindparam("p_currency"),
        buyer_name=bindparam("p_buyer_name"),
        buyer_email=bindparam("p_buyer_email"),
        created_at=bindparam("p_now"),
        cancel_reason="",
        promo_code_id=bindparam("p_promo_code_id"),
        promo_code=bindparam("p_promo_code"),
        discount_cents=bindparam("p_discount_cents"),
    )
    seats_booked = (
        update(t.seat)
        .where(
            t.seat.c.hold_id == bindparam("p_hold_id"),
            t.seat.c.status == SeatStatus.HELD,
            t.seat.c.held_until > bindparam("p_now"),
        )
        .values(
            status=SeatStatus.BOOKED,
            booking_id=bindparam("p_booking_id"),
            hold_id=None,
            held_until=None,
            version=t.seat.c.version + 1,
        )
        .returning(t.seat.c.id)
    )
    tickets = insert_rows(
        t.ticket,
        [
            "id",
            "booking_id",
            "show_seat_id",
            "code",
            "price_cents",
            "live",
            "ticket_type_id",
            "ticket_type",
            "discount_cents",
        ],
        dialect,
        "p_ticket",
    )
    hold_done = update(t.hold).where(t.hold.c.id == bindparam("p_hold_id")).values(status=CONFIRMED)
    after = [tickets, hold_done, outbox.mail_insert(dialect)]
    if keyed:
        after.append(idempotency.RECORD)
    return batch(dialect, seats_booked, before=[booking_row], after=after)


def _remembered(conn: Connection, once: Once | None, now: datetime, outcome: Any) -> Any:
    return idempotency.record(conn, once, outcome, now)


def _booking_of_hold(conn: Connection, hold_id: int) -> BookingView:
    """The booking a confirmed hold became (a repeated confirm answers with it)."""
    with Session(bind=conn) as session:
        booking = session.exec(select(Booking).where(Booking.hold_id == hold_id)).one()
        return booking_views(session, [booking])[0]


def _may_see(booking: Booking, event: Event, actor: Actor) -> bool:
    """The buyer, the event's organizer, or an admin."""
    return actor.id == booking.user_id or can_manage(actor, event.organizer_id)


def cancel_booking(
    booking_id: int,
    *,
    actor: Actor,
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
            actor=actor,
            reason=reason,
            mail_kind=mail_kind,
            now=now,
        ),
    )


def cancel_booking_in(
    session: Session,
    booking_id: int,
    *,
    actor: Actor,
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
    if not _may_see(booking, event, actor):
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
    pricing.release_in(session, [booking])  # while its tickets are still live
    session.exec(
        update(Ticket)
        .where(Ticket.booking_id == booking.id, Ticket.live.is_(True))
        .values(live=False)
        .execution_options(synchronize_session=False)
    )
    freed = session.exec(
        seat_update(
            ShowSeat.booking_id == booking.id,
            ShowSeat.status == SeatStatus.BOOKED,
            status=SeatStatus.AVAILABLE,
            booking_id=None,
        ).returning(anyone_waiting(show.id))
    ).all()
    if freed and freed[0].anyone_waiting:  # the seats go to the waiting list first
        offer_returned_seats(session.connection(), show.id, now, anyone_waiting=True)
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
        cancelled_by_buyer=actor.id == booking.user_id,
    )
    return view


def get_booking(booking_id: int, *, actor: Actor, db: Engine | None = None) -> BookingView:
    """A booking, for its owner, the event's organizer or an admin."""

    def work(session: Session) -> BookingView:
        booking = session.get(Booking, booking_id)
        return _visible(session, booking, actor, hide=False)

    return run(db, work)


def get_booking_by_code(code: str, *, actor: Actor, db: Engine | None = None) -> BookingView:
    """A booking by its code (spaces, dashes and case are forgiven)."""
    code = normalize_booking_code(code)

    def work(session: Session) -> BookingView:
        booking = session.exec(select(Booking).where(Booking.code == code)).first()
        return _visible(session, booking, actor, hide=True)

    return run(db, work)


def _visible(session: Session, booking: Booking | None, actor: Actor, *, hide: bool) -> BookingView:
    if booking is None:
        raise NotFound("No such booking.")
    event = session.exec(
        select(Event).join(Show, Show.event_id == Event.id).where(Show.id == booking.show_id)
    ).one()
    if not _may_see(booking, event, actor):
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
                row_label=seat.row_label,
                number=seat.number,
                ticket_type=ticket.ticket_type,
                discount_cents=ticket.discount_cents,
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
                venue_address=event.venue_address,
                timezone=event.timezone,
                cancel_reason=b.cancel_reason,
                promo_code=b.promo_code,
                discount_cents=b.discount_cents,
            )
        )
    return views
