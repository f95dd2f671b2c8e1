"""Ticket types per price category: chosen per seat at confirm, priced, limited per show."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from tests.engine.conftest import NOW, Venue
from ticketapp.booking import (
    InvalidRequest,
    NotAllowed,
    cancel_booking,
    check_invariants,
    confirm_hold,
    get_hold,
    hold_seats,
    purchase_seats,
)
from ticketapp.booking.access import Actor
from ticketapp.booking.errors import Conflict
from ticketapp.booking.pricing import TypeSoldOut, quote_checkout
from ticketapp.booking.ticket_types import (
    create_ticket_type,
    delete_ticket_type,
    list_ticket_types,
    update_ticket_type,
)
from ticketapp.db import session_scope
from ticketapp.models import Role, Ticket, TicketType


def adult_and_child(venue: Venue, child_limit: int | None = None) -> tuple[int, int]:
    premium = venue.categories["Premium"]
    adult = create_ticket_type(premium, "Adult", 4500, actor=venue.organizer, db=venue.db)
    child = create_ticket_type(
        premium,
        "Child",
        2500,
        actor=venue.organizer,
        quantity_limit=child_limit,
        proof_note="Under 14, ask at the door",
        db=venue.db,
    )
    return adult.id, child.id


def sold(db: Engine, type_id: int) -> int:
    with session_scope(db) as session:
        return session.get(TicketType, type_id).sold


def test_a_category_without_types_sells_at_its_own_price_as_before(venue, buyers):
    held = hold_seats(buyers[0], venue.show_id, venue.ids("A1", "A2"), now=NOW, db=venue.db)
    booking = confirm_hold(held.hold_id, user_id=buyers[0], now=NOW, db=venue.db)
    assert booking.total_cents == 2 * 5000
    assert [t.ticket_type for t in booking.tickets] == ["", ""]
    assert [t.price_cents for t in booking.tickets] == [5000, 5000]
    assert booking.discount_cents == 0 and booking.promo_code == ""


def test_the_buyer_chooses_a_type_per_seat_and_the_first_type_is_the_default(venue, buyers):
    adult, child = adult_and_child(venue)
    a1, a2, a3 = venue.ids("A1", "A2", "A3")
    held = hold_seats(buyers[0], venue.show_id, [a1, a2, a3], now=NOW, db=venue.db)
    booking = confirm_hold(
        held.hold_id, user_id=buyers[0], ticket_types={a2: child}, now=NOW, db=venue.db
    )
    by_seat = {t.seat_id: (t.ticket_type, t.price_cents) for t in booking.tickets}
    assert by_seat == {a1: ("Adult", 4500), a2: ("Child", 2500), a3: ("Adult", 4500)}
    assert booking.total_cents == 4500 + 2500 + 4500
    with session_scope(venue.db) as session:
        rows = session.exec(select(Ticket.show_seat_id, Ticket.ticket_type_id)).all()
    assert dict(rows) == {a1: adult, a2: child, a3: adult}
    assert (sold(venue.db, adult), sold(venue.db, child)) == (2, 1)
    assert check_invariants(venue.db, now=NOW) == []


def test_a_type_of_another_category_is_refused_and_nothing_changes(venue, buyers):
    _, child = adult_and_child(venue)
    standard_type = create_ticket_type(
        venue.categories["Standard"], "Student", 2000, actor=venue.organizer, db=venue.db
    )
    a1 = venue.ids("A1")[0]
    held = hold_seats(buyers[0], venue.show_id, [a1], now=NOW, db=venue.db)
    with pytest.raises(InvalidRequest, match="not offered for seat"):
        confirm_hold(
            held.hold_id,
            user_id=buyers[0],
            ticket_types={a1: standard_type.id},
            now=NOW,
            db=venue.db,
        )
    with pytest.raises(InvalidRequest, match="not in this hold"):
        confirm_hold(
            held.hold_id, user_id=buyers[0], ticket_types={999999: child}, now=NOW, db=venue.db
        )
    hold = get_hold(held.hold_id, actor=Actor(buyers[0], Role.CUSTOMER), now=NOW, db=venue.db)
    assert hold.live and hold.seat_ids == (a1,)
    assert sold(venue.db, child) == 0


def test_a_type_limit_per_show_is_enforced_and_a_cancellation_gives_it_back(venue, buyers):
    _, child = adult_and_child(venue, child_limit=2)
    a1, a2, a3 = venue.ids("A1", "A2", "A3")
    first = purchase_seats(
        buyers[0],
        venue.show_id,
        [a1, a2],
        ticket_types={a1: child, a2: child},
        now=NOW,
        db=venue.db,
    )
    held = hold_seats(buyers[1], venue.show_id, [a3], now=NOW, db=venue.db)
    with pytest.raises(TypeSoldOut, match="Only 0 'Child'"):
        confirm_hold(
            held.hold_id, user_id=buyers[1], ticket_types={a3: child}, now=NOW, db=venue.db
        )
    assert sold(venue.db, child) == 2
    cancel_booking(first.id, actor=Actor(buyers[0], Role.CUSTOMER), now=NOW, db=venue.db)
    assert sold(venue.db, child) == 0
    booking = confirm_hold(
        held.hold_id, user_id=buyers[1], ticket_types={a3: child}, now=NOW, db=venue.db
    )
    assert booking.tickets[0].ticket_type == "Child"
    assert check_invariants(venue.db, now=NOW) == []


def test_the_checkout_quote_offers_the_types_and_prices_the_choice(venue, buyers):
    adult, child = adult_and_child(venue)
    a1, b1 = venue.ids("A1", "B1")
    held = hold_seats(buyers[0], venue.show_id, [a1], now=NOW, db=venue.db)
    quote = quote_checkout(
        held.hold_id,
        actor=Actor(buyers[0], Role.CUSTOMER),
        ticket_types={a1: child},
        now=NOW,
        db=venue.db,
    )
    assert [o.name for o in quote.lines[0].options] == ["Adult", "Child"]
    # The buyer is told what the type asks of them at the door.
    assert [o.proof_note for o in quote.lines[0].options] == ["", "Under 14, ask at the door"]
    assert (quote.lines[0].type_id, quote.total_cents) == (child, 2500)
    with pytest.raises(NotAllowed):
        quote_checkout(held.hold_id, actor=Actor(buyers[1], Role.CUSTOMER), db=venue.db)
    assert b1 and adult


def test_only_the_organizer_manages_types_and_a_sold_type_cannot_be_deleted(venue, buyers):
    adult, child = adult_and_child(venue)
    stranger = Actor(buyers[2], Role.ORGANIZER)
    with pytest.raises(NotAllowed):
        create_ticket_type(venue.categories["Premium"], "X", 1, actor=stranger, db=venue.db)
    with pytest.raises(InvalidRequest, match="already has"):
        update_ticket_type(child, "Adult", 100, actor=venue.organizer, db=venue.db)
    changed = update_ticket_type(
        child, "Kid", 2000, actor=venue.organizer, quantity_limit=5, db=venue.db
    )
    assert (changed.name, changed.price_cents, changed.quantity_limit) == ("Kid", 2000, 5)
    a1 = venue.ids("A1")[0]
    purchase_seats(buyers[0], venue.show_id, [a1], now=NOW, db=venue.db)  # sells as Adult
    with pytest.raises(Conflict):
        delete_ticket_type(adult, actor=venue.organizer, db=venue.db)
    delete_ticket_type(child, actor=venue.organizer, db=venue.db)
    names = [t.name for t in list_ticket_types(venue.show_id, db=venue.db)]
    assert names == ["Adult"]


def test_a_one_request_purchase_books_exactly_what_hold_and_confirm_book(venue, buyers):
    """The purchase writes its booking from what its hold's statements read (no re-read under
    the hold's lock): the tickets, their order, types, prices and the mail must be the same."""
    adult, child = adult_and_child(venue)
    by_steps = hold_seats(
        buyers[0], venue.show_id, venue.ids("A3", "A1", "A2"), now=NOW, db=venue.db
    )
    stepwise = confirm_hold(
        by_steps.hold_id,
        user_id=buyers[0],
        ticket_types={venue.seats["A3"]: child},  # A1 and A2 take the first type (Adult)
        now=NOW,
        db=venue.db,
    )
    bought = purchase_seats(
        buyers[1],
        venue.show_id,
        venue.ids("B3", "B1", "B2"),
        ticket_types={venue.seats["B3"]: child},
        now=NOW,
        db=venue.db,
    )

    assert [t.ticket_type for t in bought.tickets] == ["Adult", "Adult", "Child"]
    assert [t.price_cents for t in bought.tickets] == [4500, 4500, 2500]
    assert [t.number for t in bought.tickets] == [t.number for t in stepwise.tickets] == [1, 2, 3]
    assert [(t.ticket_type, t.price_cents) for t in bought.tickets] == [
        (t.ticket_type, t.price_cents) for t in stepwise.tickets
    ]
    assert bought.total_cents == stepwise.total_cents == 11500
    assert (bought.event_title, bought.venue_name, bought.timezone, bought.starts_at) == (
        stepwise.event_title,
        stepwise.venue_name,
        stepwise.timezone,
        stepwise.starts_at,
    )
    assert bought.buyer_email and bought.buyer_email != stepwise.buyer_email
    with session_scope(venue.db) as session:
        stored = session.exec(select(Ticket).where(Ticket.booking_id == bought.id)).all()
    assert sorted((t.id, t.ticket_type, t.price_cents) for t in stored) == sorted(
        (t.id, t.ticket_type, t.price_cents) for t in bought.tickets
    )
    assert sold(venue.db, adult) == 4 and sold(venue.db, child) == 2
    assert check_invariants(venue.db, now=NOW) == []


def test_the_door_answer_names_the_ticket_type_so_the_steward_asks_for_its_proof(venue, buyers):
    from ticketapp.booking import check_in
    from ticketapp.state.door import verdict

    _, child = adult_and_child(venue)
    a1, a2 = venue.ids("A1", "A2")
    held = hold_seats(buyers[0], venue.show_id, [a1, a2], now=NOW, db=venue.db)
    booking = confirm_hold(
        held.hold_id, user_id=buyers[0], ticket_types={a2: child}, now=NOW, db=venue.db
    )
    by_seat = {t.seat_id: t.code for t in booking.tickets}
    kid = check_in(by_seat[a2], show_id=venue.show_id, actor=venue.organizer, now=NOW, db=venue.db)
    assert (kid.status, kid.ticket_type, kid.category_name) == ("checked_in", "Child", "Premium")
    assert verdict(kid).detail == f"{kid.label} · Premium · Child"
    again = check_in(
        by_seat[a2], show_id=venue.show_id, actor=venue.organizer, now=NOW, db=venue.db
    )
    assert again.status == "already_checked_in" and verdict(again).detail.endswith("Child")
    adult = check_in(
        by_seat[a1], show_id=venue.show_id, actor=venue.organizer, now=NOW, db=venue.db
    )
    assert adult.ticket_type == "Adult"
