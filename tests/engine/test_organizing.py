"""The organizer's side: cancelling events and shows with their bookings, editing showtimes,
the dashboard's figures, the CSV export — and who may do any of it."""

from __future__ import annotations

import contextlib
import csv
import io
import threading
from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.engine.conftest import NOW, STARTS, build_show, make_users
from ticketapp.booking import (
    Actor,
    BookingError,
    Conflict,
    InvalidRequest,
    NotAllowed,
    PriceSpec,
    SalesClosed,
    SalesCounts,
    bookings_csv,
    cancel_booking,
    cancel_event,
    cancel_show,
    check_in,
    check_invariants,
    confirm_hold,
    edit_show,
    event_report,
    get_booking,
    grid_section,
    hold_seats,
    organizer_events,
    organizer_overview,
    show_sales,
    update_event,
)
from ticketapp.db import session_scope
from ticketapp.models import (
    Booking,
    Hold,
    OutboxMail,
    PriceCategory,
    Role,
    SeatStatus,
    Show,
    ShowSeat,
    Ticket,
)

ORG = Role.ORGANIZER


def sell(venue, buyer, *seats, when=NOW, name=""):
    held = hold_seats(buyer, venue.show_id, venue.ids(*seats), now=when, db=venue.db)
    return confirm_hold(held.hold_id, user_id=buyer, buyer_name=name, now=when, db=venue.db)


def seat_statuses_of(engine, show_id: int) -> set[str]:
    with session_scope(engine) as session:
        return set(session.exec(select(ShowSeat.status).where(ShowSeat.show_id == show_id)))


# --- cancelling ----------------------------------------------------------------------------


def test_cancelling_an_event_cancels_every_booking_of_its_coming_shows_once(engine, venue, buyers):
    second = venue.second_show()
    first_booking = sell(venue, buyers[0], "A1", "A2")
    second_booking = sell(second, buyers[1], "B1")
    already = sell(venue, buyers[2], "C1")
    cancel_booking(already.id, actor=Actor(buyers[2], "customer"), now=NOW, db=engine)
    hold_seats(buyers[2], second.show_id, second.ids("C5"), now=NOW, db=engine)

    result = cancel_event(venue.event_id, actor=venue.organizer, now=NOW, db=engine)

    assert sorted(b.id for b in result.bookings) == sorted([first_booking.id, second_booking.id])
    assert all(b.status == "cancelled" for b in result.bookings)
    with session_scope(engine) as session:
        mails = session.exec(select(OutboxMail).where(OutboxMail.kind == "show_cancelled")).all()
        # One "show cancelled" mail per booking this cancel cancelled, written with it.
        assert sorted(m.booking_id for m in mails) == sorted(b.id for b in result.bookings)
    assert sorted(result.show_ids) == sorted([venue.show_id, second.show_id])
    view = get_booking(first_booking.id, actor=Actor(buyers[0], "customer"), db=engine)
    assert view.status == "cancelled" and not any(t.live for t in view.tickets)
    for show_id in (venue.show_id, second.show_id):
        assert seat_statuses_of(engine, show_id) == {SeatStatus.AVAILABLE}
    with session_scope(engine) as session:
        assert {s.status for s in session.exec(select(Show))} == {"cancelled"}
        assert {h.status for h in session.exec(select(Hold))} >= {"released"}
        assert "active" not in {h.status for h in session.exec(select(Hold))}
    again = cancel_event(venue.event_id, actor=venue.organizer, now=NOW, db=engine)
    assert again.bookings == ()
    with session_scope(engine) as session:
        assert (
            len(session.exec(select(OutboxMail).where(OutboxMail.kind == "show_cancelled")).all())
            == 2
        )
    with pytest.raises(Conflict, match="cancelled"):
        update_event(venue.event_id, actor=venue.organizer, db=engine, title="X")
    with pytest.raises(SalesClosed):
        hold_seats(buyers[0], venue.show_id, venue.ids("A5"), now=NOW, db=engine)
    assert check_invariants(engine, now=NOW) == []


def test_a_show_that_has_started_keeps_its_bookings_when_the_event_is_cancelled(
    engine, venue, buyers
):
    later = venue.second_show(STARTS + timedelta(days=2))
    played = sell(venue, buyers[0], "A1")
    coming = sell(later, buyers[1], "A1")
    after_first = STARTS + timedelta(hours=3)

    result = cancel_event(venue.event_id, actor=venue.organizer, now=after_first, db=engine)

    assert [b.id for b in result.bookings] == [coming.id]
    view = get_booking(played.id, actor=Actor(buyers[0], "customer"), db=engine)
    assert view.status == "confirmed"
    assert check_invariants(engine, now=after_first) == []


def test_cancelling_a_show_cancels_its_bookings_even_with_tickets_used(engine, venue, buyers):
    booking = sell(venue, buyers[0], "A1", "A2")
    check_in(
        booking.tickets[0].code,
        show_id=venue.show_id,
        actor=venue.organizer,
        now=NOW,
        db=engine,
    )

    result = cancel_show(
        venue.show_id,
        actor=venue.organizer,
        reason="Storm warning",
        now=NOW,
        db=engine,
    )

    assert [b.id for b in result.bookings] == [booking.id]
    with session_scope(engine) as session:
        assert session.get(Show, venue.show_id).status == "cancelled"
        assert not any(t.live for t in session.exec(select(Ticket)))
    assert check_invariants(engine, now=NOW) == []
    with pytest.raises(Conflict, match="already started"):
        other = venue.second_show()
        cancel_show(
            other.show_id,
            actor=venue.organizer,
            now=STARTS + timedelta(days=2),
            db=engine,
        )


def test_a_confirm_racing_an_event_cancel_never_leaves_a_live_booking(pg_engine):
    venue = build_show(pg_engine)
    buyers = make_users(pg_engine, 8)
    seats = venue.ids(*[f"A{n}" for n in range(1, 9)])
    holds = [
        hold_seats(b, venue.show_id, [seat], now=NOW, db=pg_engine).hold_id
        for b, seat in zip(buyers, seats, strict=True)
    ]
    barrier = threading.Barrier(len(buyers) + 1)
    results: dict[str, object] = {}

    def buyer(user: int, hold: int) -> None:
        barrier.wait()
        with contextlib.suppress(BookingError):
            confirm_hold(hold, user_id=user, now=NOW, db=pg_engine)

    def organizer() -> None:
        barrier.wait()
        results["cancel"] = cancel_event(
            venue.event_id, actor=venue.organizer, now=NOW, db=pg_engine
        )

    threads = [threading.Thread(target=buyer, args=p) for p in zip(buyers, holds, strict=True)]
    threads.append(threading.Thread(target=organizer))
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    with session_scope(pg_engine) as session:
        statuses = [b.status for b in session.exec(select(Booking))]
    assert set(statuses) <= {"cancelled"}  # whatever was confirmed in time was cancelled
    assert len(results["cancel"].bookings) == len(statuses)
    assert seat_statuses_of(pg_engine, venue.show_id) == {SeatStatus.AVAILABLE}
    assert check_invariants(pg_engine, now=NOW) == []


# --- editing a showtime --------------------------------------------------------------------


def test_editing_a_show_changes_prices_for_new_sales_and_adds_categories(engine, venue, buyers):
    sold = sell(venue, buyers[0], "A1")

    edit_show(
        venue.show_id,
        actor=venue.organizer,
        prices=[PriceSpec("Premium", 6500), PriceSpec("Late", 1000)],
        hold_seconds=300,
        max_seats_per_customer=4,
        starts_at=STARTS + timedelta(hours=1),
        now=NOW,
        db=engine,
    )

    later = sell(venue, buyers[1], "A2")
    assert (sold.total_cents, later.total_cents) == (5000, 6500)
    with session_scope(engine) as session:
        show = session.get(Show, venue.show_id)
        assert (show.hold_seconds, show.max_seats_per_customer) == (300, 4)
        assert show.sales_close_at == STARTS + timedelta(hours=1)  # the default moves along
        names = session.exec(select(PriceCategory.name).where(PriceCategory.show_id == show.id))
        assert set(names) == {"Premium", "Standard", "Late"}
    assert check_invariants(engine, now=NOW) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"prices": [PriceSpec("Premium", -1)]}, "zero or more"),
        ({"starts_at": NOW - timedelta(hours=1)}, "start in the future"),
        ({"hold_seconds": 1}, "at least 5 seconds"),
        ({"sales_open_at": STARTS + timedelta(days=1)}, "open before they close"),
    ],
)
def test_invalid_show_edits_are_refused_with_a_reason(engine, venue, changes, message):
    with pytest.raises(InvalidRequest, match=message):
        edit_show(
            venue.show_id,
            actor=venue.organizer,
            now=NOW,
            db=engine,
            **changes,
        )


# --- figures -------------------------------------------------------------------------------


@pytest.fixture
def hall(engine):
    return build_show(
        engine,
        [
            grid_section("Front", "Premium", ["A"], 4, blocked={("A", 4)}),
            grid_section("Back", "Standard", ["K"], 4, y0=5),
        ],
    )


def test_the_overview_counts_upcoming_shows_categories_and_days(engine, hall, buyers):
    sell(hall, buyers[0], "A1", "K1", when=NOW - timedelta(days=1))
    sell(hall, buyers[1], "K2")
    hold_seats(buyers[2], hall.show_id, hall.ids("A2"), now=NOW, db=engine)
    build_show(engine)  # another organizer's show is not counted

    overview = organizer_overview(actor=hall.organizer, now=NOW, db=engine)

    assert [s.show_id for s in overview.shows] == [hall.show_id]
    assert overview.counts == SalesCounts(
        total=8, sold=3, held=1, available=3, blocked=1, revenue_cents=11000
    )
    by_name = {c.name: (c.total, c.sold, c.revenue_cents) for c in overview.categories}
    assert by_name == {"Premium": (3, 1, 5000), "Standard": (4, 2, 6000)}
    assert [(d.day, d.bookings, d.tickets, d.revenue_cents) for d in overview.daily] == [
        (date(2031, 2, 28), 1, 2, 8000),
        (date(2031, 3, 1), 1, 1, 3000),
    ]
    events = organizer_events(actor=hall.organizer, now=NOW, db=engine)
    assert [(e.id, e.sold, e.revenue_cents, e.bookings, e.show_count) for e in events] == [
        (hall.event_id, 3, 11000, 2, 1)
    ]
    report = event_report(hall.event_id, actor=hall.organizer, db=engine)
    assert report.sales.counts.sold == 3 and len(report.daily) == 2
    assert {c.name: c.sold for c in report.categories} == {"Premium": 1, "Standard": 2}
    assert check_invariants(engine, now=NOW) == []


def test_the_csv_export_holds_exactly_the_filtered_bookings(engine, venue, buyers):
    kept = sell(venue, buyers[0], "A1", "A2", name="Ada Lovelace")
    evil = sell(venue, buyers[1], "B1", name="=HYPERLINK(0)")
    second = venue.second_show()
    other_show = sell(second, buyers[2], "C1", name="Ada Byron")

    def export(**filters):
        result = bookings_csv(venue.event_id, actor=venue.organizer, db=engine, **filters)
        return result, list(csv.DictReader(io.StringIO(result.text)))

    everything, rows = export()
    assert everything.rows == 3 and {r["booking_code"] for r in rows} == {
        kept.code,
        evil.code,
        other_show.code,
    }
    _, rows = export(search="ada", show_id=venue.show_id)
    assert [(r["booking_code"], r["tickets"], r["total"]) for r in rows] == [
        (kept.code, "2", "100.00")
    ]
    assert rows[0]["seats"] == "Stalls row A seat 1; Stalls row A seat 2"
    _, rows = export(search=evil.code.lower())
    assert rows[0]["buyer_name"] == "'=HYPERLINK(0)"  # never a formula in a spreadsheet
    result, rows = export(status="cancelled")
    assert rows == [] and result.text.startswith("booking_code,show_starts_at,")


# --- who may -------------------------------------------------------------------------------


def test_only_the_events_organizer_or_an_admin_may_run_it(engine, venue, buyers, admin):
    rival = make_users(engine, 1, ORG, "organizer")[0]
    customer = buyers[0]
    sell(venue, customer, "A1")
    actions = {
        "cancel_event": lambda a, r: cancel_event(
            venue.event_id, actor=Actor(a, r), now=NOW, db=engine
        ),
        "cancel_show": lambda a, r: cancel_show(
            venue.show_id, actor=Actor(a, r), now=NOW, db=engine
        ),
        "edit_show": lambda a, r: edit_show(
            venue.show_id, actor=Actor(a, r), hold_seconds=60, now=NOW, db=engine
        ),
        "event_report": lambda a, r: event_report(venue.event_id, actor=Actor(a, r), db=engine),
        "show_sales": lambda a, r: show_sales(
            venue.show_id,
            actor=Actor(a, r),
            db=engine,
        ),
        "bookings_csv": lambda a, r: bookings_csv(venue.event_id, actor=Actor(a, r), db=engine),
    }
    for name, action in actions.items():
        for actor, role in ((rival, ORG), (customer, Role.CUSTOMER)):
            with pytest.raises(NotAllowed):
                action(actor, role)
                pytest.fail(f"{name} let {role} {actor} in")
    with pytest.raises(NotAllowed):
        organizer_overview(actor=Actor(customer, Role.CUSTOMER), db=engine)
    with pytest.raises(NotAllowed):
        organizer_events(actor=Actor(customer, Role.CUSTOMER), db=engine)
    assert organizer_events(actor=Actor(rival, ORG), db=engine) == []
    assert show_sales(
        venue.show_id,
        actor=Actor(admin, Role.ADMIN),
        db=engine,
    )
    assert (
        len(
            cancel_event(
                venue.event_id, actor=Actor(admin, Role.ADMIN), now=NOW, db=engine
            ).bookings
        )
        == 1
    )
