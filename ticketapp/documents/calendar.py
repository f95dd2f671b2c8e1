"""An "Add to calendar" file (RFC 5545) for a booking: one event per showtime.

The start is written on the venue's wall clock with its TZID, and the zone's rules travel in
the file (VTIMEZONE), so a calendar in another zone shows the right moment and a traveller's
phone still says 19:30 at the venue. The UID is the show's, so importing the file of a second
booking for the same show updates the entry instead of doubling it.
"""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event

from ticketapp.booking.results import BookingView
from ticketapp.timezones import DEFAULT_ZONE, to_local

PRODUCT_ID = "-//ticketapp//tickets//EN"


def _where(view: BookingView) -> str:
    return ", ".join(part for part in (view.venue_name, view.venue_address) if part.strip())


def booking_calendar(view: BookingView, *, now: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"show-{view.show_id}@ticketapp")
    event.add("dtstamp", now)
    event.add("summary", view.event_title)
    # whole seconds: iCalendar has no fractions
    start = to_local(view.starts_at, view.timezone or DEFAULT_ZONE).replace(microsecond=0)
    event.add("dtstart", start)
    event.add("location", _where(view))
    seats = ", ".join(t.label for t in view.tickets if t.live)
    event.add("description", f"Booking {view.code}. Seats: {seats}.")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
