"""PostgreSQL killed under load and restarted (issue 13, point 5).

The test owns its PostgreSQL cluster (tests/owned_services.py) and SIGKILLs the postmaster
while the real server (2 workers) is being asked for a show and for the caller's account. While
the database is gone every answer is 503 + Retry-After, never a 500; after the restart the
answers are good again within seconds, each worker's seat-change listener is back on the new
server, a NOTIFY reaches a listening hub, and the hold sweeper releases an expired hold.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import psycopg
import pytest
from sqlmodel import Session

from bench.harness import free_port
from tests import dbutil
from tests.api.factories import build_stage, make_account
from tests.appserver import start_server, stop_app
from tests.owned_services import OwnedPostgres, wait_for
from tests.serving.conftest import Answer, Poller, request
from ticketapp import booking
from ticketapp.db import make_engine
from ticketapp.live import CHANNEL, USER_CHANNEL, SeatChangeHub
from ticketapp.models import Hold, Role, ShowSeat, utcnow

pytestmark = pytest.mark.postgres

WORKERS = 2
RECOVERY_SECONDS = 10


@pytest.fixture
def own_pg() -> Iterator[OwnedPostgres]:
    cluster = OwnedPostgres()
    cluster.start()
    yield cluster
    cluster.close()


@pytest.fixture
def own_db_url(own_pg: OwnedPostgres) -> str:
    url = dbutil.create_pg_database("ticketapp_fault", server=own_pg.server_url)
    dbutil.migrate(url)
    return url


def listening_connections(own_pg: OwnedPostgres, url: str) -> int:
    """Connections to the app's database whose last statement was a LISTEN (the listener
    subscribes to seat changes, then to user changes)."""
    try:
        with psycopg.connect(f"{own_pg.server_url}/postgres", connect_timeout=2) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND query = ANY(%s)",
                (url.rsplit("/", 1)[1], [f"LISTEN {CHANNEL}", f"LISTEN {USER_CHANNEL}"]),
            ).fetchone()
    except psycopg.Error:
        return 0
    return row[0]


class HubThread:
    """A SeatChangeHub listening on its own event loop thread, as a worker's hub does."""

    def __init__(self, url: str) -> None:
        self.hub = SeatChangeHub()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._task = self._call(self._start(url))

    def _call(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=10)

    async def _start(self, url: str) -> asyncio.Task:
        return asyncio.create_task(self.hub.listen_postgres(url))

    async def _stop(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)

    def close(self) -> None:
        self._call(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


def good_streak(answers: list[Answer], since: float, length: int = 3) -> bool:
    """The last `length` answers that started after `since` were all 200."""
    recent = [a for a in answers if a.started >= since]
    return len(recent) >= length and all(a.status == 200 for a in recent[-length:])


def test_postgres_killed_under_load_means_503s_then_recovery_and_live_updates_resume(
    own_pg: OwnedPostgres, own_db_url: str, tmp_path
) -> None:
    db = make_engine(own_db_url)
    organizer = make_account(db, "olga@example.com", Role.ORGANIZER, "Olga Organizer")
    customer = make_account(db, "carla@example.com", name="Carla Customer")
    stage = build_stage(db, organizer)
    port = free_port()
    server = start_server(
        own_db_url, port, tmp_path / "server.log", workers=WORKERS, backend_only=True
    )
    hub = HubThread(own_db_url)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        wait_for(
            lambda: listening_connections(own_pg, own_db_url) == WORKERS + 1,
            20,
            "each worker's listener and the test's hub to LISTEN",
        )
        with (
            Poller(f"{base}/shows/{stage.show_id}") as shows,
            Poller(f"{base}/auth/me", headers=customer.headers) as accounts,
        ):
            wait_for(lambda: len(accounts.answers) >= 3, 20, "answers before the crash")
            crashed_at = time.monotonic()
            own_pg.crash()
            wait_for(
                lambda: (
                    any(a.status == 503 for a in shows.answers if a.started > crashed_at)
                    and any(a.status == 503 for a in accounts.answers if a.started > crashed_at)
                ),
                15,
                "503 answers while PostgreSQL is down",
            )
            not_ready = request(f"{base}/health/ready")
            assert not_ready.status == 503, not_ready
            assert not_ready.body["error"]["code"] == "not_ready"
            assert request(f"{base}/health/live").status == 200
            restarted_at = time.monotonic()
            own_pg.start()
            recovery = wait_for(
                lambda: (
                    good_streak(shows.answers, restarted_at)
                    and good_streak(accounts.answers, restarted_at)
                ),
                RECOVERY_SECONDS,
                "good answers again after the restart",
            )
        for answer in shows.answers + accounts.answers:
            assert answer.status in (200, 503), answer
            if answer.status == 503:
                assert int(answer.headers["retry-after"]) >= 1
                assert answer.body["error"]["code"] in ("temporarily_unavailable", "overloaded")
        assert recovery <= RECOVERY_SECONDS
        assert request(f"{base}/health/ready").status == 200

        # Every worker's listener found the new server, and so did the test's own hub ...
        wait_for(
            lambda: listening_connections(own_pg, own_db_url) == WORKERS + 1,
            RECOVERY_SECONDS,
            "the listeners to LISTEN again after the restart",
        )
        seen = hub.hub.version(stage.show_id)
        # ... an expired hold is swept by the server's sweeper (its seat is for sale again) ...
        stale = booking.hold_seats(
            customer.id, stage.show_id, stage.seat_ids[:1], now=utcnow() - timedelta(hours=1), db=db
        )

        def swept() -> bool:
            with Session(db) as session:
                hold = session.get(Hold, stale.hold_id)
                seat = session.get(ShowSeat, stage.seat_ids[0])
                return hold.status == "expired" and seat.status == "available"

        wait_for(swept, RECOVERY_SECONDS, "the sweeper to release the expired hold")
        # ... and the seat changes reached the hub as NOTIFYs (the hold, then the release).
        wait_for(
            lambda: hub.hub.version(stage.show_id) >= seen + 2,
            RECOVERY_SECONDS,
            "seat-change notifications after the restart",
        )
    finally:
        hub.close()
        stop_app(server)
        db.dispose()
