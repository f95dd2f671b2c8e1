"""Catalogue search: case and accents never decide a match; a reversed date range is refused."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tests.engine.conftest import NOW, build_show
from ticketapp.booking import Actor, InvalidRequest, list_upcoming_events, update_event
from ticketapp.booking.search import fold
from ticketapp.models import Role
from ticketapp.timezones import to_utc


def test_fold_drops_case_and_accents():
    assert fold("  Dvořák  Symphonie ") == "dvorak symphonie"
    assert fold("STRASSE") == fold("Straße") == "strasse"
    assert fold("Łódź Øresund") == "lodz oresund"


def titles(engine, **filters) -> list[str]:
    events, _ = list_upcoming_events(now=NOW, db=engine, **filters)
    return [e.title for e in events]


def test_search_ignores_case_and_accents_in_title_venue_and_description(engine):
    venue = build_show(engine)
    organizer = Actor(venue.organizer_id, Role.ORGANIZER)
    update_event(
        venue.event_id,
        actor=organizer,
        title="Dvořák: New World",
        venue_name="Salle Gaveau",
        description="Avec l'Orchestre de Genève",
        db=engine,
    )

    assert titles(engine, text="dvorak") == ["Dvořák: New World"]
    assert titles(engine, text="NEW dvořák") == ["Dvořák: New World"]
    assert titles(engine, text="geneve") == ["Dvořák: New World"]
    assert titles(engine, venue="gavéau") == ["Dvořák: New World"]
    assert titles(engine, text="dvorak 100%") == []
    # A later change is searchable at once: the engine keeps the folded copy.
    update_event(venue.event_id, actor=organizer, title="Smetana", db=engine)
    assert titles(engine, text="dvorak") == []
    assert titles(engine, text="SMETANA") == ["Smetana"]


def test_a_reversed_date_range_is_explained_not_an_empty_page(engine):
    build_show(engine)
    with pytest.raises(InvalidRequest) as refused:
        list_upcoming_events(
            now=NOW, date_from=NOW + timedelta(days=3), date_to=NOW + timedelta(days=1), db=engine
        )
    assert refused.value.field == "date_to" and "before the start date" in str(refused.value)


def test_day_filters_use_each_venue_calendar(engine):
    # 23:30 in New York on 7 March is 04:30 UTC on 8 March: the show is on the 7th there.
    late = to_utc(datetime(2031, 3, 7, 23, 30), "America/New_York")
    venue = build_show(engine, starts_at=late)
    update_event(
        venue.event_id,
        actor=Actor(venue.organizer_id, Role.ORGANIZER),
        title="Late show",
        timezone="America/New_York",
        db=engine,
    )

    assert titles(engine, day_from=date(2031, 3, 7), day_to=date(2031, 3, 7)) == ["Late show"]
    assert titles(engine, day_from=date(2031, 3, 8)) == []
    assert titles(engine, day_to=date(2031, 3, 6)) == []
    with pytest.raises(InvalidRequest):
        list_upcoming_events(now=NOW, day_from=date(2031, 3, 8), day_to=date(2031, 3, 7), db=engine)
