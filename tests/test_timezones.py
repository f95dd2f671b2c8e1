"""Venue time zones: wall-clock times in, UTC stored, the venue's clock out, across DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ticketapp import formatting
from ticketapp.timezones import TimeZoneError, check_zone, to_local, to_utc


def test_a_local_concert_time_is_stored_in_utc_and_shown_on_the_venues_clock():
    # 19:30 in Vienna in winter is 18:30 UTC; in summer 17:30 UTC.
    winter = formatting.parse_input_time("2026-12-12T19:30", "Europe/Vienna")
    summer = formatting.parse_input_time("2026-07-12T19:30", "Europe/Vienna")
    assert winter == datetime(2026, 12, 12, 18, 30, tzinfo=UTC)
    assert summer == datetime(2026, 7, 12, 17, 30, tzinfo=UTC)
    assert formatting.show_time(winter, "Europe/Vienna") == "Sat 12 Dec 2026, 19:30 CET"
    assert formatting.show_time(summer, "Europe/Vienna") == "Sun 12 Jul 2026, 19:30 CEST"
    assert formatting.input_time(summer, "Europe/Vienna") == "2026-07-12T19:30"


def test_times_around_a_dst_change_keep_their_wall_clock():
    # Clocks in New York jumped from 02:00 to 03:00 on 8 March 2026.
    before = to_utc(datetime(2026, 3, 7, 20, 0), "America/New_York")
    after = to_utc(datetime(2026, 3, 8, 20, 0), "America/New_York")
    assert after - before == timedelta(hours=23)  # 24 hours apart on the wall
    assert to_local(after, "America/New_York").hour == 20


def test_a_time_the_clocks_skip_is_refused_with_a_clear_message():
    with pytest.raises(TimeZoneError, match="does not exist in Europe/Vienna"):
        to_utc(datetime(2026, 3, 29, 2, 30), "Europe/Vienna")


def test_a_time_that_happens_twice_is_its_first_occurrence():
    # 02:30 on 25 October 2026 happens twice in Vienna; the first one is still summer time.
    assert to_utc(datetime(2026, 10, 25, 2, 30), "Europe/Vienna") == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


@pytest.mark.parametrize("name", ["Mars/Olympus", "../../etc/passwd", "/etc/localtime"])
def test_an_unknown_zone_is_refused(name):
    with pytest.raises(TimeZoneError, match="Unknown time zone"):
        check_zone(name)


def test_an_empty_zone_is_utc():
    assert check_zone("") == "UTC"
    assert check_zone(" Europe/Vienna ") == "Europe/Vienna"
