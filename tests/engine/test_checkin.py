"""Check-in at the door: each ticket admits once, to its own show, while it is live."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from tests.engine.conftest import NOW, STARTS, build_show
from ticketapp.booking import (
    Actor,
    NotAllowed,
    NotFound,
    cancel_booking,
    check_in,
    check_invariants,
    confirm_hold,
    hold_seats,
)


@pytest.fixture
def ticket(engine, venue, buyers):
    held = hold_seats(buyers[0], venue.show_id, venue.ids("A1", "A2"), now=NOW, db=engine)
    return confirm_hold(held.hold_id, user_id=buyers[0], now=NOW, db=engine)


def scan(venue, code, *, show_id=None, when=NOW, actor=None, role="organizer"):
    return check_in(
        code,
        show_id=show_id or venue.show_id,
        actor=Actor(actor or venue.organizer_id, role),
        now=when,
        db=venue.db,
    )


def test_a_ticket_admits_once_then_reads_already_checked_in(engine, venue, ticket):
    code = ticket.tickets[0].code

    first = scan(venue, code)
    second = scan(venue, f"  {code} ", when=NOW + timedelta(minutes=5))

    assert first.status == "checked_in" and first.admitted
    assert (first.checked_in_at, first.label, first.booking_code) == (
        NOW,
        ticket.tickets[0].label,
        ticket.code,
    )
    assert second.status == "already_checked_in" and not second.admitted
    assert second.checked_in_at == NOW  # when it was first used
    assert scan(venue, ticket.tickets[1].code).status == "checked_in"
    assert check_invariants(engine, now=NOW) == []


def test_a_ticket_for_another_show_names_that_show_but_not_the_seat(engine, venue, ticket):
    other = venue.another_show()

    answer = scan(venue, ticket.tickets[0].code, show_id=other)

    assert (answer.status, answer.label, answer.booking_code) == ("wrong_show", "", "")
    assert (answer.other_show_id, answer.other_event_title) == (venue.show_id, "Concert")
    assert answer.other_starts_at == STARTS and answer.checked_in_at is None
    assert scan(venue, ticket.tickets[0].code).status == "checked_in"


def test_a_ticket_of_another_organizer_is_unknown_and_reveals_nothing(engine, venue, ticket):
    rival = build_show(engine)

    answer = scan(venue, ticket.tickets[0].code, show_id=rival.show_id, actor=rival.organizer_id)

    assert answer.status == "unknown" and answer.other_show_id is None
    assert answer == scan(venue, "not-a-ticket", show_id=rival.show_id, actor=rival.organizer_id)


def test_a_cancelled_ticket_is_refused(engine, venue, buyers, ticket):
    cancel_booking(ticket.id, actor=Actor(buyers[0], "customer"), now=NOW, db=engine)

    result = scan(venue, ticket.tickets[0].code)

    assert result.status == "cancelled" and result.booking_code == ticket.code


def test_an_unknown_code_is_reported_as_such(engine, venue):
    assert scan(venue, "not-a-ticket").status == "unknown"


def test_only_the_events_organizer_or_an_admin_may_scan(engine, venue, buyers, admin, ticket):
    rival = build_show(engine).organizer_id
    with pytest.raises(NotAllowed):
        scan(venue, ticket.tickets[0].code, actor=buyers[0], role="customer")
    with pytest.raises(NotAllowed):
        scan(venue, ticket.tickets[0].code, actor=rival)
    with pytest.raises(NotFound):
        scan(venue, ticket.tickets[0].code, show_id=999_999)

    assert scan(venue, ticket.tickets[0].code, actor=admin, role="admin").admitted


def test_two_stewards_scanning_at_once_admit_the_ticket_once(pg_engine):
    from tests.engine.conftest import make_users

    venue = build_show(pg_engine)
    buyer = make_users(pg_engine, 1)[0]
    held = hold_seats(buyer, venue.show_id, venue.ids("A1"), now=NOW, db=pg_engine)
    code = confirm_hold(held.hold_id, user_id=buyer, now=NOW, db=pg_engine).tickets[0].code
    stewards = 8
    barrier = threading.Barrier(stewards)
    results: list[str] = []

    def steward() -> None:
        barrier.wait()
        results.append(scan(venue, code).status)

    threads = [threading.Thread(target=steward) for _ in range(stewards)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(results) == ["already_checked_in"] * (stewards - 1) + ["checked_in"]
    assert check_invariants(pg_engine, now=NOW) == []
