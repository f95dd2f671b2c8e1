"""The dashboard's doors, tried without a browser: each handler is called the way a crafted
websocket message would call it, as a visitor, a customer and another organizer.

Hiding a button is not a check: every handler must re-verify the caller on the server
(`organizer_identity`) and leave ownership to the engine. These tests instantiate the real
Reflex state tree, give it a token and a page address, call the handlers and then look at the
database: nothing may have changed.
"""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from reflex.istate.data import ReflexURL, RouterData
from reflex.state import State
from sqlmodel import Session, select

import ticketapp.db
import ticketapp.ticketapp
from tests.engine.conftest import build_show, make_users
from ticketapp import auth
from ticketapp.booking import confirm_hold, hold_seats
from ticketapp.models import Booking, Event, LayoutSeat, Role, Show, Ticket
from ticketapp.state.bookings_admin import BookingsAdminState
from ticketapp.state.event_admin import EventAdminState, PriceRow, ShowFormState
from ticketapp.state.layout_editor import LayoutEditorState, SectionDraft
from ticketapp.state.new_event import NewEventState
from ticketapp.state.organizer import DENIED, NOT_YOURS, EventsState, OverviewState
from ticketapp.state.session import SessionState
from ticketapp.state.show_admin import ShowAdminState


def on_own_loop(coroutine):
    """Run a coroutine to its end on a thread of its own: browser tests in the same pytest
    session keep an event loop running in the main thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture
def db(pg_engine, monkeypatch):
    """Point the app's own engine (what state handlers use) at the test database."""
    monkeypatch.setattr(
        ticketapp.db,
        "settings",
        ticketapp.db.settings.model_copy(
            update={"database_url": pg_engine.url.render_as_string(hide_password=False)}
        ),
    )
    return pg_engine


@pytest.fixture
def stage(db):
    """A published event of its organizer, with one show and one sold ticket."""
    venue = build_show(db)  # in 2031: in the future for the handlers' real clock too
    buyer = make_users(db, 1)[0]
    held = hold_seats(buyer, venue.show_id, venue.ids("A1"), db=db)
    booking = confirm_hold(held.hold_id, user_id=buyer, db=db)
    return venue, booking, buyer


def tab(path: str, user_id: int | None = None, role: str = Role.CUSTOMER) -> State:
    """A browser tab's state tree, on `path`, logged in as `user_id` (or not at all)."""
    root = State(_reflex_internal_init=True)
    root.router = RouterData(url=ReflexURL(f"http://localhost:3000{path}"))
    if user_id is not None:
        session = on_own_loop(root.get_state(SessionState))
        session.token = auth.issue_token(user_id, role)
    return root


def call(root: State, state_cls, handler: str, args: tuple = (), values: dict | None = None):
    """Set `values` on the state (what an earlier page load left there), call the handler."""
    values = values or {}

    async def go():
        state = await root.get_state(state_cls)
        for name, value in values.items():
            if isinstance(name, str):
                setattr(state, name, value)
            else:  # another state of the same tab, e.g. the event page behind a dialog
                other = await root.get_state(name)
                for key, item in value.items():
                    setattr(other, key, item)
        result = getattr(state, handler)(*args)
        if hasattr(result, "__aiter__"):
            return [item async for item in result]
        return await result if asyncio.iscoroutine(result) else result

    return on_own_loop(go())


def events_of(result) -> list:
    items = result if isinstance(result, list) else [result]
    flat = []
    for item in items:
        flat += item if isinstance(item, list) else [item]
    return [e for e in flat if e is not None]


def redirected_to(result) -> str | None:
    for event in events_of(result):
        args = {k._js_expr: getattr(v, "_var_value", None) for k, v in getattr(event, "args", ())}
        if set(args) >= {"path", "external", "popup", "replace"}:  # rx.redirect's signature
            return args["path"]
    return None


def said(result) -> str:
    """The words of the toasts and redirects a handler answered with."""
    return " ".join(str(v) for e in events_of(result) for _, v in getattr(e, "args", ()))


def snapshot(db) -> tuple:
    with Session(db) as session:
        return (
            sorted((e.id, e.status, e.title) for e in session.exec(select(Event))),
            sorted(
                (s.id, s.status, s.hold_seconds, s.layout_id) for s in session.exec(select(Show))
            ),
            sorted((b.id, b.status) for b in session.exec(select(Booking))),
            sorted((t.id, t.live, t.checked_in_at) for t in session.exec(select(Ticket))),
            len(session.exec(select(LayoutSeat)).all()),
        )


def mutating_calls(venue, booking):
    """Every dashboard action that changes something, as (state, handler, args, values)."""
    event = {"event_id": venue.event_id}
    form = {
        "title": "Hijacked",
        "venue_name": "Elsewhere",
        "venue_address": "",
        "category": "",
        "banner_url": "",
        "description": "",
    }
    prices = [PriceRow("Premium", ""), PriceRow("Standard", "")]
    show_form = {
        "starts_at": "2040-01-01T20:00",
        "hold_minutes": "1",
        "cap": "2",
        "price__Premium": "1.00",
        "price__Standard": "1.00",
    }
    return [
        (EventAdminState, "publish", (), event),
        (EventAdminState, "unpublish", (), event),
        (EventAdminState, "delete_event", (), event),
        (EventAdminState, "cancel_event", ({"reason": "x"},), event),
        (EventAdminState, "cancel_show", ({"show_id": str(venue.show_id)},), event),
        (EventAdminState, "save_details", (form,), event),
        (ShowFormState, "submit", (show_form,), {"show_id": venue.show_id, "prices": prices}),
        (
            ShowFormState,
            "submit",
            (show_form,),
            {
                "show_id": 0,
                "layout_id": str(venue.layout_id),
                "prices": prices,
                EventAdminState: event,
            },
        ),
        (
            BookingsAdminState,
            "cancel_booking",
            ({"booking_id": str(booking.id), "reason": "x"},),
            event,
        ),
        (
            ShowAdminState,
            "check_in",
            ({"code": booking.tickets[0].code},),
            {"show_id": venue.show_id},
        ),
        (
            LayoutEditorState,
            "save",
            (),
            {
                "layout_id": venue.layout_id,
                "name": "Hijacked",
                "sections": [SectionDraft("Stalls", "Premium", rows=1, row_names="A")],
            },
        ),
    ]


def test_a_visitor_is_sent_to_log_in_from_every_dashboard_action(db, stage):
    venue, booking, _ = stage
    before = snapshot(db)
    for state_cls, handler, args, values in mutating_calls(venue, booking):
        result = call(tab("/organizer/events/1"), state_cls, handler, args, values)
        assert redirected_to(result) == "/login?next=/organizer/events/1", handler
    assert snapshot(db) == before


def test_a_customer_is_sent_home_from_every_dashboard_page_and_action(db, stage):
    venue, booking, buyer = stage
    before = snapshot(db)
    loads = [
        (OverviewState, "load"),
        (EventsState, "load"),
        (NewEventState, "check_access"),
        (EventAdminState, "load"),
        (BookingsAdminState, "load"),
        (ShowAdminState, "load"),
        (LayoutEditorState, "load"),
    ]
    for state_cls, handler in loads:
        result = call(tab(f"/organizer/events/{venue.event_id}", buyer), state_cls, handler)
        assert redirected_to(result) == "/", handler
        assert DENIED in said(result)
    for state_cls, handler, args, values in mutating_calls(venue, booking):
        result = call(tab("/organizer", buyer), state_cls, handler, args, values)
        assert redirected_to(result) == "/", handler
    result = call(
        tab("/organizer/events/new", buyer),
        NewEventState,
        "create",
        ({"title": "X", "venue_name": "Y"},),
    )
    assert redirected_to(result) == "/"
    assert snapshot(db) == before


def test_another_organizer_can_neither_see_nor_change_the_event(db, stage):
    venue, booking, _ = stage
    rival = make_users(db, 1, Role.ORGANIZER, "rival")[0]
    before = snapshot(db)

    for state_cls, path in (
        (EventAdminState, f"/organizer/events/{venue.event_id}"),
        (BookingsAdminState, f"/organizer/events/{venue.event_id}/bookings"),
        (ShowAdminState, f"/organizer/shows/{venue.show_id}"),
        (LayoutEditorState, f"/organizer/layouts/{venue.layout_id}"),
    ):
        root = tab(path, rival, Role.ORGANIZER)
        call(root, state_cls, "load")
        state = on_own_loop(root.get_state(state_cls))
        assert state.error in (NOT_YOURS, "This page does not exist (or is not one of yours)."), (
            state_cls
        )
    for state_cls, handler, args, values in mutating_calls(venue, booking):
        root = tab("/organizer", rival, Role.ORGANIZER)
        result = call(root, state_cls, handler, args, values)
        state = on_own_loop(root.get_state(state_cls))
        refused = (
            said(result)
            + " "
            + " ".join(
                str(getattr(state, name, ""))
                for name in ("error", "details_error", "message", "scan_title")
            )
        )
        assert re.search(r"\bonly\b|\bown\b|cannot", refused, re.I), (handler, refused)
    assert snapshot(db) == before


def test_the_owner_gets_through_the_same_doors(db, stage):
    venue, booking, _ = stage
    root = tab(f"/organizer/events/{venue.event_id}", venue.organizer_id, Role.ORGANIZER)
    call(root, EventAdminState, "load")
    state = on_own_loop(root.get_state(EventAdminState))
    assert state.error == "" and state.bookings_count == 1

    code = booking.tickets[0].code
    result = call(root, ShowAdminState, "check_in", ({"code": code},), {"show_id": venue.show_id})
    scan = on_own_loop(root.get_state(ShowAdminState))
    assert scan.scan_title == "Valid — checked in", said(result)
