"""Confirming holds into bookings, cancelling them, and finding them again."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.engine.conftest import NOW, STARTS, build_show, make_users
from ticketapp.booking import (
    Conflict,
    HoldExpired,
    NotAllowed,
    NotFound,
    SalesClosed,
    cancel_booking,
    check_in,
    check_invariants,
    confirm_hold,
    get_booking,
    get_booking_by_code,
    get_hold,
    grid_section,
    hold_seats,
    list_user_bookings,
    new_booking_code,
    new_ticket_code,
    release_hold,
    seat_statuses,
)
from ticketapp.booking.access import Actor
from ticketapp.booking.codes import BOOKING_CODE_ALPHABET, TICKET_CODE_ALPHABET
from ticketapp.db import session_scope
from ticketapp.models import Role, User


@pytest.fixture
def booked(engine, venue, buyers):
    held = hold_seats(buyers[0], venue.show_id, venue.ids("A1", "A2"), now=NOW, db=engine)
    return confirm_hold(held.hold_id, user_id=buyers[0], now=NOW, db=engine)


def test_confirming_a_hold_books_its_seats_with_one_ticket_each(engine, buyers):
    venue = build_show(
        engine,
        [
            grid_section("Front", "Premium", ["A"], 4),
            grid_section("Back", "Standard", ["K"], 4, y0=5),
        ],
    )
    held = hold_seats(buyers[0], venue.show_id, venue.ids("A1", "K1"), now=NOW, db=engine)

    booking = confirm_hold(
        held.hold_id,
        user_id=buyers[0],
        buyer_name=" Ada Lovelace ",
        buyer_email="ada@example.test",
        now=NOW,
        db=engine,
    )

    assert booking.status == "confirmed" and booking.show_id == venue.show_id
    assert booking.total_cents == 8000 and booking.currency == "EUR"
    assert (booking.buyer_name, booking.buyer_email) == ("Ada Lovelace", "ada@example.test")
    assert (booking.event_title, booking.venue_name, booking.starts_at) == (
        "Concert",
        "Town Hall",
        STARTS,
    )
    assert sorted((t.label, t.category_name, t.price_cents) for t in booking.tickets) == [
        ("Back row K seat 1", "Standard", 3000),
        ("Front row A seat 1", "Premium", 5000),
    ]
    assert {t.seat_id for t in booking.tickets} == set(held.seat_ids)
    assert all(t.live and t.checked_in_at is None for t in booking.tickets)
    statuses = seat_statuses(venue.show_id, viewer_id=buyers[0], now=NOW, db=engine)
    assert {statuses[s] for s in held.seat_ids} == {"booked"}
    assert get_hold(held.hold_id, actor=Actor(buyers[0]), now=NOW, db=engine).status == "confirmed"
    assert check_invariants(engine, now=NOW) == []


def test_buyer_name_and_email_default_to_the_account(engine, buyers, booked):
    with session_scope(engine) as session:
        account = session.get(User, buyers[0])
    assert (booked.buyer_name, booked.buyer_email) == (account.name, account.email)


def test_confirming_the_same_hold_twice_returns_the_same_booking(engine, venue, buyers):
    held = hold_seats(buyers[0], venue.show_id, venue.ids("B1"), now=NOW, db=engine)

    first = confirm_hold(held.hold_id, user_id=buyers[0], now=NOW, db=engine)
    again = confirm_hold(held.hold_id, user_id=buyers[0], now=NOW + timedelta(hours=1), db=engine)

    assert again == first
    assert len(list_user_bookings(buyers[0], db=engine)) == 1
    assert check_invariants(engine, now=NOW) == []


def test_an_expired_hold_cannot_be_confirmed_and_its_seats_go_back_on_sale(engine, venue, buyers):
    held = hold_seats(buyers[0], venue.show_id, venue.ids("A1", "A2"), now=NOW, db=engine)

    with pytest.raises(HoldExpired):
        confirm_hold(held.hold_id, user_id=buyers[0], now=held.expires_at, db=engine)

    # The release was committed, so the rows themselves say "available", even at NOW.
    statuses = seat_statuses(venue.show_id, now=NOW, db=engine)
    assert {statuses[s] for s in held.seat_ids} == {"available"}
    assert get_hold(held.hold_id, actor=Actor(buyers[0]), now=NOW, db=engine).status == "expired"
    with pytest.raises(HoldExpired):
        confirm_hold(held.hold_id, user_id=buyers[0], now=NOW, db=engine)
    assert list_user_bookings(buyers[0], db=engine) == []
    assert check_invariants(engine, now=held.expires_at) == []


def test_after_expiry_another_buyer_takes_the_seats_and_the_first_confirm_fails(
    engine, venue, buyers
):
    first = hold_seats(buyers[0], venue.show_id, venue.ids("A1", "A2"), now=NOW, db=engine)
    later = first.expires_at + timedelta(seconds=30)
    second = hold_seats(buyers[1], venue.show_id, venue.ids("A2"), now=later, db=engine)

    with pytest.raises(HoldExpired):
        confirm_hold(first.hold_id, user_id=buyers[0], now=later, db=engine)

    booking = confirm_hold(second.hold_id, user_id=buyers[1], now=later, db=engine)
    assert [t.seat_id for t in booking.tickets] == venue.ids("A2")
    assert seat_statuses(venue.show_id, now=later, db=engine)[venue.seats["A1"]] == "available"
    assert check_invariants(engine, now=later) == []


def test_a_released_or_foreign_hold_cannot_be_confirmed(engine, venue, buyers):
    held = hold_seats(buyers[0], venue.show_id, venue.ids("A1"), now=NOW, db=engine)

    with pytest.raises(NotAllowed):
        confirm_hold(held.hold_id, user_id=buyers[1], now=NOW, db=engine)
    release_hold(held.hold_id, user_id=buyers[0], now=NOW, db=engine)
    with pytest.raises(Conflict):
        confirm_hold(held.hold_id, user_id=buyers[0], now=NOW, db=engine)
    with pytest.raises(NotFound):
        confirm_hold(999_999, user_id=buyers[0], now=NOW, db=engine)
    assert check_invariants(engine, now=NOW) == []


def test_no_confirmation_once_the_show_has_started(engine, buyers):
    venue = build_show(engine, hold_seconds=3600, starts_at=NOW + timedelta(minutes=30))
    held = hold_seats(buyers[0], venue.show_id, venue.ids("A1"), now=NOW, db=engine)

    with pytest.raises(SalesClosed):
        confirm_hold(held.hold_id, user_id=buyers[0], now=NOW + timedelta(minutes=31), db=engine)


def test_owner_cancels_and_every_seat_is_for_sale_again(engine, venue, buyers, booked):
    cancelled = cancel_booking(
        booked.id, actor=Actor(buyers[0], Role.CUSTOMER), reason="ill", now=NOW, db=engine
    )

    assert cancelled.status == "cancelled" and cancelled.cancelled_at == NOW
    assert not any(t.live for t in cancelled.tickets)
    assert cancelled.total_cents == booked.total_cents  # what was paid, for the refund
    statuses = seat_statuses(venue.show_id, now=NOW, db=engine)
    assert {statuses[s] for s in venue.ids("A1", "A2")} == {"available"}
    again = hold_seats(buyers[1], venue.show_id, venue.ids("A1", "A2"), now=NOW, db=engine)
    confirm_hold(again.hold_id, user_id=buyers[1], now=NOW, db=engine)
    assert check_invariants(engine, now=NOW) == []


def test_cancelling_twice_is_harmless(engine, buyers, booked):
    first = cancel_booking(booked.id, actor=Actor(buyers[0], "customer"), now=NOW, db=engine)
    later = NOW + timedelta(hours=1)

    again = cancel_booking(booked.id, actor=Actor(buyers[0], "customer"), now=later, db=engine)

    assert again == first
    assert check_invariants(engine, now=later) == []


def test_the_organizer_and_an_admin_may_cancel_but_nobody_else(engine, venue, buyers, admin):
    bookings = []
    for buyer, seat in ((buyers[0], "A1"), (buyers[1], "A2")):
        held = hold_seats(buyer, venue.show_id, venue.ids(seat), now=NOW, db=engine)
        bookings.append(confirm_hold(held.hold_id, user_id=buyer, now=NOW, db=engine))
    other_organizer = make_users(engine, 1, Role.ORGANIZER, "rival")[0]

    with pytest.raises(NotAllowed):
        cancel_booking(bookings[0].id, actor=Actor(buyers[2], "customer"), now=NOW, db=engine)
    with pytest.raises(NotAllowed):
        cancel_booking(
            bookings[0].id, actor=Actor(other_organizer, "organizer"), now=NOW, db=engine
        )

    by_organizer = cancel_booking(
        bookings[0].id,
        actor=Actor(venue.organizer_id, Role.ORGANIZER),
        now=NOW,
        db=engine,
    )
    by_admin = cancel_booking(bookings[1].id, actor=Actor(admin, "admin"), now=NOW, db=engine)
    assert by_organizer.status == by_admin.status == "cancelled"
    assert check_invariants(engine, now=NOW) == []


def test_no_cancellation_once_the_show_has_started(engine, buyers, booked):
    with pytest.raises(SalesClosed):
        cancel_booking(booked.id, actor=Actor(buyers[0], "customer"), now=STARTS, db=engine)
    assert get_booking(booked.id, actor=Actor(buyers[0], "customer"), db=engine) == booked


def test_a_booking_with_a_checked_in_ticket_cannot_be_cancelled(engine, venue, buyers, booked):
    check_in(
        booked.tickets[0].code,
        show_id=venue.show_id,
        actor=venue.organizer,
        now=NOW,
        db=engine,
    )

    with pytest.raises(Conflict):
        cancel_booking(booked.id, actor=Actor(buyers[0], "customer"), now=NOW, db=engine)
    assert check_invariants(engine, now=NOW) == []


def test_a_booking_is_visible_to_owner_organizer_and_admin_only(
    engine, venue, buyers, admin, booked
):
    for actor, role in (
        (buyers[0], "customer"),
        (venue.organizer_id, "organizer"),
        (admin, "admin"),
    ):
        assert get_booking(booked.id, actor=Actor(actor, role), db=engine) == booked
    with pytest.raises(NotAllowed):
        get_booking(booked.id, actor=Actor(buyers[1], "customer"), db=engine)
    with pytest.raises(NotFound):
        get_booking(999_999, actor=Actor(admin, "admin"), db=engine)


def test_a_booking_is_found_by_its_code_however_it_is_typed(engine, buyers, booked):
    code = booked.code
    typed = f" {code[:4].lower()}-{code[4:]} "

    assert get_booking_by_code(typed, actor=Actor(buyers[0], "customer"), db=engine) == booked
    # To anyone else a real code looks exactly like a wrong one.
    with pytest.raises(NotFound):
        get_booking_by_code(code, actor=Actor(buyers[1], "customer"), db=engine)
    with pytest.raises(NotFound):
        get_booking_by_code("ZZZZZZZZ", actor=Actor(buyers[0], "customer"), db=engine)


def test_a_customer_lists_own_bookings_newest_first(engine, venue, buyers):
    codes = []
    for minute, seat in enumerate(("A1", "A2", "A3")):
        at = NOW + timedelta(minutes=minute)
        held = hold_seats(buyers[0], venue.show_id, venue.ids(seat), now=at, db=engine)
        codes.append(confirm_hold(held.hold_id, user_id=buyers[0], now=at, db=engine).code)
    held = hold_seats(buyers[1], venue.show_id, venue.ids("B1"), now=NOW, db=engine)
    confirm_hold(held.hold_id, user_id=buyers[1], now=NOW, db=engine)

    mine = list_user_bookings(buyers[0], db=engine)

    assert [b.code for b in mine] == codes[::-1]
    assert [len(b.tickets) for b in mine] == [1, 1, 1]


def test_booking_codes_are_short_readable_and_ticket_codes_unguessable():
    codes = {new_booking_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(re.fullmatch(f"[{BOOKING_CODE_ALPHABET}]{{8}}", c) for c in codes)
    assert not set("01OIL") & set(BOOKING_CODE_ALPHABET)

    tickets = {new_ticket_code() for _ in range(2000)}
    assert len(tickets) == 2000
    # 20 symbols of Crockford's base 32 carry 100 random bits (>= 64), and none of the
    # look-alikes a steward could mistype (I, L, O, U).
    assert all(re.fullmatch(f"[{TICKET_CODE_ALPHABET}]{{20}}", t) for t in tickets)
    assert not set("ILOU") & set(TICKET_CODE_ALPHABET)
