"""The door: typed codes, door staff (who may scan, and that they may do nothing else), the
checked-in count and the shows to scan."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from tests.engine.conftest import NOW, STARTS, build_show, make_users
from ticketapp import auth
from ticketapp.booking import (
    Actor,
    NotAllowed,
    NotFound,
    cancel_booking,
    check_in,
    check_in_counts,
    check_invariants,
    confirm_hold,
    door_show,
    door_shows,
    event_bookings,
    event_sales,
    get_booking,
    hold_best_available,
    hold_seats,
    list_door_staff,
    list_organizer_events,
    normalize_ticket_code,
    revoke_door_staff,
    show_sales,
    update_event,
)
from ticketapp.booking.codes import grouped_ticket_code
from ticketapp.db import session_scope
from ticketapp.models import Role, User


@pytest.fixture
def booked(engine, venue, buyers):
    held = hold_seats(buyers[0], venue.show_id, venue.ids("A1", "A2"), now=NOW, db=engine)
    return confirm_hold(held.hold_id, user_id=buyers[0], now=NOW, db=engine)


def invite(engine, organizer_id: int, email: str = "dora@example.com") -> Actor:
    user = auth.invite_door_staff(
        Actor(organizer_id, Role.ORGANIZER), "Dora Door", email, "door-pass-4711", db=engine
    )
    return Actor(user.id, user.role)


def scan(venue, code, actor, *, show_id=None):
    return check_in(code, show_id=show_id or venue.show_id, actor=actor, now=NOW, db=venue.db)


def test_a_typed_code_forgives_case_separators_and_look_alikes():
    assert normalize_ticket_code(" abcd-0o1i-l2 34 ") == "ABCD0011123 4".replace(" ", "")
    assert grouped_ticket_code("ABCD0123456789EFGHJK") == "ABCD-0123-4567-89EF-GHJK"


def test_a_steward_may_type_the_code_sloppily(engine, venue, booked):
    code = booked.tickets[0].code
    sloppy = grouped_ticket_code(code).lower().replace("0", "o").replace("1", "l")

    answer = scan(venue, sloppy, venue.organizer)

    assert answer.status == "checked_in"
    assert answer.category_name == "Premium" and answer.label == booked.tickets[0].label
    assert scan(venue, code, venue.organizer).status == "already_checked_in"


def test_door_staff_check_in_for_the_organizer_who_invited_them_only(engine, venue, booked):
    door = invite(engine, venue.organizer_id)
    rival = build_show(engine)
    rival_buyer = make_users(engine, 1, prefix="rivalbuyer")[0]
    held = hold_seats(rival_buyer, rival.show_id, rival.ids("A1"), now=NOW, db=engine)
    rival_code = confirm_hold(held.hold_id, user_id=rival_buyer, now=NOW, db=engine).tickets[0]

    assert scan(venue, booked.tickets[0].code, door).status == "checked_in"
    with pytest.raises(NotAllowed):
        scan(rival, rival_code.code, door)
    with pytest.raises(NotAllowed):
        check_in_counts(rival.show_id, actor=door, db=engine)
    assert [s.show_id for s in door_shows(actor=door, now=NOW, db=engine)] == [venue.show_id]
    assert door_show(venue.show_id, actor=door, db=engine).event_id == venue.event_id


def test_door_staff_may_do_nothing_else(engine, venue, booked):
    door = invite(engine, venue.organizer_id)

    for attempt in (
        lambda: show_sales(venue.show_id, actor=door, now=NOW, db=engine),
        lambda: event_sales(venue.event_id, actor=door, now=NOW, db=engine),
        lambda: event_bookings(venue.event_id, actor=door, db=engine),
        lambda: get_booking(booked.id, actor=door, db=engine),
        lambda: update_event(venue.event_id, actor=door, db=engine, title="Mine now"),
        lambda: list_organizer_events(door, db=engine),
        lambda: cancel_booking(booked.id, actor=door, now=NOW, db=engine),
        lambda: list_door_staff(actor=door, db=engine),
    ):
        with pytest.raises(NotAllowed):
            attempt()
    assert check_invariants(engine, now=NOW) == []


def test_a_revoked_grant_ends_door_access_at_once(engine, venue, booked):
    door = invite(engine, venue.organizer_id)
    assert [m.user_id for m in list_door_staff(actor=venue.organizer, db=engine)] == [door.id]

    revoke_door_staff(door.id, actor=venue.organizer, db=engine)

    with pytest.raises(NotAllowed):
        scan(venue, booked.tickets[0].code, door)
    assert door_shows(actor=door, now=NOW, db=engine) == []
    assert list_door_staff(actor=venue.organizer, db=engine) == []
    with pytest.raises(NotFound):
        revoke_door_staff(door.id, actor=venue.organizer, db=engine)


def test_one_door_account_may_work_for_two_organizers(engine, venue):
    other = build_show(engine, starts_at=STARTS + timedelta(hours=2))
    door = invite(engine, venue.organizer_id)

    again = invite(engine, other.organizer_id)  # same e-mail: granted, not a new account

    assert again.id == door.id
    shows = [s.show_id for s in door_shows(actor=door, now=NOW, db=engine)]
    assert shows == [venue.show_id, other.show_id]


def test_a_customer_or_organizer_account_cannot_be_made_door_staff(engine, venue, buyers):
    with session_scope(engine) as session:
        session.exec(update(User).where(User.id == buyers[0]).values(email="carla@example.com"))
    with pytest.raises(auth.EmailTaken):
        invite(engine, venue.organizer_id, "Carla@Example.com")
    with pytest.raises(NotAllowed):
        auth.invite_door_staff(
            Actor(buyers[0], Role.CUSTOMER), "X", "x@example.com", "door-pass-4711", db=engine
        )


def test_counts_are_checked_in_out_of_sold_live_tickets(engine, venue, buyers, booked):
    held = hold_seats(buyers[1], venue.show_id, venue.ids("B1"), now=NOW, db=engine)
    other = confirm_hold(held.hold_id, user_id=buyers[1], now=NOW, db=engine)
    scan(venue, booked.tickets[0].code, venue.organizer)
    assert check_in_counts(venue.show_id, actor=venue.organizer, db=engine).sold == 3

    cancel_booking(other.id, actor=Actor(buyers[1]), now=NOW, db=engine)

    counts = check_in_counts(venue.show_id, actor=venue.organizer, db=engine)
    assert (counts.checked_in, counts.sold) == (1, 2)


def test_a_door_staff_account_cannot_buy_tickets(engine, venue):
    door = invite(engine, venue.organizer_id)

    for attempt in (
        lambda: hold_seats(door.id, venue.show_id, venue.ids("C1"), now=NOW, db=engine),
        lambda: hold_best_available(door.id, venue.show_id, 2, now=NOW, db=engine),
    ):
        with pytest.raises(NotAllowed, match="door-staff account"):
            attempt()
    assert check_invariants(engine, now=NOW) == []
