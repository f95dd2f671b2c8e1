"""Showtimes: what a new show gets, and the one rule set for changing a show."""

from __future__ import annotations

import pytest

import ticketapp.settings
from tests.engine.conftest import NOW, build_show, make_users
from ticketapp.booking import HoldLimitExceeded, hold_seats


def test_new_shows_take_hold_time_and_seat_cap_from_the_settings(engine, monkeypatch):
    configured = ticketapp.settings.load({"HOLD_SECONDS": "90", "MAX_SEATS_PER_CUSTOMER": "2"})
    monkeypatch.setattr(ticketapp.settings, "settings", configured)
    venue = build_show(engine)  # neither hold time nor cap given
    buyer = make_users(engine, 1)[0]

    held = hold_seats(buyer, venue.show_id, venue.ids("A1", "A2"), now=NOW, db=engine)

    assert (held.expires_at - NOW).total_seconds() == 90
    with pytest.raises(HoldLimitExceeded):
        hold_seats(buyer, venue.show_id, venue.ids("A3"), now=NOW, db=engine)
