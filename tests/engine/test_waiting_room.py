"""The waiting room on PostgreSQL, with each store: the database alone, and Redis + journal.

Time is explicit: the engine takes `now`, so a test ticks the admission clock by passing later
moments; nothing sleeps. Each Redis test runs against its own redis-server.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from tests.engine.conftest import NOW, Venue, build_show, make_users
from tests.owned_services import OwnedRedis
from ticketapp.booking import (
    Conflict,
    InvalidRequest,
    NotAllowed,
    NotFound,
    PostgresWaitingRoom,
    QueuePassRequired,
    QueueState,
    SectionSpec,
    WaitingRoomStore,
    admit_due,
    configure_queue,
    grid_section,
    hold_best_available,
    hold_general_admission,
    hold_seats,
    join_queue,
    pause_queue,
    purchase_seats,
    queue_figures,
    queue_place,
    row_labels,
)
from ticketapp.booking.queue_pass import issue_pass
from ticketapp.waiting_room_redis import RedisWaitingRoom

OPENS = NOW + timedelta(minutes=10)  # the on-sale time of the queued show


@pytest.fixture(scope="module")
def redis_server() -> Iterator[OwnedRedis]:
    server = OwnedRedis()
    server.start()
    yield server
    server.close()


@pytest.fixture(params=["database", "redis"])
def store(request, pg_engine: Engine) -> WaitingRoomStore:
    if request.param == "database":
        return PostgresWaitingRoom(pg_engine)
    server = request.getfixturevalue("redis_server")
    return RedisWaitingRoom(server.url, pg_engine, prefix=f"test:{uuid.uuid4().hex}:")


def queued_show(db: Engine, **settings) -> Venue:
    venue = build_show(
        db,
        [
            grid_section("Stalls", "Premium", row_labels(3), 10),
            SectionSpec("Floor", "Standard", general_admission_capacity=20),
        ],
        sales_open_at=OPENS,
    )
    configure_queue(
        venue.show_id,
        actor=venue.organizer,
        enabled=True,
        **({"per_minute": 60} | settings),
        db=db,
    )
    return venue


def tick(store: WaitingRoomStore, db: Engine, at: datetime) -> list[int]:
    return [user for users in admit_due(store=store, now=at, db=db).values() for user in users]


def admitted_in_order(store, db, start: datetime, seconds: int) -> list[int]:
    order: list[int] = []
    for second in range(seconds + 1):
        order += tick(store, db, start + timedelta(seconds=second))
    return order


def test_every_way_to_hold_seats_needs_a_pass_while_the_queue_is_on(pg_engine, store) -> None:
    venue = queued_show(pg_engine)
    buyer = make_users(pg_engine, 1)[0]
    at = OPENS + timedelta(seconds=1)
    attempts = {
        "chosen": lambda qp: hold_seats(
            buyer, venue.show_id, venue.ids("A1"), now=at, db=pg_engine, queue_pass=qp
        ),
        "best": lambda qp: hold_best_available(
            buyer, venue.show_id, 2, now=at, db=pg_engine, queue_pass=qp
        ),
        "standing": lambda qp: hold_general_admission(
            buyer, venue.show_id, 2, section="Floor", now=at, db=pg_engine, queue_pass=qp
        ),
        "purchase": lambda qp: purchase_seats(
            buyer, venue.show_id, venue.ids("C9"), now=at, db=pg_engine, queue_pass=qp
        ),
    }
    for name, attempt in attempts.items():
        with pytest.raises(QueuePassRequired) as refused:
            attempt(None)
        assert refused.value.show_id == venue.show_id, name
        assert isinstance(refused.value, NotAllowed)

    join_queue(buyer, venue.show_id, store=store, now=NOW, db=pg_engine)
    assert tick(store, pg_engine, OPENS) == [buyer]
    place = queue_place(buyer, venue.show_id, store=store, now=at, db=pg_engine)
    assert place.state == QueueState.ADMITTED and place.pass_token
    # The purchase first: it books exactly what it names, so not while a cart is held.
    for name in ("purchase", "chosen", "best", "standing"):
        assert attempts[name](place.pass_token) is not None, name


def test_a_pass_is_bound_to_its_account_and_show_and_its_time(pg_engine, store) -> None:
    venue = queued_show(pg_engine)
    other_show = queued_show(pg_engine)
    owner, stranger = make_users(pg_engine, 2)
    join_queue(owner, venue.show_id, store=store, now=NOW, db=pg_engine)
    tick(store, pg_engine, OPENS)
    at = OPENS + timedelta(seconds=5)
    good = queue_place(owner, venue.show_id, store=store, now=at, db=pg_engine)
    forged = good.pass_token[:-4] + ("AAAA" if not good.pass_token.endswith("AAAA") else "BBBB")
    longer = issue_pass(owner, venue.show_id, OPENS + timedelta(days=1)).rsplit(".", 1)[0]
    tampered = longer + "." + good.pass_token.rsplit(".", 1)[1]
    refusals = [
        (stranger, venue.show_id, good.pass_token, at),  # shared with another account
        (owner, other_show.show_id, good.pass_token, at),  # used on another show
        (owner, venue.show_id, forged, at),  # signature changed
        (owner, venue.show_id, tampered, at),  # expiry stretched, old signature
        (owner, venue.show_id, "qp1.1.2.3", at),  # garbage
        (owner, venue.show_id, good.pass_token, good.pass_expires_at),  # run out
    ]
    for user, show, token, when in refusals:
        with pytest.raises(QueuePassRequired):
            hold_seats(user, show, venue.ids("A1"), now=when, db=pg_engine, queue_pass=token)
    held = hold_seats(
        owner, venue.show_id, venue.ids("A1"), now=at, db=pg_engine, queue_pass=good.pass_token
    )
    assert held.seat_ids == tuple(venue.ids("A1"))


def test_holding_seats_renews_the_pass_for_as_long_as_the_hold_lives(pg_engine, store) -> None:
    venue = queued_show(pg_engine, pass_seconds=60)  # shorter than the 10-minute hold
    buyer = make_users(pg_engine, 1)[0]
    join_queue(buyer, venue.show_id, store=store, now=NOW, db=pg_engine)
    tick(store, pg_engine, OPENS)
    place = queue_place(buyer, venue.show_id, store=store, now=OPENS, db=pg_engine)
    held = hold_seats(
        buyer, venue.show_id, venue.ids("A1"), now=OPENS, db=pg_engine, queue_pass=place.pass_token
    )
    assert held.queue_pass and held.queue_pass != place.pass_token
    later = OPENS + timedelta(minutes=5)  # the first pass has run out, the hold lives on
    with pytest.raises(QueuePassRequired):
        hold_seats(
            buyer,
            venue.show_id,
            venue.ids("A2"),
            now=later,
            db=pg_engine,
            queue_pass=place.pass_token,
        )
    more = hold_seats(
        buyer, venue.show_id, venue.ids("A2"), now=later, db=pg_engine, queue_pass=held.queue_pass
    )
    assert more.seat_ids == tuple(venue.ids("A1", "A2"))
    with pytest.raises(QueuePassRequired):  # no longer than the hold
        hold_seats(
            buyer,
            venue.show_id,
            venue.ids("A3"),
            now=held.expires_at,
            db=pg_engine,
            queue_pass=more.queue_pass,
        )


def test_early_arrivals_are_shuffled_and_later_ones_come_after_in_arrival_order(
    pg_engine, store
) -> None:
    venue = queued_show(pg_engine, per_minute=600)
    early = make_users(pg_engine, 40, prefix="early")
    late = make_users(pg_engine, 10, prefix="late")
    for i, user in enumerate(early):
        join_queue(user, venue.show_id, store=store, now=NOW + timedelta(seconds=i), db=pg_engine)
        # refreshing early gains nothing: the place is kept, not redrawn
        join_queue(
            user, venue.show_id, store=store, now=NOW + timedelta(seconds=i + 1), db=pg_engine
        )
    before = queue_place(early[0], venue.show_id, store=store, now=NOW, db=pg_engine)
    assert before.state == QueueState.BEFORE_SALE and before.position is None
    assert before.waiting == 40
    positions = {
        user: queue_place(user, venue.show_id, store=store, now=OPENS, db=pg_engine).position
        for user in early
    }
    for i, user in enumerate(late):
        join_queue(user, venue.show_id, store=store, now=OPENS + timedelta(seconds=i), db=pg_engine)
        assert (
            queue_place(user, venue.show_id, store=store, now=OPENS, db=pg_engine).position
            == 41 + i
        )
    assert sorted(positions.values()) == list(range(1, 41))
    order = admitted_in_order(store, pg_engine, OPENS + timedelta(seconds=10), 10)
    assert len(order) == len(set(order)) == 50  # nobody twice, nobody skipped
    assert order[:40] == sorted(early, key=positions.__getitem__)  # the promised order
    assert order[:40] != early  # shuffled (40 in arrival order by chance: 1 in 40!)
    assert order[40:] == late


def test_a_second_tab_of_the_same_account_shares_its_place(pg_engine, store) -> None:
    venue = queued_show(pg_engine)
    first, second = make_users(pg_engine, 2)
    at = OPENS + timedelta(seconds=1)
    join_queue(first, venue.show_id, store=store, now=at, db=pg_engine)
    join_queue(second, venue.show_id, store=store, now=at, db=pg_engine)
    again = join_queue(
        first, venue.show_id, store=store, now=at + timedelta(seconds=9), db=pg_engine
    )
    assert again.position == 1
    assert queue_place(second, venue.show_id, store=store, now=at, db=pg_engine).position == 2


def test_admission_keeps_the_rate_per_minute(pg_engine, store) -> None:
    venue = queued_show(pg_engine, per_minute=90)
    users = make_users(pg_engine, 300)
    for user in users:
        join_queue(user, venue.show_id, store=store, now=NOW, db=pg_engine)
    per_minute = []
    for minute in range(3):
        start = OPENS + timedelta(minutes=minute)
        # ticks a little irregular, as real workers' are
        got = []
        at = start
        while at < start + timedelta(minutes=1):
            got += tick(store, pg_engine, at)
            at += timedelta(milliseconds=700 + 600 * (len(got) % 2))
        per_minute.append(len(got))
    assert all(88 <= count <= 92 for count in per_minute), per_minute
    figures = queue_figures(
        venue.show_id,
        actor=venue.organizer,
        store=store,
        now=OPENS + timedelta(minutes=3),
        db=pg_engine,
    )
    assert figures.admitted == sum(per_minute)
    assert figures.waiting == 300 - sum(per_minute)
    assert 88 <= figures.admitted_last_minute <= 92


def test_a_cap_on_active_shoppers_admits_as_passes_run_out(pg_engine, store) -> None:
    venue = queued_show(pg_engine, per_minute=None, max_active=3, pass_seconds=120)
    users = make_users(pg_engine, 8)
    for user in users:  # after the on-sale time: first come, first served
        join_queue(user, venue.show_id, store=store, now=OPENS, db=pg_engine)
    assert tick(store, pg_engine, OPENS) == users[:3]
    assert tick(store, pg_engine, OPENS + timedelta(seconds=60)) == []
    assert tick(store, pg_engine, OPENS + timedelta(seconds=121)) == users[3:6]


def test_a_paused_queue_admits_nobody_and_resumes_without_a_rush(pg_engine, store) -> None:
    venue = queued_show(pg_engine, per_minute=60)
    users = make_users(pg_engine, 200)
    for user in users:
        join_queue(user, venue.show_id, store=store, now=NOW, db=pg_engine)
    tick(store, pg_engine, OPENS)
    pause_queue(venue.show_id, True, actor=venue.organizer, db=pg_engine)
    assert tick(store, pg_engine, OPENS + timedelta(minutes=5)) == []
    paused = queue_place(
        users[-1], venue.show_id, store=store, now=OPENS + timedelta(minutes=5), db=pg_engine
    )
    assert paused.estimate_seconds is None
    pause_queue(venue.show_id, False, actor=venue.organizer, db=pg_engine)
    resumed = tick(store, pg_engine, OPENS + timedelta(minutes=6))
    assert len(resumed) <= 5  # at most BURST_SECONDS of the rate, not five minutes' worth


def test_concurrent_ticks_of_many_workers_admit_each_place_once(pg_engine, store) -> None:
    venue = queued_show(pg_engine, per_minute=600)
    users = make_users(pg_engine, 120)
    for user in users:  # first come, first served
        join_queue(user, venue.show_id, store=store, now=OPENS, db=pg_engine)
    admitted: list[int] = []
    lock = threading.Lock()
    for second in range(12):
        at = OPENS + timedelta(seconds=second)
        barrier = threading.Barrier(6)

        def worker(at=at, barrier=barrier) -> None:
            barrier.wait()
            got = tick(store, pg_engine, at)
            with lock:
                admitted.extend(got)

        threads = [threading.Thread(target=worker) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(admitted) == len(set(admitted))
    # 1 at once, then 10 a second for 11 seconds: the same as one worker would admit
    assert len(admitted) == 111
    assert sorted(admitted) == users[:111]  # the head of the queue, none skipped


def test_an_expired_pass_means_joining_again_at_the_back(pg_engine, store) -> None:
    venue = queued_show(pg_engine, per_minute=60, pass_seconds=60)
    first, second = make_users(pg_engine, 2)
    join_queue(first, venue.show_id, store=store, now=OPENS, db=pg_engine)
    tick(store, pg_engine, OPENS)
    join_queue(second, venue.show_id, store=store, now=OPENS + timedelta(seconds=1), db=pg_engine)
    gone = OPENS + timedelta(seconds=61)
    assert (
        queue_place(first, venue.show_id, store=store, now=gone, db=pg_engine).state
        == QueueState.EXPIRED
    )
    again = join_queue(first, venue.show_id, store=store, now=gone, db=pg_engine)
    assert again.state == QueueState.WAITING and again.position == 2


def test_joining_needs_a_queue_and_an_open_sale(pg_engine, store) -> None:
    plain = build_show(pg_engine)
    buyer = make_users(pg_engine, 1)[0]
    with pytest.raises(Conflict):
        join_queue(buyer, plain.show_id, store=store, now=NOW, db=pg_engine)
    place = queue_place(buyer, plain.show_id, store=store, now=NOW, db=pg_engine)
    assert place.state == QueueState.NO_QUEUE
    with pytest.raises(InvalidRequest):
        configure_queue(plain.show_id, actor=plain.organizer, enabled=True, db=pg_engine)
    draft = build_show(pg_engine, event_status="draft")
    configure_queue(draft.show_id, actor=draft.organizer, enabled=True, per_minute=5, db=pg_engine)
    for look in (join_queue, queue_place):  # a draft's show is not there for customers
        with pytest.raises(NotFound):
            look(buyer, draft.show_id, store=store, now=NOW, db=pg_engine)
    with pytest.raises(NotAllowed):
        configure_queue(
            plain.show_id, actor=make_actor(pg_engine), enabled=True, per_minute=5, db=pg_engine
        )


def make_actor(db: Engine):
    from ticketapp.booking import Actor
    from ticketapp.models import Role

    return Actor(make_users(db, 1, Role.ORGANIZER, "intruder")[0], Role.ORGANIZER)


def test_a_redis_that_restarts_empty_loses_no_place(pg_engine) -> None:
    server = OwnedRedis()
    server.start()
    try:
        clock = [0.0]  # the store's retry clock, moved on instead of sleeping
        store = RedisWaitingRoom(server.url, pg_engine, prefix="test:", clock=lambda: clock[0])
        venue = queued_show(pg_engine, per_minute=60)
        users = make_users(pg_engine, 6)
        for i, user in enumerate(users):
            join_queue(
                user, venue.show_id, store=store, now=OPENS + timedelta(seconds=i), db=pg_engine
            )
        assert tick(store, pg_engine, OPENS + timedelta(seconds=6)) == users[:1]
        server.crash()
        # Redis away: the journal answers and admits, in the same order
        assert (
            queue_place(
                users[1], venue.show_id, store=store, now=OPENS + timedelta(seconds=7), db=pg_engine
            ).position
            == 1
        )
        assert tick(store, pg_engine, OPENS + timedelta(seconds=8)) == users[1:2]
        server.start()  # back, empty
        clock[0] += RedisWaitingRoom.RETRY_SECONDS  # the pause before asking Redis again
        places = [
            queue_place(
                u, venue.show_id, store=store, now=OPENS + timedelta(seconds=9), db=pg_engine
            )
            for u in users
        ]
        assert [p.state for p in places[:2]] == [QueueState.ADMITTED] * 2
        assert [p.position for p in places[2:]] == [1, 2, 3, 4]
        rest = admitted_in_order(store, pg_engine, OPENS + timedelta(seconds=70), 6)
        assert rest == users[2:]
    finally:
        server.close()


def test_the_database_store_keeps_the_same_rules_on_sqlite(sqlite_engine) -> None:
    """Development runs on SQLite: the same places, order, ticks and passes."""
    db = sqlite_engine
    store = PostgresWaitingRoom(db)
    venue = queued_show(db, per_minute=60)
    early, late = make_users(db, 5, prefix="early"), make_users(db, 2, prefix="late")
    for user in early:
        join_queue(user, venue.show_id, store=store, now=NOW, db=db)
    for user in late:
        join_queue(user, venue.show_id, store=store, now=OPENS, db=db)
    positions = {
        u: queue_place(u, venue.show_id, store=store, now=OPENS, db=db).position for u in early
    }
    order = admitted_in_order(store, db, OPENS, 6)
    assert order == [*sorted(early, key=positions.__getitem__), *late]
    place = queue_place(
        early[0], venue.show_id, store=store, now=OPENS + timedelta(seconds=7), db=db
    )
    held = hold_seats(
        early[0], venue.show_id, venue.ids("A1"), now=OPENS, db=db, queue_pass=place.pass_token
    )
    assert held.seat_ids == tuple(venue.ids("A1"))
