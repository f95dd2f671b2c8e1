"""One access rule: an event's organizer or an admin manages it; everyone else is refused."""

from __future__ import annotations

import pytest

from tests.engine.conftest import NOW, build_show, make_users
from ticketapp import auth
from ticketapp.booking import (
    Actor,
    NotAllowed,
    event_report,
    event_sales,
    list_layouts,
    organizer_events,
    show_sales,
)
from ticketapp.booking.access import can_manage, require_manager, require_organizer
from ticketapp.models import Role


def test_an_actor_is_made_from_whatever_a_door_knows_of_the_caller():
    identity = auth.Identity(user_id=7, role=Role.ORGANIZER)
    assert Actor.of(identity) == Actor(7, Role.ORGANIZER)
    assert Actor.of(Actor(3, Role.ADMIN)) == Actor(3, Role.ADMIN)


def test_the_owner_and_an_admin_manage_nobody_else_does():
    owner, admin = Actor(1, Role.ORGANIZER), Actor(2, Role.ADMIN)
    rival, customer = Actor(3, Role.ORGANIZER), Actor(4, Role.CUSTOMER)
    assert can_manage(owner, 1) and can_manage(admin, 1)
    assert not can_manage(rival, 1) and not can_manage(customer, 1) and not can_manage(None, 1)
    with pytest.raises(NotAllowed):
        require_manager(rival, 1)
    with pytest.raises(NotAllowed):
        require_organizer(customer)


def test_reports_check_who_asks_themselves(engine):
    venue = build_show(engine)
    rival = Actor(make_users(engine, 1, Role.ORGANIZER, "rival")[0], Role.ORGANIZER)
    for report in (
        lambda who: show_sales(venue.show_id, actor=who, now=NOW, db=engine),
        lambda who: event_sales(venue.event_id, actor=who, now=NOW, db=engine),
        lambda who: event_report(venue.event_id, actor=who, now=NOW, db=engine),
    ):
        assert report(venue.organizer)
        with pytest.raises(NotAllowed):
            report(rival)
    # Lists are scoped instead: the rival sees none of the organizer's events and layouts.
    assert organizer_events(actor=rival, now=NOW, db=engine) == []
    assert list_layouts(actor=rival, now=NOW, db=engine) == []
    assert [e.id for e in organizer_events(actor=venue.organizer, now=NOW, db=engine)] == [
        venue.event_id
    ]
