"""Venue time zones: an event names its zone (validated by the engine); shows are stored in
UTC and read on the venue's clock everywhere — also across a daylight-saving change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from tests.engine.conftest import NOW, PRICES, build_show, make_users
from ticketapp.booking import (
    Actor,
    InvalidRequest,
    bookings_csv,
    confirm_hold,
    create_event,
    create_show,
    get_booking,
    get_event,
    hold_seats,
    list_event_shows,
    update_event,
)
from ticketapp.booking.outbox import BookingMail
from ticketapp.db import session_scope
from ticketapp.formatting import input_time, parse_input_time, show_time
from ticketapp.models import OutboxMail, Role

# Europe/Vienna leaves winter time (CET, UTC+1) for summer time (CEST, UTC+2) on 30 Mar 2031.
ZONE = "Europe/Vienna"


def test_an_event_keeps_its_venue_zone_and_refuses_an_unknown_one(engine):
    organizer = Actor(make_users(engine, 1, Role.ORGANIZER, "org")[0], Role.ORGANIZER)
    event = create_event(organizer, "Dvořák", "Musikverein", timezone=" Europe/Vienna ", db=engine)
    assert get_event(event.id, viewer=organizer, db=engine).timezone == ZONE

    with pytest.raises(InvalidRequest) as refused:
        update_event(event.id, actor=organizer, timezone="Mars/Olympus", db=engine)
    assert refused.value.field == "timezone" and "Europe/Vienna" in str(refused.value)
    with pytest.raises(InvalidRequest):
        create_event(organizer, "X", "Y", timezone="../../etc/passwd", db=engine)
    assert get_event(event.id, viewer=organizer, db=engine).timezone == ZONE
    assert update_event(event.id, actor=organizer, timezone="", db=engine).timezone == "UTC"


def test_a_1930_show_on_both_sides_of_a_dst_change_reads_1930(engine):
    organizer = Actor(make_users(engine, 1, Role.ORGANIZER, "org")[0], Role.ORGANIZER)
    venue = build_show(engine, organizer_id=organizer.id)
    update_event(venue.event_id, actor=organizer, timezone=ZONE, db=engine)
    before = parse_input_time("2031-03-29T19:30", ZONE)
    after = parse_input_time("2031-03-31T19:30", ZONE)
    for starts_at in (before, after):
        create_show(
            venue.event_id, starts_at, venue.layout_id, PRICES, actor=organizer, now=NOW, db=engine
        )

    shows = [s.show for s in list_event_shows(venue.event_id, viewer=organizer, db=engine)]
    stored = [s.starts_at for s in shows if s.id != venue.show_id]

    assert stored == [
        datetime(2031, 3, 29, 18, 30, tzinfo=UTC),
        datetime(2031, 3, 31, 17, 30, tzinfo=UTC),
    ]
    assert stored[1] - stored[0] == timedelta(days=2, hours=-1)  # one hour apart in UTC
    assert [show_time(s, ZONE) for s in stored] == [
        "Sat 29 Mar 2031, 19:30 CET",
        "Mon 31 Mar 2031, 19:30 CEST",
    ]
    assert [input_time(s, ZONE) for s in stored] == ["2031-03-29T19:30", "2031-03-31T19:30"]


def test_tickets_mails_and_the_export_use_the_venue_clock(engine):
    organizer = Actor(make_users(engine, 1, Role.ORGANIZER, "org")[0], Role.ORGANIZER)
    starts_at = parse_input_time("2031-03-31T19:30", ZONE)
    venue = build_show(engine, organizer_id=organizer.id, starts_at=starts_at)
    update_event(venue.event_id, actor=organizer, timezone=ZONE, db=engine)
    buyer = make_users(engine, 1)[0]
    held = hold_seats(buyer, venue.show_id, venue.ids("A1"), now=NOW, db=engine)
    booked = confirm_hold(held.hold_id, user_id=buyer, now=NOW, db=engine)

    view = get_booking(booked.id, actor=Actor(buyer, Role.CUSTOMER), db=engine)
    assert booked.timezone == view.timezone == ZONE
    with session_scope(engine) as session:
        mail = session.exec(select(OutboxMail).where(OutboxMail.booking_id == booked.id)).one()
    assert "19:30 CEST" in mail.subject
    assert BookingMail.from_json(mail.payload).timezone == ZONE
    csv_text = bookings_csv(venue.event_id, actor=organizer, db=engine).text
    assert "2031-03-31T19:30:00+02:00" in csv_text
