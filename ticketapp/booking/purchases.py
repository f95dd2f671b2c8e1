"""A one-request purchase: hold and confirm in ONE transaction, for box offices, kiosks and
integrations that know what they want and have no customer looking at a seat map.

Invariants: exactly the rules of a hold followed by a confirm — the same conditional claim, cap,
sales window, best-available choice, pricing, outbox mail and Idempotency-Key record, by calling
the very same functions (`holds.hold_for_purchase` / `best_available_in` /
`general_admission_in`, then `bookings.book_held_seats`, or `confirm_hold_in`). Nothing new is
decided here. All or nothing: a purchase that cannot confirm leaves no hold behind, since the
hold was never committed.

Chosen seats take 4 statements in all (3 for the hold, 1 for the booking): the hold's own
statements also read the Idempotency-Key's answer, the buyer, the event, the seats' ticket
types and fresh ids, and a hold made by this transaction needs no lock (no other transaction
can see it), so confirm's lock and re-read are skipped. When the seats named are exactly the
customer's live hold, that hold is confirmed as usual, under its lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from ticketapp.booking import pricing
from ticketapp.booking._tx import moment, run, run_core
from ticketapp.booking.best_available import best_available_in, check_request
from ticketapp.booking.bookings import book_held_seats, confirm_hold_in
from ticketapp.booking.buyers import clean_buyer
from ticketapp.booking.errors import Conflict, HoldExpired, InvalidRequest
from ticketapp.booking.general_admission import general_admission_in
from ticketapp.booking.holds import hold_for_purchase
from ticketapp.booking.idempotency import Once, Replay
from ticketapp.booking.inventory import distinct_ids
from ticketapp.booking.results import BookingView, HoldResult


def purchase_seats(
    user_id: int,
    show_id: int,
    seat_ids: Iterable[int],
    *,
    buyer_name: str = "",
    buyer_email: str = "",
    now: datetime | None = None,
    db: Engine | None = None,
    once: Once | None = None,
    ticket_types: Mapping[int, int] | None = None,
    promo_code: str = "",
    queue_pass: str | None = None,
) -> BookingView | Replay:
    """Buy exactly these seats at once, or nothing (`ticket_types`: seat id -> type id)."""
    now = moment(now)
    wanted = distinct_ids(seat_ids)

    buyer_name, buyer_email = clean_buyer(buyer_name, buyer_email)

    def work(conn: Connection) -> BookingView | Replay:
        # The code may also be an access code: it opens the presale for the hold too.
        claimed = hold_for_purchase(
            conn, user_id, show_id, wanted, now, once, promo_code, queue_pass
        )
        if isinstance(claimed, Replay):
            return claimed
        held = _exactly(claimed.result, len(wanted))
        if not claimed.new_hold:  # the customer's own live hold: confirmed as usual, locked
            return _confirmed(
                confirm_hold_in(
                    conn,
                    held.hold_id,
                    user_id,
                    buyer_name,
                    buyer_email,
                    now,
                    once,
                    ticket_types,
                    promo_code,
                )
            )
        # A hold made by this very transaction: no one else can see it, so the booking is
        # written from what the hold's statements read (4 statements for the whole purchase).
        seats = pricing.group_types(claimed.seat_rows)
        return book_held_seats(
            conn,
            claimed.context,
            held.hold_id,
            seats,
            buyer_name,
            buyer_email,
            now,
            once,
            ticket_types,
            promo_code,
        )

    return run_core(db, work, once=once, now=now)


def purchase_best_available(
    user_id: int,
    show_id: int,
    quantity: int,
    *,
    category_id: int | None = None,
    accessible: int = 0,
    section: str | None = None,
    buyer_name: str = "",
    buyer_email: str = "",
    now: datetime | None = None,
    db: Engine | None = None,
    once: Once | None = None,
    promo_code: str = "",
    queue_pass: str | None = None,
) -> BookingView | Replay:
    """Buy the best `quantity` seats left (or standing places of `section`), or nothing.

    The seats are not known in advance, so each sells as its category's first ticket type.
    """
    now = moment(now)
    check_request(quantity, accessible)
    if section is not None and (category_id is not None or accessible):
        raise InvalidRequest("A standing section has no categories or seats to choose.", "section")

    def work(session: Session) -> BookingView:
        if section is None:
            held = best_available_in(
                session,
                user_id,
                show_id,
                quantity,
                category_id,
                accessible,
                now,
                access_code=promo_code,
                queue_pass=queue_pass,
            )
        else:
            held = general_admission_in(
                session,
                user_id,
                show_id,
                quantity,
                section,
                now,
                access_code=promo_code,
                queue_pass=queue_pass,
            )
        held = _exactly(held, quantity)
        # `run` stores the Idempotency-Key's answer for this whole transaction.
        booked = confirm_hold_in(
            session.connection(),
            held.hold_id,
            user_id,
            buyer_name,
            buyer_email,
            now,
            promo_code=promo_code,
        )
        return _confirmed(booked)

    return run(db, work, once=once, now=now)


def _exactly(held: HoldResult, count: int) -> HoldResult:
    """A purchase books what it asked for and nothing else. Holding adds to the customer's
    live hold on the show, so seats held earlier (on the seat map, say) would be booked and
    charged too: refuse instead — raising rolls the whole purchase back."""
    if len(held.seat_ids) != count:
        raise Conflict(
            "You have other seats on hold for this show: book or release that hold first."
        )
    return held


def _confirmed(outcome: BookingView | HoldExpired | Replay) -> BookingView | Replay:
    if isinstance(outcome, HoldExpired):  # a hold made this instant cannot have run out
        raise outcome
    return outcome
