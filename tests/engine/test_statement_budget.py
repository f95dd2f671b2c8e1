"""The work per booking is a product feature: these tests count the SQL statements of the hot
paths on PostgreSQL, so the budget cannot rot. Each statement is one round trip.

Budget: holding chosen seats <= 3; confirming a hold into a booking with its tickets, its
outbox row and its Idempotency-Key record <= 4; identifying the caller from a token <= 1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from tests.engine.conftest import NOW, build_show, make_users
from ticketapp import auth
from ticketapp.booking import Once, configure_queue, confirm_hold, hold_seats, purchase_seats
from ticketapp.booking.queue_pass import issue_pass
from ticketapp.booking.results import BookingView, HoldResult
from ticketapp.models import IdempotencyRecord, OutboxMail, Ticket


@contextmanager
def statements(db: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement)

    event.listen(db, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db, "before_cursor_execute", count)


def once(user_id: int, key: str) -> Once:
    def encode(outcome) -> tuple[int, str]:
        if isinstance(outcome, HoldResult | BookingView):
            return 201, json.dumps({"id": getattr(outcome, "hold_id", None) or outcome.id})
        return 409, json.dumps({"error": type(outcome).__name__})

    return Once(user_id, "POST /test", key, "hash-" + key, encode)


@pytest.fixture
def db(pg_engine: Engine) -> Engine:
    return pg_engine


def test_holding_chosen_seats_takes_at_most_three_statements(db: Engine) -> None:
    venue = build_show(db)
    buyer = make_users(db, 1)[0]
    with statements(db) as new_hold:
        held = hold_seats(buyer, venue.show_id, venue.ids("A1", "A2"), now=NOW, db=db)
    with statements(db) as more_seats:  # added to the live hold
        hold_seats(buyer, venue.show_id, venue.ids("A3"), now=NOW, db=db)
    keyed = make_users(db, 1, prefix="keyed")[0]
    with statements(db) as with_key:
        hold_seats(
            keyed,
            venue.show_id,
            venue.ids("B1", "B2"),
            now=NOW,
            db=db,
            once=once(keyed, "h"),
        )
    assert len(held.seat_ids) == 2
    assert len(new_hold) <= 3, new_hold
    assert len(more_seats) <= 3, more_seats
    assert len(with_key) <= 3, with_key  # the key's lookup and record ride along


def test_the_waiting_room_pass_check_costs_no_statement(db: Engine) -> None:
    """The queue flag rides on the show row the hold reads first; the pass is checked in
    Python: a hold through the waiting room takes as many statements as one without."""
    venue = build_show(db)
    buyer = make_users(db, 1)[0]
    configure_queue(venue.show_id, actor=venue.organizer, enabled=True, per_minute=60, db=db)
    queue_pass = issue_pass(buyer, venue.show_id, NOW + timedelta(minutes=10))
    with statements(db) as queued:
        held = hold_seats(
            buyer, venue.show_id, venue.ids("A1", "A2"), now=NOW, db=db, queue_pass=queue_pass
        )
    assert held.queue_pass is not None
    assert len(queued) <= 3, queued


def test_confirming_with_tickets_outbox_and_idempotency_record_takes_at_most_four(
    db: Engine,
) -> None:
    venue = build_show(db)
    buyer = make_users(db, 1)[0]
    held = hold_seats(buyer, venue.show_id, venue.ids("A1", "A2"), now=NOW, db=db)
    with statements(db) as seen:
        booking = confirm_hold(held.hold_id, user_id=buyer, now=NOW, db=db, once=once(buyer, "c"))
    assert len(seen) <= 4, seen
    with db.connect() as conn:  # and everything the budget covers was really written
        assert conn.execute(select(func.count()).select_from(Ticket)).scalar() == 2
        assert conn.execute(select(func.count()).select_from(OutboxMail)).scalar() == 1
        assert conn.execute(select(func.count()).select_from(IdempotencyRecord)).scalar() == 1
    assert len(booking.tickets) == 2


def test_a_one_request_purchase_takes_four_statements_with_its_key(db: Engine) -> None:
    """The hold's three statements also read what the booking needs (key, buyer, event,
    ticket types and ids), so the booking is one statement more: 4 in all, not 3 + 3 + 1."""
    venue = build_show(db)
    buyer = make_users(db, 1)[0]
    with statements(db) as seen:
        bought = purchase_seats(
            buyer, venue.show_id, venue.ids("A1", "A2"), now=NOW, db=db, once=once(buyer, "p")
        )
    assert len(seen) <= 4, seen
    assert len(bought.tickets) == 2
    with db.connect() as conn:  # and everything the budget covers was really written
        assert conn.execute(select(func.count()).select_from(Ticket)).scalar() == 2
        assert conn.execute(select(func.count()).select_from(OutboxMail)).scalar() == 1
        assert conn.execute(select(func.count()).select_from(IdempotencyRecord)).scalar() == 1


def test_identifying_the_caller_takes_at_most_one_statement(db: Engine) -> None:
    buyer = make_users(db, 1)[0]
    token = auth.issue_token(buyer, "customer")
    with statements(db) as seen:
        assert auth.actor_from_token(token, db=db).id == buyer
    assert len(seen) <= 1, seen
