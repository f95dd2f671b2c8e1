"""The waiting-list handlers of the show page and the dashboard, called the way pages call
them: bad input gets a clear message and changes nothing; the engine decides."""

from __future__ import annotations

from tests.engine.conftest import build_show, make_users
from tests.state.test_dashboard_access import call, db, on_own_loop, tab  # noqa: F401
from ticketapp import booking
from ticketapp.booking import grid_section, row_labels
from ticketapp.models import Role
from ticketapp.state.waiting_list import WaitingListAdminState, WaitingListState


def sold_out_show(db):  # noqa: F811
    venue = build_show(db, [grid_section("Stalls", "Premium", row_labels(1), 2)])
    buyer = make_users(db, 1, prefix="buyer")[0]
    held = booking.hold_seats(buyer, venue.show_id, venue.ids("A1", "A2"), db=db)
    booking.confirm_hold(held.hold_id, user_id=buyer, db=db)
    return venue


def test_joining_from_the_show_page_and_bad_input_said_plainly(db):  # noqa: F811
    venue = sold_out_show(db)
    fan = make_users(db, 1, prefix="fan")[0]
    root = tab(f"/shows/{venue.show_id}", fan)
    call(root, WaitingListState, "load", (), {})
    state = on_own_loop(root.get_state(WaitingListState))
    assert state.can_join and state.sold_out and state.status == ""

    call(root, WaitingListState, "join", ({"quantity": "many"},), {})
    assert state.message_is_error and "number of seats" in state.message
    call(root, WaitingListState, "join", ({"quantity": "99"},), {})
    assert state.message_is_error and "At most 10 seats" in state.message
    assert booking.my_waiting_place(fan, venue.show_id, db=db) is None

    call(root, WaitingListState, "join", ({"quantity": "2", "accessible": "on"},), {})
    assert not state.message_is_error and state.status == "waiting" and state.position == 1
    assert state.wish == "2 seats, wheelchair-accessible" and not state.can_join

    call(root, WaitingListState, "leave", (), {})
    assert state.status == "left"
    assert booking.my_waiting_place(fan, venue.show_id, db=db).status == "left"


def test_the_dashboard_shows_the_list_and_refuses_a_bad_offer_window(db):  # noqa: F811
    venue = sold_out_show(db)
    fan = make_users(db, 1, prefix="fan")[0]
    booking.join_waiting_list(fan, venue.show_id, 2, db=db)
    root = tab(f"/organizer/shows/{venue.show_id}", venue.organizer_id, Role.ORGANIZER)
    call(root, WaitingListAdminState, "load", (), {})
    state = on_own_loop(root.get_state(WaitingListAdminState))
    assert (state.waiting, state.seats_wanted, len(state.rows)) == (1, 2, 1)

    call(root, WaitingListAdminState, "save", ({"enabled": "on", "offer_minutes": "x"},), {})
    assert state.message_is_error and state.enabled

    call(root, WaitingListAdminState, "save", ({"offer_minutes": "45"},), {})
    assert not state.enabled and state.offer_minutes == 45 and state.waiting == 0
