"""Extending a hold: once, in its last minute, by the show's hold time, never past the sale."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.engine.conftest import NOW, STARTS, build_show
from ticketapp.booking import (
    EXTEND_WINDOW,
    Conflict,
    HoldExpired,
    NotAllowed,
    check_invariants,
    extend_hold,
    get_hold,
    hold_seats,
    seat_statuses,
)
from ticketapp.booking.access import Actor
from ticketapp.models import Role


def test_a_hold_in_its_last_minute_is_extended_once_by_the_show_hold_time(engine, buyers):
    venue = build_show(engine, hold_seconds=600)
    held = hold_seats(buyers[0], venue.show_id, venue.ids("A1", "A2"), now=NOW, db=engine)
    last_minute = held.expires_at - timedelta(seconds=30)
    me = Actor(buyers[0], Role.CUSTOMER)
    assert not get_hold(held.hold_id, actor=me, now=NOW, db=engine).extendable
    assert get_hold(held.hold_id, actor=me, now=last_minute, db=engine).extendable

    view = extend_hold(held.hold_id, user_id=buyers[0], now=last_minute, db=engine)

    assert view.expires_at == held.expires_at + timedelta(seconds=600)
    assert view.live and not view.extendable
    # The seats follow the hold: still held when the first expiry has passed.
    after_first_expiry = held.expires_at + timedelta(seconds=1)
    statuses = seat_statuses(venue.show_id, now=after_first_expiry, db=engine)
    assert {statuses[s] for s in venue.ids("A1", "A2")} == {"held"}
    with pytest.raises(Conflict, match="already been extended"):
        extend_hold(
            held.hold_id, user_id=buyers[0], now=view.expires_at - timedelta(seconds=5), db=engine
        )
    assert check_invariants(engine, now=after_first_expiry) == []


def test_a_hold_is_not_extended_before_its_last_minute(engine, venue, buyers):
    held = hold_seats(buyers[0], venue.show_id, venue.ids("A1"), now=NOW, db=engine)
    with pytest.raises(Conflict, match="last 60 seconds"):
        extend_hold(
            held.hold_id,
            user_id=buyers[0],
            now=held.expires_at - EXTEND_WINDOW - timedelta(seconds=1),
            db=engine,
        )


def test_an_expired_hold_is_not_extended(engine, venue, buyers):
    held = hold_seats(buyers[0], venue.show_id, venue.ids("A1"), now=NOW, db=engine)
    with pytest.raises(HoldExpired):
        extend_hold(held.hold_id, user_id=buyers[0], now=held.expires_at, db=engine)


def test_only_the_customer_extends_their_hold(engine, venue, buyers):
    held = hold_seats(buyers[0], venue.show_id, venue.ids("A1"), now=NOW, db=engine)
    with pytest.raises(NotAllowed):
        extend_hold(
            held.hold_id, user_id=buyers[1], now=held.expires_at - timedelta(seconds=10), db=engine
        )


def test_an_extension_never_outlives_the_sale(engine, buyers):
    close = NOW + timedelta(minutes=12)
    venue = build_show(engine, hold_seconds=600, sales_close_at=close)
    held = hold_seats(buyers[0], venue.show_id, venue.ids("A1"), now=NOW, db=engine)

    view = extend_hold(
        held.hold_id, user_id=buyers[0], now=held.expires_at - timedelta(seconds=20), db=engine
    )

    assert view.expires_at == close < STARTS
