"""The waiting list after sell-out: joining, offers of returned seats in list order, offers
passed on when not taken, the list never sold past, and offers racing on PostgreSQL."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import select

from tests.engine.conftest import NOW, STARTS, build_show, make_users
from tests.engine.test_concurrency import race, race_db  # noqa: F401  (a fixture)
from tests.engine.test_statement_budget import statements
from ticketapp.booking import (
    Actor,
    BookingView,
    Conflict,
    InvalidRequest,
    NotAllowed,
    SalesClosed,
    SeatsUnavailable,
    SectionPlan,
    cancel_booking,
    check_invariants,
    confirm_hold,
    expire_stale_holds,
    get_waiting_place,
    grid_section,
    hold_seats,
    join_waiting_list,
    leave_waiting_list,
    my_waiting_place,
    release_hold,
    row_labels,
    save_layout,
    set_waiting_list,
    waiting_list_status,
    waiting_list_summary,
)
from ticketapp.booking.waiting_list import offer_returned_seats
from ticketapp.db import session_scope
from ticketapp.models import OutboxMail, Role, SeatStatus, ShowSeat, User, WaitingEntry

OFFER_WINDOW = timedelta(minutes=30)


def small_hall(db: Engine, seats: int = 4):
    """A sold-out show of one row: each of two buyers booked half of it."""
    venue = build_show(db, [grid_section("Stalls", "Premium", row_labels(1), seats)])
    first, second = make_users(db, 2, prefix="buyer")
    half = seats // 2
    names = [f"A{n}" for n in range(1, seats + 1)]
    bookings = []
    for buyer, wanted in ((first, names[:half]), (second, names[half:])):
        held = hold_seats(buyer, venue.show_id, venue.ids(*wanted), now=NOW, db=db)
        bookings.append(confirm_hold(held.hold_id, user_id=buyer, now=NOW, db=db))
    return venue, bookings, (first, second)


def cancel(booking: BookingView, db: Engine, now=NOW) -> BookingView:
    return cancel_booking(booking.id, actor=Actor(booking.user_id, Role.CUSTOMER), now=now, db=db)


def offer_mails(db: Engine) -> list[OutboxMail]:
    with session_scope(db) as session:
        return list(
            session.exec(
                select(OutboxMail)
                .where(OutboxMail.kind == "waiting_list_offer")
                .order_by(OutboxMail.id)
            )
        )


def seat_status(db: Engine, seat_ids) -> set[str]:
    with session_scope(db) as session:
        return set(
            session.exec(select(ShowSeat.status).where(ShowSeat.id.in_(list(seat_ids)))).all()
        )


def test_a_cancellation_offers_the_seats_to_the_first_person_who_fits(engine):
    venue, (booking, _), _ = small_hall(engine)
    too_many, fits, also_fits = make_users(engine, 3, prefix="waiter")
    join_waiting_list(too_many, venue.show_id, 3, now=NOW, db=engine)
    join_waiting_list(fits, venue.show_id, 2, now=NOW, db=engine)
    join_waiting_list(also_fits, venue.show_id, 2, now=NOW, db=engine)

    cancel(booking, engine, now=NOW + timedelta(minutes=1))

    later = NOW + timedelta(minutes=1)
    assert my_waiting_place(too_many, venue.show_id, now=later, db=engine).status == "waiting"
    assert my_waiting_place(too_many, venue.show_id, now=later, db=engine).position == 1
    place = my_waiting_place(fits, venue.show_id, now=later, db=engine)
    assert place.status == "offered" and place.hold_id is not None
    assert place.offer_expires_at == later + OFFER_WINDOW
    assert my_waiting_place(also_fits, venue.show_id, now=later, db=engine).position == 2
    returned = set(booking_seat_ids(booking))
    assert seat_status(engine, returned) == {SeatStatus.HELD}
    (mail,) = offer_mails(engine)
    with session_scope(engine) as session:
        assert mail.to_address == session.get(User, fits).email
    payload = json.loads(mail.payload)
    assert payload["checkout_path"] == f"/checkout/{place.hold_id}"
    assert sorted(payload["seats"]) == ["Stalls row A seat 1", "Stalls row A seat 2"]
    # Nobody else can take the offered seats; the waiting customer books them.
    stranger = make_users(engine, 1, prefix="stranger")[0]
    with pytest.raises(SeatsUnavailable):
        hold_seats(stranger, venue.show_id, sorted(returned), now=later, db=engine)
    booked = confirm_hold(place.hold_id, user_id=fits, now=later, db=engine)
    assert {t.seat_id for t in booked.tickets} == returned
    assert my_waiting_place(fits, venue.show_id, now=later, db=engine).status == "booked"
    assert check_invariants(engine, now=later) == []


def booking_seat_ids(booking: BookingView) -> list[int]:
    return [t.seat_id for t in booking.tickets]


def test_an_offer_not_taken_goes_to_the_next_person(engine):
    venue, (booking, _), _ = small_hall(engine)
    first, second = make_users(engine, 2, prefix="waiter")
    join_waiting_list(first, venue.show_id, 2, now=NOW, db=engine)
    join_waiting_list(second, venue.show_id, 2, now=NOW, db=engine)
    cancel(booking, engine)
    offer = my_waiting_place(first, venue.show_id, now=NOW, db=engine)
    after = NOW + OFFER_WINDOW + timedelta(seconds=1)

    # Run out but not yet swept: the seats stay the list's, not anyone's who comes along.
    stranger = make_users(engine, 1, prefix="stranger")[0]
    with pytest.raises(SeatsUnavailable):
        hold_seats(stranger, venue.show_id, booking_seat_ids(booking), now=after, db=engine)
    expire_stale_holds(now=after, db=engine)

    assert my_waiting_place(first, venue.show_id, now=after, db=engine).status == "lapsed"
    passed_on = my_waiting_place(second, venue.show_id, now=after, db=engine)
    assert passed_on.status == "offered" and passed_on.hold_id != offer.hold_id
    assert passed_on.offer_expires_at == after + OFFER_WINDOW
    assert len(offer_mails(engine)) == 2
    assert check_invariants(engine, now=after) == []
    # The second offer runs out too and nobody is left waiting: the seats go on open sale.
    end = after + OFFER_WINDOW + timedelta(seconds=1)
    expire_stale_holds(now=end, db=engine)
    assert seat_status(engine, booking_seat_ids(booking)) == {SeatStatus.AVAILABLE}
    held = hold_seats(stranger, venue.show_id, booking_seat_ids(booking), now=end, db=engine)
    assert set(held.seat_ids) == set(booking_seat_ids(booking))
    assert check_invariants(engine, now=end) == []


def test_seats_are_offered_side_by_side_and_a_category_wish_is_kept(engine):
    venue = build_show(
        engine,
        [
            grid_section("Stalls", "Premium", row_labels(1), 4),
            grid_section("Balcony", "Standard", row_labels(1), 2),
        ],
    )
    buyers = make_users(engine, 3, prefix="buyer")
    sales = []
    for buyer, seats in zip(
        buyers,
        (["Stalls row A seat 1", "Stalls row A seat 3"], ["Stalls row A seat 2"]),
        strict=False,
    ):
        held = hold_seats(buyer, venue.show_id, venue.ids(*seats), now=NOW, db=engine)
        sales.append(confirm_hold(held.hold_id, user_id=buyer, now=NOW, db=engine))
    rest = venue.ids("Stalls row A seat 4", "Balcony row A seat 1", "Balcony row A seat 2")
    held = hold_seats(buyers[2], venue.show_id, rest, now=NOW, db=engine)
    confirm_hold(held.hold_id, user_id=buyers[2], now=NOW, db=engine)
    balcony_fan, pair = make_users(engine, 2, prefix="waiter")
    join_waiting_list(
        balcony_fan,
        venue.show_id,
        1,
        category_id=venue.categories["Standard"],
        now=NOW,
        db=engine,
    )
    join_waiting_list(pair, venue.show_id, 2, now=NOW, db=engine)

    cancel(sales[0], engine)  # frees Stalls 1 and 3: not together
    assert my_waiting_place(pair, venue.show_id, now=NOW, db=engine).status == "offered"
    offered = my_waiting_place(pair, venue.show_id, now=NOW, db=engine)
    assert my_waiting_place(balcony_fan, venue.show_id, now=NOW, db=engine).status == "waiting"
    # Not side by side here, but the quantity comes whole: both seats, one offer.
    with session_scope(engine) as session:
        mine = session.exec(select(ShowSeat.label).where(ShowSeat.hold_id == offered.hold_id))
        assert sorted(mine) == ["Stalls row A seat 1", "Stalls row A seat 3"]
    assert check_invariants(engine, now=NOW) == []


def test_joining_is_for_what_is_sold_out_once_per_customer_within_the_cap(engine):
    venue, _, _ = small_hall(engine)
    customer, other = make_users(engine, 2, prefix="waiter")
    with pytest.raises(InvalidRequest):
        join_waiting_list(customer, venue.show_id, 0, now=NOW, db=engine)
    with pytest.raises(InvalidRequest):
        join_waiting_list(customer, venue.show_id, 11, now=NOW, db=engine)  # cap is 10
    with pytest.raises(InvalidRequest):
        join_waiting_list(customer, venue.show_id, 1, category_id=10**6, now=NOW, db=engine)
    place = join_waiting_list(customer, venue.show_id, 2, accessible=True, now=NOW, db=engine)
    assert (place.status, place.position, place.accessible) == ("waiting", 1, True)
    with pytest.raises(Conflict):
        join_waiting_list(customer, venue.show_id, 1, now=NOW, db=engine)
    with pytest.raises(NotAllowed):
        get_waiting_place(place.entry_id, actor=Actor(other, Role.CUSTOMER), db=engine)
    with pytest.raises(NotAllowed):
        leave_waiting_list(place.entry_id, user_id=other, now=NOW, db=engine)
    left = leave_waiting_list(place.entry_id, user_id=customer, now=NOW, db=engine)
    assert left.status == "left" and left.position is None

    fresh = build_show(engine)  # 30 seats free
    with pytest.raises(Conflict, match="still on sale"):
        join_waiting_list(customer, fresh.show_id, 2, now=NOW, db=engine)
    assert check_invariants(engine, now=NOW) == []


def test_leaving_with_an_offer_passes_it_on(engine):
    venue, (booking, _), _ = small_hall(engine)
    first, second = make_users(engine, 2, prefix="waiter")
    mine = join_waiting_list(first, venue.show_id, 2, now=NOW, db=engine)
    join_waiting_list(second, venue.show_id, 2, now=NOW, db=engine)
    cancel(booking, engine)

    leave_waiting_list(mine.entry_id, user_id=first, now=NOW, db=engine)

    assert my_waiting_place(second, venue.show_id, now=NOW, db=engine).status == "offered"
    assert check_invariants(engine, now=NOW) == []


def test_giving_back_an_offer_hold_passes_it_on(engine):
    venue, (booking, _), _ = small_hall(engine)
    first, second = make_users(engine, 2, prefix="waiter")
    join_waiting_list(first, venue.show_id, 2, now=NOW, db=engine)
    join_waiting_list(second, venue.show_id, 2, now=NOW, db=engine)
    cancel(booking, engine)
    offer = my_waiting_place(first, venue.show_id, now=NOW, db=engine)

    release_hold(offer.hold_id, user_id=first, now=NOW, db=engine)

    assert my_waiting_place(first, venue.show_id, now=NOW, db=engine).status == "lapsed"
    assert my_waiting_place(second, venue.show_id, now=NOW, db=engine).status == "offered"
    assert check_invariants(engine, now=NOW) == []


def test_the_organizer_sees_the_list_and_can_turn_it_off(engine):
    venue, (booking, _), _ = small_hall(engine)
    first, second = make_users(engine, 2, prefix="waiter")
    join_waiting_list(first, venue.show_id, 3, now=NOW, db=engine)
    join_waiting_list(second, venue.show_id, 1, now=NOW, db=engine)
    with pytest.raises(NotAllowed):
        waiting_list_summary(venue.show_id, actor=Actor(first, Role.CUSTOMER), db=engine)

    summary = waiting_list_summary(venue.show_id, actor=venue.organizer, now=NOW, db=engine)
    assert (summary.enabled, summary.waiting, summary.seats_wanted) == (True, 2, 4)
    assert [e.position for e in summary.entries] == [1, 2]
    assert summary.entries[0].quantity == 3 and summary.offer_seconds == 1800

    with pytest.raises(InvalidRequest):
        set_waiting_list(venue.show_id, actor=venue.organizer, enabled=True, offer_seconds=5)
    off = set_waiting_list(venue.show_id, actor=venue.organizer, enabled=False, now=NOW, db=engine)
    assert (off.enabled, off.waiting) == (False, 0)
    assert {e.status for e in off.entries} == {"closed"}
    with pytest.raises(SalesClosed):
        join_waiting_list(first, venue.show_id, 1, now=NOW, db=engine)
    cancel(booking, engine)  # nobody waits: the seats go straight back on sale
    assert seat_status(engine, booking_seat_ids(booking)) == {SeatStatus.AVAILABLE}
    assert offer_mails(engine) == []
    assert check_invariants(engine, now=NOW) == []


def test_unblocking_or_adding_places_offers_them_to_the_list(engine):
    venue = build_show(engine, [grid_section("Stalls", "Premium", row_labels(1), 2)])
    buyer, waiter = make_users(engine, 2, prefix="person")
    held = hold_seats(buyer, venue.show_id, venue.ids("A1", "A2"), now=NOW, db=engine)
    confirm_hold(held.hold_id, user_id=buyer, now=NOW, db=engine)
    join_waiting_list(waiter, venue.show_id, 2, now=NOW, db=engine)

    save_layout(
        "Hall",
        [SectionPlan("Stalls", "Premium", rows=("A", "B"), seats_per_row=2)],
        actor=venue.organizer,
        layout_id=venue.layout_id,
        now=NOW,
        db=engine,
    )

    place = my_waiting_place(waiter, venue.show_id, now=NOW, db=engine)
    assert place.status == "offered"
    with session_scope(engine) as session:
        rows = session.exec(select(ShowSeat.label).where(ShowSeat.hold_id == place.hold_id))
        assert sorted(rows) == ["Stalls row B seat 1", "Stalls row B seat 2"]
    assert check_invariants(engine, now=NOW) == []


def test_freeing_seats_with_nobody_waiting_costs_no_statement_of_its_own(pg_engine):
    venue, (booking, _), _ = small_hall(pg_engine)
    with statements(pg_engine) as seen:
        cancel(booking, pg_engine)
    # Cancelling learns "nobody waits" from its own seat UPDATE (RETURNING the EXISTS).
    touching = [s for s in seen if "waiting_entry" in s]
    assert len(touching) == 1 and "UPDATE show_seat SET" in touching[0], touching
    # The rarer freeing paths ask once, in one cheap statement.
    with session_scope(pg_engine) as session, statements(pg_engine) as asked:
        assert offer_returned_seats(session.connection(), venue.show_id, NOW) == []
    assert len(asked) == 1, asked
    assert seat_status(pg_engine, booking_seat_ids(booking)) == {SeatStatus.AVAILABLE}


def test_the_invariant_checker_knows_offers(engine):
    venue, (booking, _), _ = small_hall(engine)
    first, second = make_users(engine, 2, prefix="waiter")
    join_waiting_list(first, venue.show_id, 2, now=NOW, db=engine)
    join_waiting_list(second, venue.show_id, 1, now=NOW, db=engine)
    cancel(booking, engine)
    assert check_invariants(engine, now=NOW) == []
    offered = my_waiting_place(first, venue.show_id, now=NOW, db=engine)
    waiting = my_waiting_place(second, venue.show_id, now=NOW, db=engine)

    with session_scope(engine) as session:  # seats handed back on sale past the waiting list
        session.exec(
            update(ShowSeat)
            .where(ShowSeat.hold_id == offered.hold_id)
            .values(status=SeatStatus.AVAILABLE, hold_id=None, held_until=None)
        )
        session.exec(
            update(WaitingEntry).where(WaitingEntry.id == offered.entry_id).values(hold_id=None)
        )
        session.add(replace_entry(session, waiting.entry_id))

    problems = check_invariants(engine, now=NOW)
    assert any(p.startswith("sold_past_list:") for p in problems), problems
    assert any(p.startswith("offer_without_hold:") for p in problems), problems
    assert any(p.startswith("several_open_places:") for p in problems), problems


def replace_entry(session, entry_id: int) -> WaitingEntry:
    """A second waiting place of the same customer on the same show (a broken state)."""
    entry = session.get(WaitingEntry, entry_id)
    return WaitingEntry(
        show_id=entry.show_id, user_id=entry.user_id, quantity=1, created_at=NOW, status="waiting"
    )


def test_two_cancellations_at_once_make_two_offers_not_one_twice(race_db):  # noqa: F811
    for round_ in range(5):
        venue, bookings, _ = small_hall(race_db)
        waiters = make_users(race_db, 3, prefix=f"waiter{round_}-")
        for waiter in waiters:
            join_waiting_list(waiter, venue.show_id, 2, now=NOW, db=race_db)

        outcomes = race(2, lambda i, sales=bookings: cancel(sales[i], race_db))

        assert all(isinstance(o, BookingView) for o in outcomes), outcomes
        places = [my_waiting_place(w, venue.show_id, now=NOW, db=race_db) for w in waiters]
        assert Counter(p.status for p in places) == {"offered": 2, "waiting": 1}
        assert places[2].status == "waiting" and places[2].position == 1
        with session_scope(race_db) as session:
            held = {
                hold: set(session.exec(select(ShowSeat.id).where(ShowSeat.hold_id == hold)).all())
                for hold in (places[0].hold_id, places[1].hold_id)
            }
        first, second = held.values()
        assert len(first) == 2 and len(second) == 2 and not first & second
        assert first | second == {t.seat_id for b in bookings for t in b.tickets}
        assert len([m for m in offer_mails(race_db) if m.created_at]) == 2 * (round_ + 1)
        assert check_invariants(race_db, now=NOW) == []


def test_the_show_page_learns_what_is_sold_out_and_the_customer_place(engine):
    venue = build_show(
        engine,
        [
            grid_section("Stalls", "Premium", row_labels(1), 2),
            grid_section("Balcony", "Standard", row_labels(1), 2),
        ],
    )
    buyer, waiter = make_users(engine, 2, prefix="person")
    held = hold_seats(
        buyer,
        venue.show_id,
        venue.ids("Stalls row A seat 1", "Stalls row A seat 2"),
        now=NOW,
        db=engine,
    )
    confirm_hold(held.hold_id, user_id=buyer, now=NOW, db=engine)

    status = waiting_list_status(venue.show_id, user_id=waiter, now=NOW, db=engine)
    assert status.enabled and not status.sold_out and status.place is None
    assert status.sold_out_category_ids == (venue.categories["Premium"],)
    join_waiting_list(
        waiter, venue.show_id, 1, category_id=venue.categories["Premium"], now=NOW, db=engine
    )
    status = waiting_list_status(venue.show_id, user_id=waiter, now=NOW, db=engine)
    assert status.place.status == "waiting" and status.place.category_name == "Premium"
    assert waiting_list_status(venue.show_id, now=NOW, db=engine).place is None


def test_people_still_waiting_when_the_show_starts_are_let_go(engine):
    venue, _, _ = small_hall(engine)
    waiter = make_users(engine, 1, prefix="waiter")[0]
    join_waiting_list(waiter, venue.show_id, 1, now=NOW, db=engine)

    expire_stale_holds(now=STARTS + timedelta(minutes=1), db=engine)

    assert my_waiting_place(waiter, venue.show_id, now=NOW, db=engine).status == "closed"
