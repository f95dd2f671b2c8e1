"""Browsing the catalog: search, filters, and what counts as upcoming."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from tests.engine.conftest import NOW, build_show, make_users
from ticketapp import booking
from ticketapp.booking import Actor, PriceSpec, grid_section, hold_seats
from ticketapp.models import Role, User, utcnow


def _event(db, organizer_id: int, title: str, venue: str, *, days: int = 3, status="published"):
    layout = booking.create_layout(
        Actor(organizer_id, Role.ORGANIZER), "Room", [grid_section("H", "S", ["A"], 4)], db=db
    )
    event = booking.create_event(
        Actor(organizer_id, Role.ORGANIZER), title, venue, status=status, db=db
    )
    booking.create_show(
        event.id,
        utcnow() + timedelta(days=days),
        layout,
        [PriceSpec("S", 1000)],
        actor=Actor(organizer_id, Role.ORGANIZER),
        db=db,
    )
    return event


def test_search_takes_percent_and_underscore_literally(engine):
    with Session(engine, expire_on_commit=False) as session:
        organizer = User(name="O", email="o@x.io", password_hash="x", role=Role.ORGANIZER)
        session.add(organizer)
        session.commit()
    _event(engine, organizer.id, "100% Jazz", "Blue_Note")
    _event(engine, organizer.id, "1000 Voices", "BlueXNote")
    _event(engine, organizer.id, "Draft 100% Jazz", "Blue_Note", status="draft")

    def titles(**filters) -> list[str]:
        return [e.title for e in booking.list_upcoming_events(db=engine, **filters)[0]]

    assert titles(text="100%") == ["100% Jazz"]
    assert titles(venue="blue_note") == ["100% Jazz"]
    assert sorted(titles(text="100")) == ["100% Jazz", "1000 Voices"]
    assert titles(text="%") == ["100% Jazz"]


def test_only_published_events_with_a_show_still_to_come_are_listed(engine):
    with Session(engine, expire_on_commit=False) as session:
        organizer = User(name="O", email="o@x.io", password_hash="x", role=Role.ORGANIZER)
        session.add(organizer)
        session.commit()
    soon = _event(engine, organizer.id, "Soon", "Hall", days=1)
    later = _event(engine, organizer.id, "Later", "Hall", days=9)
    _event(engine, organizer.id, "Hidden", "Hall", status="draft")
    events, total = booking.list_upcoming_events(db=engine)
    assert [e.id for e in events] == [soon.id, later.id] and total == 2
    window, _ = booking.list_upcoming_events(
        db=engine, date_from=utcnow() + timedelta(days=5), date_to=utcnow() + timedelta(days=10)
    )
    assert [e.id for e in window] == [later.id]
    assert events[0].price_from_cents == 1000 and events[0].places_left == 4


def test_a_hold_that_runs_out_at_this_very_moment_counts_as_places_left(engine):
    """One rule for "a hold has run out": `held_until <= now`, the same as the claim's."""
    venue = build_show(engine)
    buyer = make_users(engine, 1)[0]
    held = hold_seats(buyer, venue.show_id, venue.ids("A1", "A2"), now=NOW, db=engine)
    total = len([k for k in venue.seats if k[0] in "ABC" and k[1:].isdigit()])

    show = booking.get_show(venue.show_id, now=held.expires_at, db=engine)
    events, _ = booking.list_upcoming_events(now=held.expires_at, db=engine)

    assert show.places_left == total
    assert [e.places_left for e in events if e.id == venue.event_id] == [total]
    # ... and a buyer can claim those very seats at that moment.
    other = make_users(engine, 1)[0]
    assert hold_seats(other, venue.show_id, venue.ids("A1"), now=held.expires_at, db=engine)
