"""The organizer's figures and the sweeper that tidies expired holds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.engine.conftest import NOW, build_show, make_users
from ticketapp.booking import (
    Actor,
    HoldExpired,
    NotAllowed,
    NotFound,
    SalesCounts,
    cancel_booking,
    check_invariants,
    confirm_hold,
    ensure_can_manage_event,
    event_bookings,
    event_sales,
    expire_stale_holds,
    get_hold,
    grid_section,
    hold_seats,
    sales_over_time,
    seat_statuses,
    show_sales,
)


@pytest.fixture
def hall(engine):
    return build_show(
        engine,
        [
            grid_section("Front", "Premium", ["A"], 4, blocked={("A", 4)}),
            grid_section("Back", "Standard", ["K"], 4, y0=5),
        ],
    )


def sell(engine, venue, buyer, *seats, when=NOW, name=""):
    held = hold_seats(buyer, venue.show_id, venue.ids(*seats), now=when, db=engine)
    return confirm_hold(held.hold_id, user_id=buyer, buyer_name=name, now=when, db=engine)


def test_show_sales_count_sold_held_available_blocked_and_revenue(engine, hall, buyers):
    sell(engine, hall, buyers[0], "A1", "K1")
    hold_seats(buyers[1], hall.show_id, hall.ids("A2", "K2", "K3"), now=NOW, db=engine)

    sales = show_sales(hall.show_id, actor=hall.organizer, now=NOW, db=engine)

    assert sales.counts == SalesCounts(
        total=8, sold=2, held=3, available=2, blocked=1, revenue_cents=8000
    )
    by_name = {c.name: c.counts for c in sales.categories}
    assert by_name["Premium"] == SalesCounts(4, 1, 1, 1, 1, 5000)
    assert by_name["Standard"] == SalesCounts(4, 1, 2, 1, 0, 3000)
    assert check_invariants(engine, now=NOW) == []


def test_a_hold_past_its_time_counts_as_available_never_as_sold(engine, hall, buyers):
    held = hold_seats(buyers[1], hall.show_id, hall.ids("K1", "K2"), now=NOW, db=engine)

    sales = show_sales(hall.show_id, actor=hall.organizer, now=held.expires_at, db=engine)

    assert (sales.counts.sold, sales.counts.held, sales.counts.available) == (0, 0, 7)
    assert check_invariants(engine, now=held.expires_at) == []


def test_event_sales_add_up_the_shows(engine, hall, buyers):
    second = hall.second_show()
    sell(engine, hall, buyers[0], "A1")
    hold_seats(buyers[1], second.show_id, second.ids("K1"), now=NOW, db=engine)

    sales = event_sales(hall.event_id, actor=hall.organizer, now=NOW, db=engine)

    assert [s.show_id for s in sales.shows] == [hall.show_id, second.show_id]
    assert sales.counts == SalesCounts(
        total=16, sold=1, held=1, available=12, blocked=2, revenue_cents=5000
    )
    with pytest.raises(NotFound):
        event_sales(999_999, actor=hall.organizer, now=NOW, db=engine)


def test_event_bookings_filter_search_and_page(engine, hall, buyers):
    first = sell(engine, hall, buyers[0], "A1", name="Ada Lovelace")
    second = sell(engine, hall, buyers[1], "K1", "K2", when=NOW + timedelta(minutes=1))
    third = sell(engine, hall, buyers[2], "A2", when=NOW + timedelta(minutes=2), name="Bob_%")
    cancel_booking(second.id, actor=Actor(buyers[1], "customer"), now=NOW, db=engine)

    rows, total = event_bookings(hall.event_id, actor=hall.organizer, db=engine)
    assert total == 3 and [r.code for r in rows] == [third.code, second.code, first.code]
    assert [r.ticket_count for r in rows] == [1, 2, 1]

    assert (
        event_bookings(
            hall.event_id,
            actor=hall.organizer,
            status="cancelled",
            db=engine,
        )[1]
        == 1
    )
    assert (
        event_bookings(
            hall.event_id,
            actor=hall.organizer,
            search="lovelace",
            db=engine,
        )[0][0].id
        == first.id
    )
    assert (
        event_bookings(
            hall.event_id,
            actor=hall.organizer,
            search=first.code.lower(),
            db=engine,
        )[1]
        == 1
    )
    email = second.buyer_email.upper()
    assert (
        event_bookings(hall.event_id, actor=hall.organizer, search=email, db=engine)[0][0].id
        == second.id
    )
    assert (
        event_bookings(hall.event_id, actor=hall.organizer, search="_%", db=engine)[0][0].id
        == third.id
    )  # literal
    page, total = event_bookings(hall.event_id, actor=hall.organizer, limit=2, offset=2, db=engine)
    assert total == 3 and [r.id for r in page] == [first.id]
    assert event_bookings(hall.event_id, actor=hall.organizer, show_id=999_999, db=engine) == (
        [],
        0,
    )


def test_sales_over_time_counts_confirmed_bookings_per_day(engine, hall, buyers):
    sell(engine, hall, buyers[0], "A1")
    sell(engine, hall, buyers[1], "K1", "K2", when=NOW + timedelta(days=1))
    dropped = sell(engine, hall, buyers[2], "A2", when=NOW + timedelta(days=1))
    cancel_booking(dropped.id, actor=Actor(buyers[2], "customer"), now=NOW, db=engine)

    days = sales_over_time(hall.event_id, actor=hall.organizer, db=engine)

    assert [(d.day, d.bookings, d.tickets, d.revenue_cents) for d in days] == [
        (date(2031, 3, 1), 1, 1, 5000),
        (date(2031, 3, 2), 1, 2, 6000),
    ]


def test_only_the_organizer_or_an_admin_manages_an_event(engine, hall, buyers, admin):
    ensure_can_manage_event(hall.event_id, actor=hall.organizer, db=engine)
    ensure_can_manage_event(hall.event_id, actor=Actor(admin, "admin"), db=engine)
    rival = make_users(engine, 1, "organizer", "rival")[0]
    with pytest.raises(NotAllowed):
        ensure_can_manage_event(hall.event_id, actor=Actor(rival, "organizer"), db=engine)
    with pytest.raises(NotFound):
        ensure_can_manage_event(999_999, actor=Actor(admin, "admin"), db=engine)


def test_the_sweeper_releases_only_holds_past_their_time(engine, hall, buyers):
    other = build_show(engine)
    old = hold_seats(buyers[0], hall.show_id, hall.ids("A1", "A2"), now=NOW, db=engine)
    elsewhere = hold_seats(buyers[0], other.show_id, other.ids("B1"), now=NOW, db=engine)
    later = NOW + timedelta(minutes=5)
    fresh = hold_seats(buyers[1], hall.show_id, hall.ids("K1"), now=later, db=engine)
    sweep_at = old.expires_at

    released = expire_stale_holds(now=sweep_at, db=engine)

    assert released == [(hall.show_id, old.seat_ids), (other.show_id, elsewhere.seat_ids)]
    assert (
        get_hold(old.hold_id, actor=Actor(buyers[0]), now=sweep_at, db=engine).status == "expired"
    )
    assert get_hold(fresh.hold_id, actor=Actor(buyers[1]), now=sweep_at, db=engine).live
    statuses = seat_statuses(hall.show_id, now=NOW, db=engine)  # even by the old clock
    assert statuses[hall.seats["A1"]] == "available" and statuses[hall.seats["K1"]] == "held"
    with pytest.raises(HoldExpired):
        confirm_hold(old.hold_id, user_id=buyers[0], now=NOW, db=engine)
    assert expire_stale_holds(now=sweep_at, db=engine) == []
    assert check_invariants(engine, now=sweep_at) == []
