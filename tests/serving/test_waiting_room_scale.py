"""2,000 visitors through the waiting room of the real server: PostgreSQL + Redis, 2 workers.

The order is promised before anyone is let in: the queue starts paused, 1,000 visitors join
before the on-sale time and 1,000 after it, and every visitor's position is read (a
permutation of 1..2000: early ones shuffled in 1..1000, later ones in arrival order). Then
the organizer resumes the queue at 1,200 a minute and the test waits (polling the organizer's
figures, with a deadline) until nobody is left. Meanwhile one worker is killed; granian
replaces it. At the end every visitor was admitted exactly once, in the promised order, at
the rate (±10% over the full minute), and holding without a pass was refused throughout.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
from collections import Counter
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, TypeVar

import httpx
import pytest
import redis
from sqlalchemy import func, select

from bench.accounts import seed_accounts
from bench.harness import free_port
from tests.appserver import start_server, stop_app, worker_pids
from tests.owned_services import wait_for
from ticketapp import auth, booking
from ticketapp.db import make_engine
from ticketapp.models import Role, WaitingRoomEntry, utcnow
from ticketapp.queueing import redis_prefix
from ticketapp.settings import settings

pytestmark = pytest.mark.postgres

T = TypeVar("T")
VISITORS = 2000
RATE = 1200  # per minute: 2,000 visitors are let in within two minutes
CHEAP_HASH = "$2b$04$qCH2t/3PyWX5H95Uyl5fRumETy8JOfwIdfneyTyFRTwzRf0bb5LUe"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` on a thread of its own: the browser tests' Playwright keeps an event loop
    running on the main thread when both run in one session."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def forget_queues(database_url: str) -> None:
    """Drop this test database's queues from the shared Redis."""
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{redis_prefix(database_url)}*"):
        client.delete(key)


async def call(
    client: httpx.AsyncClient, method: str, path: str, token: str, **kwargs
) -> httpx.Response:
    """One request; a 503 (the server sheds load) is retried after its Retry-After."""
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(50):
        r = await client.request(method, path, headers=headers, **kwargs)
        if r.status_code != 503:
            return r
        await asyncio.sleep(float(r.headers.get("Retry-After", "1")))
    raise AssertionError(f"{method} {path} kept answering 503")


async def for_all(base_url: str, tokens: list[str], method: str, path: str) -> list[dict]:
    limit = asyncio.Semaphore(32)
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:

        async def one(token: str) -> dict:
            async with limit:
                r = await call(client, method, path, token)
                assert r.status_code == 200, r.text
                return r.json()

        return await asyncio.gather(*(one(t) for t in tokens))


def holds_without_pass(base_url: str, show_id: int, seat_id: int, tokens: list[str]) -> Counter:
    async def run() -> Counter:
        codes: Counter = Counter()
        async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
            for token in tokens:
                r = await call(
                    client,
                    "POST",
                    "/api/v1/holds",
                    token,
                    json={"show_id": show_id, "seat_ids": [seat_id]},
                )
                codes[(r.status_code, r.json()["error"]["code"])] += 1
        return codes

    return run_async(run())


def test_two_thousand_visitors_are_admitted_once_in_the_promised_order_at_the_rate(
    app_db_url, tmp_path
) -> None:
    db = make_engine(app_db_url)
    accounts = seed_accounts(db, "queue", VISITORS + 1, CHEAP_HASH)
    organizer = accounts.organizer
    tokens = [auth.issue_token(uid, Role.CUSTOMER) for uid in accounts.customer_ids]
    visitors, outsider = tokens[:VISITORS], tokens[VISITORS]
    layout = booking.create_layout(
        organizer, "Arena", [booking.grid_section("Floor", "Floor", ["A"], 10)], db=db
    )
    event = booking.create_event(organizer, "Big On-sale", "Arena", status="published", db=db)
    show = booking.create_show(
        event.id,
        utcnow() + timedelta(days=30),
        layout,
        [booking.PriceSpec("Floor", 9000)],
        actor=organizer,
        sales_open_at=utcnow() + timedelta(hours=1),
        db=db,
    )
    seat_id = booking.seat_map(show.id, db=db).seats[0].id
    booking.configure_queue(
        show.id, actor=organizer, enabled=True, per_minute=RATE, paused=True, db=db
    )
    port = free_port()
    server = start_server(
        app_db_url,
        port,
        tmp_path / "server.log",
        workers=2,
        backend_only=True,
        extra_env={
            "REFLEX_REDIS_URL": REDIS_URL,
            "SECRET_KEY": settings.secret_key,  # the tokens above were signed with it
            "MAX_REQUESTS_IN_FLIGHT": "256",
        },
    )
    base = f"http://127.0.0.1:{port}"
    queue = f"/api/v1/shows/{show.id}/queue"
    try:
        early = run_async(for_all(base, visitors[:1000], "POST", queue))
        assert {place["state"] for place in early} == {"before_sale"}
        booking.edit_show(show.id, actor=organizer, sales_open_at=utcnow(), db=db)  # on sale
        late = run_async(for_all(base, visitors[1000:], "POST", queue))
        assert {place["state"] for place in late} == {"waiting"}

        # The promise, made while nobody is let in: every position, once.
        places = run_async(for_all(base, visitors, "GET", queue))
        position = [p["position"] for p in places]
        assert sorted(position) == list(range(1, VISITORS + 1))
        assert sorted(position[:1000]) == list(range(1, 1001))  # the early ones first
        assert sorted(position[1000:]) == list(range(1001, VISITORS + 1))  # then the later ones
        # Without a pass, no hold: neither for the queued nor for someone who never queued.
        refused = holds_without_pass(base, show.id, seat_id, [*visitors[:20], outsider])
        assert refused == Counter({(403, "queue_pass_required"): 21})

        booking.pause_queue(show.id, False, actor=organizer, db=db)
        figures_url = f"/api/v1/organizer/shows/{show.id}/queue"
        organizer_token = auth.issue_token(organizer.id, Role.ORGANIZER)

        def figures() -> dict:
            async def get() -> dict:
                async with httpx.AsyncClient(base_url=base, timeout=30) as client:
                    return (await call(client, "GET", figures_url, organizer_token)).json()

            return run_async(get())

        wait_for(lambda: figures()["admitted"] >= VISITORS // 4, 120, "the first admissions")
        victim = sorted(worker_pids(server))[0]
        os.kill(victim, signal.SIGKILL)  # a worker dies mid-admission; granian replaces it
        wait_for(lambda: figures()["waiting"] == 0, 240, "everyone to be admitted")
        assert victim not in worker_pids(server)

        statuses = run_async(for_all(base, visitors, "GET", queue))
    finally:
        stop_app(server)
        forget_queues(app_db_url)
    assert {s["state"] for s in statuses} == {"admitted"}
    admitted_at = [datetime.fromisoformat(s["admitted_at"]) for s in statuses]
    # The promised order: whoever was ahead was let in no later.
    by_position = sorted(zip(position, admitted_at, strict=True))
    assert all(a[1] <= b[1] for a, b in itertools.pairwise(by_position))
    # Exactly once each, by the journal every admission is copied to.
    with db.connect() as conn:
        rows = conn.execute(
            select(func.count(), func.count(WaitingRoomEntry.admitted_at)).where(
                WaitingRoomEntry.show_id == show.id
            )
        ).one()
    assert tuple(rows) == (VISITORS, VISITORS)
    # The rate: the first full minute of admissions let in RATE ±10%.
    start = min(admitted_at)
    first_minute = sum(1 for t in admitted_at if t < start + timedelta(minutes=1))
    assert RATE * 0.9 <= first_minute <= RATE * 1.1, first_minute
    db.dispose()
