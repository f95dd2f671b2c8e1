"""The seat-change signal: PostgreSQL NOTIFY from the show_seat trigger, and the hub."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import update

from tests.e2e.helpers import create_user, make_show
from ticketapp import booking
from ticketapp.db import session_scope
from ticketapp.live import CHANNEL, WATCH_TTL, SeatChangeHub
from ticketapp.models import ShowSeat, utcnow


def _listen(pg_url: str) -> psycopg.Connection:
    conn = psycopg.connect(
        pg_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    )
    conn.execute(f"LISTEN {CHANNEL}")
    return conn


def _payloads(conn: psycopg.Connection, timeout: float = 2.0) -> list[str]:
    return [n.payload for n in conn.notifies(timeout=timeout, stop_after=10)]


def test_a_hold_notifies_the_show_id_once_at_commit(pg_engine, pg_url):
    _, show_id, _ = make_show(pg_engine)
    _, other_show, _ = make_show(pg_engine)
    buyer = create_user(pg_engine)
    conn = _listen(pg_url)
    try:
        seats = sorted(booking.seat_statuses(show_id, db=pg_engine))[:3]
        booking.hold_seats(buyer.id, show_id, seats, db=pg_engine)
        assert _payloads(conn) == [str(show_id)]
        assert str(other_show) not in _payloads(conn, timeout=0.3)
    finally:
        conn.close()


def test_a_rolled_back_change_notifies_nobody(pg_engine, pg_url):
    _, show_id, _ = make_show(pg_engine)
    conn = _listen(pg_url)
    try:
        with pytest.raises(RuntimeError), session_scope(pg_engine) as session:
            session.execute(
                update(ShowSeat).where(ShowSeat.show_id == show_id).values(status="blocked")
            )
            raise RuntimeError("the booking failed after writing")
        assert _payloads(conn, timeout=0.5) == []
    finally:
        conn.close()


def test_the_sweeper_releasing_an_expired_hold_notifies(pg_engine, pg_url):
    _, show_id, _ = make_show(pg_engine, hold_seconds=5)
    buyer = create_user(pg_engine)
    seat_id = sorted(booking.seat_statuses(show_id, db=pg_engine))[0]
    booking.hold_seats(buyer.id, show_id, [seat_id], db=pg_engine)
    conn = _listen(pg_url)
    try:
        released = booking.expire_stale_holds(now=utcnow() + timedelta(seconds=6), db=pg_engine)
        assert [r.show_id for r in released] == [show_id]
        assert _payloads(conn) == [str(show_id)]
    finally:
        conn.close()


def test_hub_wakes_every_waiter_once_per_change():
    async def scenario() -> list[int | None]:
        hub = SeatChangeHub()
        waiters = [asyncio.create_task(hub.wait_for_change(7, 0, timeout=5)) for _ in range(20)]
        await asyncio.sleep(0)  # let them all start waiting
        hub.changed(7)
        quiet = await hub.wait_for_change(8, 0, timeout=0.05)
        return [*(await asyncio.gather(*waiters)), quiet]

    # A thread of its own: browser tests in the same session keep a loop in the main thread.
    with ThreadPoolExecutor(1) as pool:
        results = pool.submit(asyncio.run, scenario()).result()
    assert results[:20] == [1] * 20
    assert results[20] is None


def test_hub_forgets_shows_nobody_watches_and_never_turns_a_version_back():
    async def scenario() -> tuple:
        hub = SeatChangeHub()
        await hub.wait_for_change(1, 0, timeout=0)  # a viewer looked at show 1 and left
        for show_id in (1, 1, 1, 2):  # changes of a watched show and of one nobody watches
            hub.changed(show_id)
        hub._cache[1], hub._layouts[1], hub._signatures[1] = (3, "aab"), 0, 42
        waiting = asyncio.create_task(hub.wait_for_change(3, 0, timeout=5))
        await asyncio.sleep(0)
        later = time.monotonic() + WATCH_TTL
        forgotten = hub.forget_idle(later)
        kept = {
            name: sorted(getattr(hub, name))
            for name in ("_versions", "_watched", "_cache", "_layouts", "_signatures")
        }
        versions = (hub.version(1), hub.version(2))
        back = asyncio.create_task(hub.wait_for_change(1, 3, timeout=5))
        await asyncio.sleep(0)
        hub.changed(1)
        hub.changed(3)
        return sorted(forgotten), kept, versions, await back, await waiting

    with ThreadPoolExecutor(1) as pool:
        forgotten, kept, versions, back, waiting = pool.submit(asyncio.run, scenario()).result()
    assert forgotten == [1, 2]  # show 3 has a viewer waiting: it stays
    assert kept == {
        "_versions": [],
        "_watched": [3],
        "_cache": [],
        "_layouts": [],
        "_signatures": [],
    }
    assert versions == (3, 3)  # never lower than what a viewer may have seen
    assert back == 4  # a viewer that saw version 3 is woken by the next change
    assert waiting == 4
