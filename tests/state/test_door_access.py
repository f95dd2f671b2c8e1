"""The door's UI handlers, tried without a browser: door staff work the door of the organizer
who invited them — and are sent away from every other dashboard page and action; nobody
checks in for another organizer's show; a customer is not let near the door."""

from __future__ import annotations

from tests.engine.conftest import build_show, make_users
from tests.state.test_dashboard_access import (
    call,
    db,  # noqa: F401 - fixture
    mutating_calls,
    on_own_loop,
    redirected_to,
    said,
    snapshot,
    stage,  # noqa: F401 - fixture
    tab,
)
from ticketapp.booking import Actor
from ticketapp.booking.door_staff import grant_in
from ticketapp.db import session_scope
from ticketapp.models import Role, utcnow
from ticketapp.state.bookings_admin import BookingsAdminState
from ticketapp.state.door import DoorListState, DoorState
from ticketapp.state.door_staff import DoorStaffState
from ticketapp.state.event_admin import EventAdminState
from ticketapp.state.organizer import DENIED, EventsState, OverviewState
from ticketapp.state.show_admin import ShowAdminState


def door_staff_of(engine, organizer_id: int) -> int:
    staff = make_users(engine, 1, Role.DOOR, "door")[0]
    with session_scope(engine) as session:
        grant_in(session, organizer_id, staff, utcnow())
    return staff


def test_door_staff_are_sent_home_from_every_dashboard_page_and_action(db, stage):  # noqa: F811
    venue, booking, _ = stage
    staff = door_staff_of(db, venue.organizer_id)
    before = snapshot(db)
    for state_cls in (
        OverviewState,
        EventsState,
        EventAdminState,
        BookingsAdminState,
        ShowAdminState,
        DoorStaffState,
    ):
        result = call(
            tab(f"/organizer/events/{venue.event_id}", staff, Role.DOOR), state_cls, "load"
        )
        assert redirected_to(result) == "/", state_cls
        assert DENIED in said(result)
    for state_cls, handler, args, values in mutating_calls(venue, booking):
        result = call(tab("/organizer", staff, Role.DOOR), state_cls, handler, args, values)
        assert redirected_to(result) == "/", handler
    assert snapshot(db) == before


def test_door_staff_check_in_at_their_organizers_door_only(db, stage):  # noqa: F811
    venue, booking, _ = stage
    staff = door_staff_of(db, venue.organizer_id)
    rival = build_show(db)

    listing = tab("/door", staff, Role.DOOR)
    call(listing, DoorListState, "load")
    shows = on_own_loop(listing.get_state(DoorListState)).shows
    assert [s.show_id for s in shows] == [venue.show_id]

    root = tab(f"/door/{venue.show_id}", staff, Role.DOOR)
    call(root, DoorState, "load")
    code = booking.tickets[0].code.lower()
    call(root, DoorState, "typed", ({"code": code},))
    door = on_own_loop(root.get_state(DoorState))
    assert (door.error, door.scan_status, door.checked_in, door.sold) == ("", "checked_in", 1, 1)
    assert door.scan_title == "Valid — checked in"

    before = snapshot(db)
    other = tab(f"/door/{rival.show_id}", staff, Role.DOOR)
    call(other, DoorState, "load")
    assert on_own_loop(other.get_state(DoorState)).error == (
        "You cannot check tickets in for this show."
    )
    call(other, DoorState, "scanned", (booking.tickets[0].code,))
    refused = on_own_loop(other.get_state(DoorState))
    assert refused.scan_status == "error" and "door staff" in refused.scan_title
    assert snapshot(db) == before


def test_a_customer_is_not_let_near_the_door(db, stage):  # noqa: F811
    venue, booking, buyer = stage
    before = snapshot(db)
    for state_cls, handler, args in (
        (DoorListState, "load", ()),
        (DoorState, "load", ()),
        (DoorState, "typed", ({"code": booking.tickets[0].code},)),
    ):
        result = call(tab(f"/door/{venue.show_id}", buyer), state_cls, handler, args)
        assert redirected_to(result) == "/", handler
    assert snapshot(db) == before
    assert Actor(buyer).is_door_staff is False
