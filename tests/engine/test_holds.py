"""Holding chosen seats: all-or-nothing claims, one live hold per customer, the cap, the clock.

Functional tests: each runs on SQLite and on PostgreSQL (`engine` fixture) and ends with the
invariant checker.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.engine.conftest import NOW, STARTS, build_show
from ticketapp.booking import (
    HoldLimitExceeded,
    InvalidRequest,
    NotAllowed,
    NotFound,
    SalesClosed,
    SeatsUnavailable,
    check_invariants,
    current_hold,
    get_hold,
    grid_section,
    hold_seats,
    release_hold,
    release_seats,
    row_labels,
    seat_map,
    seat_statuses,
)
from ticketapp.booking.access import Actor
from ticketapp.db import session_scope
from ticketapp.models import Event, Hold, Role, Show, utcnow


def test_holding_free_seats_returns_labels_total_and_expiry(engine, venue, buyers):
    result = hold_seats(buyers[0], venue.show_id, venue.ids("A1", "A2"), now=NOW, db=engine)

    assert result.seat_ids == tuple(venue.ids("A1", "A2"))
    assert result.labels == ("Stalls row A seat 1", "Stalls row A seat 2")
    assert result.total_cents == 2 * 5000 and result.currency == "EUR"
    assert result.expires_at == NOW + timedelta(seconds=600)
    assert result.added_seat_ids == result.seat_ids
    assert check_invariants(engine, now=NOW) == []


def test_second_buyer_of_same_seat_gets_seats_unavailable_naming_only_that_seat(
    engine, venue, buyers
):
    hold_seats(buyers[0], venue.show_id, venue.ids("A2"), now=NOW, db=engine)

    with pytest.raises(SeatsUnavailable) as lost:
        hold_seats(buyers[1], venue.show_id, venue.ids("A1", "A2", "A3"), now=NOW, db=engine)

    assert lost.value.seat_ids == venue.ids("A2")
    assert lost.value.labels == ["Stalls row A seat 2"]
    # All or nothing: the two free seats were not kept, and no hold was left behind.
    statuses = seat_statuses(venue.show_id, now=NOW, db=engine)
    assert statuses[venue.seats["A1"]] == statuses[venue.seats["A3"]] == "available"
    assert current_hold(buyers[1], venue.show_id, now=NOW, db=engine) is None
    assert check_invariants(engine, now=NOW) == []


def test_more_seats_join_the_live_hold_without_extending_its_clock(engine, venue, buyers):
    first = hold_seats(buyers[0], venue.show_id, venue.ids("A1"), now=NOW, db=engine)
    later = NOW + timedelta(minutes=5)

    second = hold_seats(buyers[0], venue.show_id, venue.ids("A2", "A3"), now=later, db=engine)

    assert second.hold_id == first.hold_id
    assert second.expires_at == first.expires_at
    assert second.seat_ids == tuple(venue.ids("A1", "A2", "A3"))
    assert second.added_seat_ids == tuple(venue.ids("A2", "A3"))
    assert second.total_cents == 15000
    assert check_invariants(engine, now=later) == []


def test_asking_again_for_own_seats_changes_nothing(engine, venue, buyers):
    first = hold_seats(buyers[0], venue.show_id, venue.ids("A1", "A2"), now=NOW, db=engine)

    again = hold_seats(buyers[0], venue.show_id, venue.ids("A1", "A2"), now=NOW, db=engine)

    assert again.hold_id == first.hold_id and again.seat_ids == first.seat_ids
    assert again.added_seat_ids == ()


def test_customer_cap_counts_seats_in_live_holds(engine, buyers):
    venue = build_show(engine, max_seats_per_customer=4)
    hold_seats(buyers[0], venue.show_id, venue.ids("A1", "A2", "A3"), now=NOW, db=engine)

    with pytest.raises(HoldLimitExceeded) as refused:
        hold_seats(buyers[0], venue.show_id, venue.ids("B1", "B2"), now=NOW, db=engine)

    assert (refused.value.limit, refused.value.already, refused.value.asked) == (4, 3, 2)
    result = hold_seats(buyers[0], venue.show_id, venue.ids("B1"), now=NOW, db=engine)
    assert len(result.seat_ids) == 4
    # Another customer has a cap of their own.
    hold_seats(buyers[1], venue.show_id, venue.ids("C1", "C2", "C3", "C4"), now=NOW, db=engine)
    assert check_invariants(engine, now=NOW) == []


def test_cap_frees_up_when_the_hold_expires(engine, buyers):
    venue = build_show(engine, max_seats_per_customer=2)
    first = hold_seats(buyers[0], venue.show_id, venue.ids("A1", "A2"), now=NOW, db=engine)
    later = first.expires_at + timedelta(seconds=1)

    second = hold_seats(buyers[0], venue.show_id, venue.ids("B1", "B2"), now=later, db=engine)

    assert second.hold_id != first.hold_id
    assert second.expires_at == later + timedelta(seconds=600)
    statuses = seat_statuses(venue.show_id, viewer_id=buyers[0], now=later, db=engine)
    assert statuses[venue.seats["A1"]] == "available"
    assert statuses[venue.seats["B1"]] == "mine"
    assert get_hold(first.hold_id, actor=Actor(buyers[0]), now=later, db=engine).status == "expired"
    assert check_invariants(engine, now=later) == []


def test_blocked_seat_is_never_holdable(engine, buyers):
    venue = build_show(engine, [grid_section("Stalls", "Premium", ["A"], 4, blocked={("A", 2)})])

    with pytest.raises(SeatsUnavailable) as lost:
        hold_seats(buyers[0], venue.show_id, venue.ids("A1", "A2"), now=NOW, db=engine)

    assert lost.value.seat_ids == venue.ids("A2")
    assert seat_statuses(venue.show_id, now=NOW, db=engine)[venue.seats["A2"]] == "blocked"
    assert check_invariants(engine, now=NOW) == []


def test_seat_of_another_show_is_an_invalid_request(engine, venue, buyers):
    other = build_show(engine, organizer_id=venue.organizer_id)

    with pytest.raises(InvalidRequest):
        hold_seats(buyers[0], venue.show_id, other.ids("A1"), now=NOW, db=engine)
    with pytest.raises(InvalidRequest):
        hold_seats(buyers[0], venue.show_id, [], now=NOW, db=engine)
    with pytest.raises(NotFound):
        hold_seats(buyers[0], 999_999, [1], now=NOW, db=engine)


@pytest.mark.parametrize(
    ("change", "when"),
    [
        ({"sales_open_at": NOW + timedelta(hours=1)}, NOW),
        ({"sales_close_at": NOW - timedelta(hours=1)}, NOW),
        ({}, STARTS),
        ({}, STARTS + timedelta(hours=1)),
        ({"status": "cancelled"}, NOW),
        ({"event_status": "draft"}, NOW),
        ({"event_status": "cancelled"}, NOW),
    ],
    ids=[
        "before-open",
        "after-close",
        "at-start",
        "after-start",
        "show-cancelled",
        "event-draft",
        "event-cancelled",
    ],
)
def test_no_hold_outside_the_sales_window_or_on_a_show_not_on_sale(
    engine, venue, buyers, change, when
):
    with session_scope(engine) as session:
        show = session.get(Show, venue.show_id)
        event = session.get(Event, venue.event_id)
        for key, value in change.items():
            if key == "event_status":
                event.status = value
            else:
                setattr(show, key, value)
        session.add_all([show, event])

    with pytest.raises(SalesClosed):
        hold_seats(buyers[0], venue.show_id, venue.ids("A1"), now=when, db=engine)
    assert check_invariants(engine, now=NOW) == []


def test_seats_of_an_expired_hold_can_be_taken_by_another_buyer(engine, venue, buyers):
    first = hold_seats(buyers[0], venue.show_id, venue.ids("A1", "A2"), now=NOW, db=engine)
    at_expiry = first.expires_at  # a hold lives while now < expires_at

    assert seat_statuses(venue.show_id, now=at_expiry, db=engine)[venue.seats["A1"]] == (
        "available"
    )
    taken = hold_seats(buyers[1], venue.show_id, venue.ids("A2", "A3"), now=at_expiry, db=engine)

    assert taken.seat_ids == tuple(venue.ids("A2", "A3"))
    mine = get_hold(first.hold_id, actor=Actor(buyers[0]), now=at_expiry, db=engine)
    assert not mine.live and mine.seat_ids == tuple(venue.ids("A1"))
    assert check_invariants(engine, now=at_expiry) == []


def test_releasing_some_seats_keeps_the_rest_and_an_emptied_hold_is_released(engine, venue, buyers):
    held = hold_seats(buyers[0], venue.show_id, venue.ids("A1", "A2", "A3"), now=NOW, db=engine)

    rest = release_seats(held.hold_id, venue.ids("A2"), user_id=buyers[0], now=NOW, db=engine)

    assert rest.seat_ids == tuple(venue.ids("A1", "A3")) and rest.total_cents == 10000
    assert seat_statuses(venue.show_id, now=NOW, db=engine)[venue.seats["A2"]] == "available"
    empty = release_seats(
        held.hold_id, venue.ids("A1", "A3"), user_id=buyers[0], now=NOW, db=engine
    )
    assert empty.seat_ids == ()
    assert get_hold(held.hold_id, actor=Actor(buyers[0]), now=NOW, db=engine).status == "released"
    assert check_invariants(engine, now=NOW) == []


def test_releasing_a_hold_frees_every_seat_and_is_idempotent(engine, venue, buyers):
    held = hold_seats(buyers[0], venue.show_id, venue.ids("B1", "B2"), now=NOW, db=engine)

    assert release_hold(held.hold_id, user_id=buyers[0], now=NOW, db=engine) == venue.ids(
        "B1", "B2"
    )
    assert release_hold(held.hold_id, user_id=buyers[0], now=NOW, db=engine) == []
    statuses = seat_statuses(venue.show_id, now=NOW, db=engine)
    assert {statuses[s] for s in venue.ids("B1", "B2")} == {"available"}
    # A released hold is not live: new seats start a new hold.
    again = hold_seats(buyers[0], venue.show_id, venue.ids("B1"), now=NOW, db=engine)
    assert again.hold_id != held.hold_id
    assert check_invariants(engine, now=NOW) == []


def test_someone_elses_hold_cannot_be_seen_or_changed_but_an_admin_may_look(
    engine, venue, buyers, admin
):
    held = hold_seats(buyers[0], venue.show_id, venue.ids("A1"), now=NOW, db=engine)

    with pytest.raises(NotAllowed):
        get_hold(held.hold_id, actor=Actor(buyers[1]), now=NOW, db=engine)
    with pytest.raises(NotAllowed):
        release_hold(held.hold_id, user_id=buyers[1], now=NOW, db=engine)
    with pytest.raises(NotAllowed):
        release_seats(held.hold_id, venue.ids("A1"), user_id=buyers[1], now=NOW, db=engine)
    view = get_hold(held.hold_id, actor=Actor(admin, Role.ADMIN), now=NOW, db=engine)
    assert view.seat_ids == held.seat_ids
    with pytest.raises(NotFound):
        get_hold(999_999, actor=Actor(buyers[0]), now=NOW, db=engine)


def test_hold_view_lists_seats_with_categories_and_prices(engine, buyers):
    venue = build_show(
        engine,
        [
            grid_section("Front", "Premium", ["A"], 4),
            grid_section("Back", "Standard", ["K"], 4, y0=5),
        ],
    )
    held = hold_seats(buyers[0], venue.show_id, venue.ids("A1", "K1"), now=NOW, db=engine)

    view = get_hold(held.hold_id, actor=Actor(buyers[0]), now=NOW, db=engine)

    assert view.live and view.status == "active"
    assert [(s.label, s.category_name, s.price_cents) for s in view.seats] == [
        ("Back row K seat 1", "Standard", 3000),
        ("Front row A seat 1", "Premium", 5000),
    ]
    assert view.total_cents == 8000 and view.event_title == "Concert"
    assert current_hold(buyers[0], venue.show_id, now=NOW, db=engine) == view
    assert current_hold(buyers[1], venue.show_id, now=NOW, db=engine) is None


def test_seat_statuses_tell_mine_held_booked_and_blocked_apart(engine, buyers):
    from ticketapp.booking import confirm_hold

    venue = build_show(engine, [grid_section("S", "Premium", ["A"], 5, blocked={("A", 5)})])
    mine = hold_seats(buyers[0], venue.show_id, venue.ids("A1"), now=NOW, db=engine)
    hold_seats(buyers[1], venue.show_id, venue.ids("A2"), now=NOW, db=engine)
    sold = hold_seats(buyers[2], venue.show_id, venue.ids("A3"), now=NOW, db=engine)
    confirm_hold(sold.hold_id, user_id=buyers[2], now=NOW, db=engine)

    statuses = seat_statuses(venue.show_id, viewer_id=buyers[0], now=NOW, db=engine)

    assert [statuses[s] for s in venue.ids("A1", "A2", "A3", "A4", "A5")] == [
        "mine",
        "held",
        "booked",
        "available",
        "blocked",
    ]
    anonymous = seat_statuses(venue.show_id, now=NOW, db=engine)
    assert anonymous[venue.seats["A1"]] == "held"
    after = seat_statuses(venue.show_id, viewer_id=buyers[0], now=mine.expires_at, db=engine)
    assert after[venue.seats["A1"]] == after[venue.seats["A2"]] == "available"


def test_seat_map_gives_the_static_layout_categories_and_standing_areas(engine):
    from ticketapp.booking import SectionSpec

    venue = build_show(
        engine,
        [
            grid_section("Stalls", "Premium", row_labels(2), 3, accessible={("A", 1)}),
            SectionSpec("Floor", "Standard", general_admission_capacity=5),
        ],
    )

    layout = seat_map(venue.show_id, db=engine)

    assert layout.show.event_title == "Concert" and layout.show.venue_name == "Town Hall"
    assert layout.show.hold_seconds == 600 and layout.show.max_seats_per_customer == 10
    assert [(c.name, c.price_cents, c.rank) for c in layout.categories] == [
        ("Premium", 5000, 0),
        ("Standard", 3000, 1),
    ]
    numbered = [s for s in layout.seats if not s.is_general_admission]
    assert len(numbered) == 6 and len(layout.seats) == 11
    first = numbered[0]
    assert (first.label, first.row_label, first.number, first.x, first.y, first.accessible) == (
        "Stalls row A seat 1",
        "A",
        1,
        0,
        0,
        True,
    )
    assert [(a.section, a.capacity) for a in layout.general_admission] == [("Floor", 5)]
    assert layout.general_admission[0].category_id == venue.categories["Standard"]
    with pytest.raises(NotFound):
        seat_map(999_999, db=engine)


def test_unknown_user_cannot_hold(engine, venue):
    with pytest.raises(NotFound):
        hold_seats(999_999, venue.show_id, venue.ids("A1"), now=NOW, db=engine)
    with session_scope(engine) as session:
        assert session.exec(select(Hold)).all() == []


def test_naive_now_is_refused(engine, venue, buyers):
    with pytest.raises(InvalidRequest):
        hold_seats(buyers[0], venue.show_id, venue.ids("A1"), now=NOW.replace(tzinfo=None))


def test_hold_default_clock_and_database_are_used_when_not_given(engine, buyers, monkeypatch):
    """`now` and `db` are optional: the real clock and ticketapp.db.get_engine()."""
    from ticketapp import db as dbmodule

    venue = build_show(engine, starts_at=NOW + timedelta(days=3650))
    monkeypatch.setattr(dbmodule, "get_engine", lambda: engine)

    result = hold_seats(buyers[0], venue.show_id, venue.ids("A1"))

    assert abs(result.expires_at - utcnow() - timedelta(seconds=600)) < timedelta(seconds=60)
    assert check_invariants(engine) == []


def test_a_database_failure_reaches_callers_as_a_typed_error():
    from sqlalchemy import create_engine

    from ticketapp.booking import BookingError, TemporarilyUnavailable

    gone = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/no_such_database_here")
    try:
        with pytest.raises(TemporarilyUnavailable) as failed:
            hold_seats(1, 1, [1], now=NOW, db=gone)
    finally:
        gone.dispose()
    assert isinstance(failed.value, BookingError) and failed.value.code == "temporarily_unavailable"
