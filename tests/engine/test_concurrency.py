"""Races on PostgreSQL: real threads, released together by a barrier, never a sleep.

Each test makes many buyers hit the same inventory at the same instant and then checks the
outcome two ways: the answers the buyers got must agree with each other (no seat handed to two
buyers, the losers told exactly what they lost), and the database must pass the invariant
checker.
"""

from __future__ import annotations

import random
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlmodel import select

from tests.engine.conftest import NOW, build_show, make_users
from ticketapp.booking import (
    BookingError,
    BookingView,
    HoldExpired,
    HoldResult,
    SeatsUnavailable,
    SectionSpec,
    cancel_booking,
    check_invariants,
    confirm_hold,
    expire_stale_holds,
    grid_section,
    hold_best_available,
    hold_general_admission,
    hold_seats,
    release_hold,
    row_labels,
    show_sales,
)
from ticketapp.booking.access import Actor
from ticketapp.db import session_scope
from ticketapp.models import Role, SeatStatus, ShowSeat


@pytest.fixture
def race_db(pg_engine, pg_url) -> Iterator[Engine]:
    """An engine whose pool lets two dozen racers hold transactions at the same time.

    More would not race harder on two cores, and the PostgreSQL server (max_connections=100)
    is shared with whoever else runs tests. `pg_engine` empties the database afterwards.
    """
    engine = create_engine(pg_url, pool_size=24, max_overflow=0, pool_timeout=120)
    yield engine
    engine.dispose()


def race(count: int, attempt: Callable[[int], Any]) -> list[Any]:
    """Run `attempt(i)` for i in range(count) on `count` threads released at the same moment.

    Returns each attempt's result, or the BookingError it raised. Anything else (a raw database
    error, a bug) is re-raised here, failing the test.
    """
    barrier = threading.Barrier(count)
    outcomes: list[Any] = [None] * count

    def racer(i: int) -> None:
        barrier.wait()
        try:
            outcomes[i] = attempt(i)
        except BookingError as exc:
            outcomes[i] = exc
        except BaseException as exc:  # surfaced below, in the test's own thread
            outcomes[i] = exc

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    unexpected = [
        o for o in outcomes if isinstance(o, BaseException) and not isinstance(o, BookingError)
    ]
    if unexpected:
        raise unexpected[0]
    return outcomes


def seats_by_status(db: Engine, show_id: int) -> dict[str, set[int]]:
    by_status: dict[str, set[int]] = defaultdict(set)
    with session_scope(db) as session:
        for seat_id, status in session.exec(
            select(ShowSeat.id, ShowSeat.status).where(ShowSeat.show_id == show_id)
        ):
            by_status[status].add(seat_id)
    return by_status


def test_fifty_buyers_race_for_the_same_two_seats_and_exactly_one_wins(race_db):
    venue = build_show(race_db)
    buyers = make_users(race_db, 50)
    wanted = venue.ids("A5", "A6")

    outcomes = race(50, lambda i: hold_seats(buyers[i], venue.show_id, wanted, now=NOW, db=race_db))

    kinds = Counter(type(o).__name__ for o in outcomes)
    assert kinds == {"HoldResult": 1, "SeatsUnavailable": 49}, kinds
    winners = [o for o in outcomes if isinstance(o, HoldResult)]
    losers = [o for o in outcomes if isinstance(o, SeatsUnavailable)]
    assert winners[0].seat_ids == tuple(wanted)
    assert all(e.seat_ids == sorted(wanted) for e in losers)
    assert all(e.labels == ["Stalls row A seat 5", "Stalls row A seat 6"] for e in losers)
    confirm_hold(
        winners[0].hold_id, user_id=buyers[outcomes.index(winners[0])], now=NOW, db=race_db
    )
    assert check_invariants(race_db, now=NOW) == []


def test_two_hundred_buyers_of_overlapping_seats_never_share_one(race_db):
    venue = build_show(race_db, [grid_section("Stalls", "Premium", row_labels(20), 25)])
    buyers = make_users(race_db, 200)
    seat_ids = sorted(venue.ids(*(f"{r}{n}" for r in row_labels(20) for n in range(1, 26))))
    wishes = [
        random.Random(i).sample(seat_ids, random.Random(-i).randint(1, 6)) for i in range(200)
    ]

    def buy(i: int) -> BookingView:
        held = hold_seats(buyers[i], venue.show_id, wishes[i], now=NOW, db=race_db)
        return confirm_hold(held.hold_id, user_id=buyers[i], now=NOW, db=race_db)

    outcomes = race(200, buy)

    bookings = [o for o in outcomes if isinstance(o, BookingView)]
    sold = Counter(t.seat_id for b in bookings for t in b.tickets)
    assert sold and max(sold.values()) == 1, "a seat was sold twice"
    for i, outcome in enumerate(outcomes):
        if isinstance(outcome, BookingView):
            assert sorted(t.seat_id for t in outcome.tickets) == sorted(wishes[i])
        else:
            assert isinstance(outcome, SeatsUnavailable), outcome
            # The seats named as lost are real losses: each was sold to another buyer.
            assert outcome.seat_ids and set(outcome.seat_ids) <= set(wishes[i]) & set(sold)
    assert seats_by_status(race_db, venue.show_id)["booked"] == set(sold)
    assert check_invariants(race_db, now=NOW) == []


def test_hundred_best_available_requests_sell_a_300_seat_show_out_exactly(race_db):
    venue = build_show(race_db, [grid_section("Stalls", "Premium", row_labels(15), 20)])
    buyers = make_users(race_db, 100)

    def buy(i: int) -> BookingView:
        held = hold_best_available(buyers[i], venue.show_id, 4, now=NOW, db=race_db)
        return confirm_hold(held.hold_id, user_id=buyers[i], now=NOW, db=race_db)

    outcomes = race(100, buy)

    kinds = Counter(type(o).__name__ for o in outcomes)
    assert kinds == {"BookingView": 75, "NotEnoughSeats": 25}, (kinds, outcomes)
    bookings = [o for o in outcomes if isinstance(o, BookingView)]
    sold = Counter(t.seat_id for b in bookings for t in b.tickets)
    assert len(sold) == 300 and max(sold.values()) == 1
    position = {}
    with session_scope(race_db) as session:
        for seat in session.exec(select(ShowSeat).where(ShowSeat.show_id == venue.show_id)):
            position[seat.id] = (seat.row_label, seat.x)
    for booking in bookings:
        places = sorted(position[t.seat_id] for t in booking.tickets)
        assert len({row for row, _ in places}) == 1, "a party was split over rows"
        xs = [x for _, x in places]
        assert xs == list(range(xs[0], xs[0] + 4)), "a party was not seated together"
    assert (
        show_sales(venue.show_id, actor=venue.organizer, now=NOW, db=race_db).counts.available == 0
    )
    assert check_invariants(race_db, now=NOW) == []


def test_thousand_buyers_of_one_standing_place_sell_exactly_the_300_there_are(race_db):
    venue = build_show(race_db, [SectionSpec("Floor", "Standard", general_admission_capacity=300)])
    buyers = make_users(race_db, 1000)

    def buy(i: int) -> BookingView:
        held = hold_general_admission(buyers[i], venue.show_id, 1, now=NOW, db=race_db)
        return confirm_hold(held.hold_id, user_id=buyers[i], now=NOW, db=race_db)

    outcomes = race(1000, buy)

    kinds = Counter(type(o).__name__ for o in outcomes)
    assert kinds == {"BookingView": 300, "NotEnoughSeats": 700}, kinds
    bookings = [o for o in outcomes if isinstance(o, BookingView)]
    assert len({b.tickets[0].seat_id for b in bookings}) == 300
    counts = show_sales(venue.show_id, actor=venue.organizer, now=NOW, db=race_db).counts
    assert (counts.sold, counts.held, counts.available) == (300, 0, 0)
    assert check_invariants(race_db, now=NOW) == []


def test_at_expiry_the_seats_go_to_the_next_buyer_and_the_first_confirm_fails(race_db):
    """Each round: the first buyer confirms at the very moment a second buyer grabs the seats.

    Whichever runs first, the first buyer's hold is dead at that moment, so the confirm must
    fail with HoldExpired and the second buyer must get every seat.
    """
    rounds = 12
    venue = build_show(race_db, [grid_section("Stalls", "Premium", row_labels(rounds), 3)])
    first, second = make_users(race_db, 2)
    for r, row in enumerate(row_labels(rounds)):
        seats = venue.ids(f"{row}1", f"{row}2", f"{row}3")
        start = NOW + timedelta(minutes=20 * r)
        held = hold_seats(first, venue.show_id, seats, now=start, db=race_db)
        deadline = held.expires_at

        confirm, grab = race(
            2,
            lambda i, h=held, s=seats, t=deadline: (
                confirm_hold(h.hold_id, user_id=first, now=t, db=race_db)
                if i == 0
                else hold_seats(second, venue.show_id, s, now=t, db=race_db)
            ),
        )

        assert isinstance(confirm, HoldExpired), confirm
        assert isinstance(grab, HoldResult) and grab.seat_ids == tuple(seats), grab
        release_at = deadline + timedelta(minutes=11)  # let the second buyer's hold lapse too
        assert check_invariants(race_db, now=release_at) == []
    statuses = seats_by_status(race_db, venue.show_id)
    assert not statuses[SeatStatus.BOOKED]


def test_cancel_racing_a_confirm_and_other_buyers_never_loses_or_doubles_a_seat(race_db):
    """Each round, at once: A cancels a booking; B confirms a hold; C wants A's seats; D wants
    B's seats; A's organizer cancels A's booking too.

    Whatever the interleaving: A's booking ends cancelled once, B's hold ends booked, C holds
    A's seats only if it came after the cancel, D never gets B's seats.
    """
    rounds = 10
    venue = build_show(race_db, [grid_section("Stalls", "Premium", row_labels(rounds), 4)])
    a, b, c, d = make_users(race_db, 4)
    for row in row_labels(rounds):
        a_seats, b_seats = venue.ids(f"{row}1", f"{row}2"), venue.ids(f"{row}3", f"{row}4")
        a_hold = hold_seats(a, venue.show_id, a_seats, now=NOW, db=race_db)
        a_booking = confirm_hold(a_hold.hold_id, user_id=a, now=NOW, db=race_db)
        b_hold = hold_seats(b, venue.show_id, b_seats, now=NOW, db=race_db)
        moves: list[Callable[[], Any]] = [
            lambda bk=a_booking: cancel_booking(
                bk.id, actor=Actor(a, "customer"), now=NOW, db=race_db
            ),
            lambda h=b_hold: confirm_hold(h.hold_id, user_id=b, now=NOW, db=race_db),
            lambda s=a_seats: hold_seats(c, venue.show_id, s, now=NOW, db=race_db),
            lambda s=b_seats: hold_seats(d, venue.show_id, s, now=NOW, db=race_db),
            lambda bk=a_booking: cancel_booking(
                bk.id,
                actor=Actor(venue.organizer_id, Role.ORGANIZER),
                now=NOW,
                db=race_db,
            ),
        ]

        by_a, by_b, by_c, by_d, by_organizer = race(len(moves), lambda i, m=moves: m[i]())

        assert by_a.status == by_organizer.status == "cancelled"
        assert not any(t.live for t in by_a.tickets + by_organizer.tickets)
        assert isinstance(by_b, BookingView) and by_b.status == "confirmed"
        assert isinstance(by_d, SeatsUnavailable) and by_d.seat_ids == sorted(b_seats)
        statuses = seats_by_status(race_db, venue.show_id)
        assert set(b_seats) <= statuses["booked"]
        if isinstance(by_c, HoldResult):
            assert by_c.seat_ids == tuple(a_seats) and set(a_seats) <= statuses["held"]
        else:
            assert isinstance(by_c, SeatsUnavailable) and by_c.seat_ids == sorted(a_seats)
            assert set(a_seats) <= statuses["available"]
        assert check_invariants(race_db, now=NOW) == []
        if isinstance(by_c, HoldResult):  # keep C under the per-customer cap next round
            release_hold(by_c.hold_id, user_id=c, now=NOW, db=race_db)


def test_the_sweeper_racing_confirms_never_splits_a_hold(race_db):
    """Confirms one second before the deadline race a sweeper running at the deadline: every
    hold ends wholly booked or wholly released, never half of each."""
    venue = build_show(race_db, [grid_section("Stalls", "Premium", row_labels(10), 10)])
    buyers = make_users(race_db, 30)
    holds = []
    for i, buyer in enumerate(buyers):
        row, first = row_labels(10)[i // 3], 1 + (i % 3) * 3
        seats = venue.ids(*(f"{row}{n}" for n in range(first, first + 3)))
        holds.append(hold_seats(buyer, venue.show_id, seats, now=NOW, db=race_db))
    deadline = holds[0].expires_at

    def move(i: int):
        if i == len(buyers):
            return expire_stale_holds(now=deadline, db=race_db)
        return confirm_hold(
            holds[i].hold_id, user_id=buyers[i], now=deadline - timedelta(seconds=1), db=race_db
        )

    outcomes = race(len(buyers) + 1, move)

    statuses = seats_by_status(race_db, venue.show_id)
    for hold, outcome in zip(holds, outcomes[:-1], strict=True):
        if isinstance(outcome, BookingView):
            assert set(hold.seat_ids) <= statuses["booked"]
            assert len(outcome.tickets) == 3
        else:
            assert isinstance(outcome, HoldExpired), outcome
            assert set(hold.seat_ids) <= statuses["available"]
    assert check_invariants(race_db, now=deadline) == []
