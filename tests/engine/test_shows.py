"""Showtimes: what a new show gets, and the one rule set for changing a show."""

from __future__ import annotations

from datetime import timedelta

import pytest

import ticketapp.settings
from tests.engine.conftest import NOW, build_show, make_users
from ticketapp.booking import (
    Conflict,
    HoldLimitExceeded,
    PriceSpec,
    SalesClosed,
    SalesStatus,
    cancel_show,
    compact_layout,
    edit_show,
    get_show,
    hold_seats,
    layout_url,
)


def test_new_shows_take_hold_time_and_seat_cap_from_the_settings(engine, monkeypatch):
    configured = ticketapp.settings.load({"HOLD_SECONDS": "90", "MAX_SEATS_PER_CUSTOMER": "2"})
    monkeypatch.setattr(ticketapp.settings, "settings", configured)
    venue = build_show(engine)  # neither hold time nor cap given
    buyer = make_users(engine, 1)[0]

    held = hold_seats(buyer, venue.show_id, venue.ids("A1", "A2"), now=NOW, db=engine)

    assert (held.expires_at - NOW).total_seconds() == 90
    with pytest.raises(HoldLimitExceeded):
        hold_seats(buyer, venue.show_id, venue.ids("A3"), now=NOW, db=engine)


def test_a_price_change_reaches_the_cached_seat_map_layout(engine):
    venue = build_show(engine)
    before = compact_layout(venue.show_id, db=engine)

    edit_show(
        venue.show_id,
        actor=venue.organizer,
        prices=[PriceSpec("Premium", 6500)],
        now=NOW,
        db=engine,
    )
    after = compact_layout(venue.show_id, db=engine)

    assert after["version"] > before["version"]  # a new layout URL: browsers fetch it again
    assert {c["name"]: c["price_cents"] for c in after["categories"]}["Premium"] == 6500
    assert layout_url(venue.show_id, after["version"]) != layout_url(
        venue.show_id, before["version"]
    )


def test_a_cancelled_show_stays_cancelled_whatever_the_door_asks(engine):
    venue = build_show(engine)
    organizer = {"actor": venue.organizer}
    cancel_show(venue.show_id, now=NOW, db=engine, **organizer)

    with pytest.raises(Conflict):
        edit_show(venue.show_id, status="scheduled", now=NOW, db=engine, **organizer)
    with pytest.raises(Conflict):
        edit_show(venue.show_id, hold_seconds=60, now=NOW, db=engine, **organizer)
    again = edit_show(venue.show_id, status="cancelled", now=NOW, db=engine, **organizer)

    assert again.status == "cancelled"
    assert get_show(venue.show_id, now=NOW, db=engine).show.status == "cancelled"
    buyer = make_users(engine, 1)[0]
    with pytest.raises(SalesClosed):
        hold_seats(buyer, venue.show_id, venue.ids("A1"), now=NOW, db=engine)


def test_a_show_summary_carries_its_sales_status(engine):
    opens, starts = NOW + timedelta(days=1), NOW + timedelta(days=3)
    venue = build_show(engine, sales_open_at=opens, starts_at=starts)
    close = starts - timedelta(hours=1)
    edit_show(venue.show_id, actor=venue.organizer, sales_close_at=close, now=NOW, db=engine)

    def status(now):
        return get_show(venue.show_id, now=now, db=engine).sales

    assert status(NOW) == SalesStatus.NOT_YET
    assert status(opens) == SalesStatus.ON_SALE
    assert status(close) == SalesStatus.CLOSED
    assert status(starts) == SalesStatus.STARTED
    assert get_show(venue.show_id, now=NOW, db=engine).editable
    cancel_show(venue.show_id, actor=venue.organizer, now=NOW, db=engine)
    cancelled = get_show(venue.show_id, now=opens, db=engine)
    assert cancelled.sales == SalesStatus.CANCELLED and not cancelled.editable
