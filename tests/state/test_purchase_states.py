"""The customer's handlers, called without a browser the way the page calls them."""

from __future__ import annotations

from tests.engine.conftest import build_show, make_users
from tests.state.test_dashboard_access import call, db, on_own_loop, tab  # noqa: F401
from ticketapp import booking
from ticketapp.state.show import ShowState


def test_best_available_that_finds_nothing_leaves_the_customer_their_seats(db):  # noqa: F811
    venue = build_show(db)  # 30 seats in rows of 10
    buyer = make_users(db, 1)[0]
    held = booking.hold_seats(buyer, venue.show_id, venue.ids("A1", "A2"), db=db)
    root = tab(f"/shows/{venue.show_id}", buyer)

    call(
        root,
        ShowState,
        "best_available",
        ({"quantity": "10", "accessible": "1"},),  # no wheelchair spaces in this hall
        {"current_show_id": venue.show_id, "hold_id": held.hold_id},
    )

    state = on_own_loop(root.get_state(ShowState))
    assert state.message_is_error and state.message
    still = booking.current_hold(buyer, venue.show_id, db=db)
    assert still is not None and set(still.seat_ids) == set(venue.ids("A1", "A2"))


def test_best_available_replaces_the_cart_when_it_finds_seats(db):  # noqa: F811
    venue = build_show(db)
    buyer = make_users(db, 1)[0]
    held = booking.hold_seats(buyer, venue.show_id, venue.ids("C1"), db=db)
    root = tab(f"/shows/{venue.show_id}", buyer)

    call(
        root,
        ShowState,
        "best_available",
        ({"quantity": "2"},),
        {"current_show_id": venue.show_id, "hold_id": held.hold_id},
    )

    now_held = booking.current_hold(buyer, venue.show_id, db=db)
    assert now_held is not None and len(now_held.seat_ids) == 2
    assert venue.seats["C1"] not in now_held.seat_ids
    assert booking.seat_statuses(venue.show_id, db=db)[venue.seats["C1"]] == "available"
