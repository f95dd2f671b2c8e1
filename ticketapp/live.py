"""Live seat changes: one listener per backend process, fanned out to every open seat map.

PostgreSQL: a statement trigger on `show_seat` NOTIFYs channel `seat_changes` with the show id
at commit (migration 0002), whatever changed the seats — a customer's hold, a booking through
the REST API, a cancellation, an organizer blocking seats, the sweeper releasing an expired
hold. Each process LISTENs on ONE connection, however many people watch.
SQLite (single process, development): the hub polls a cheap signature of the watched shows
(the sum of their seats' row versions, which every claim bumps).

The database stays the source of truth: a woken viewer re-reads the statuses, the hub
refreshes every watched show after its listener reconnects, and a quiet show is re-read every
`SAFETY_REFRESH` seconds anyway, so a lost message costs at most one refresh cycle.
Nothing here imports Reflex: the seat-map state waits on `wait_for_change`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

import psycopg
from sqlalchemy import func
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import select

from ticketapp.auth_cache import actors_of
from ticketapp.booking import (
    TemporarilyUnavailable,
    expire_stale_holds,
    versioned_status_string,
)
from ticketapp.db import session_scope
from ticketapp.models import ShowSeat
from ticketapp.settings import settings

logger = logging.getLogger(__name__)

CHANNEL = "seat_changes"
# The same connection hears about user rows changing (migration 0012), so each process's
# cache of who a token speaks for (ticketapp/auth_cache.py) forgets a revoked session at once.
USER_CHANNEL = "user_changes"
POLL_SECONDS = 0.25  # SQLite only
SWEEP_SECONDS = 1.0
SAFETY_REFRESH = 30.0
LISTEN_RETRY_MAX = 2.0
WATCH_TTL = 120.0  # a show nobody waited on for this long is no longer polled


class SeatChangeHub:
    """Per-process fan-out: show id -> a version number that grows on every change.

    Its memory is bounded by the shows being watched: `forget_idle` drops every show nobody
    has waited on for `WATCH_TTL` seconds. A forgotten show's version does not go back: an
    unknown show reads as `_floor`, the highest version ever forgotten, so a viewer that comes
    back with an old version is at worst woken once too often, never left waiting.
    """

    def __init__(self) -> None:
        self._floor = 0
        self._versions: dict[int, int] = {}
        self._events: dict[int, asyncio.Event] = {}
        self._watched: dict[int, float] = {}
        self._cache: dict[int, tuple[int, str]] = {}
        self._layouts: dict[int, int] = {}  # show id -> layout version of the cached statuses
        self._locks: dict[int, asyncio.Lock] = {}
        self._signatures: dict[int, int] = {}

    def version(self, show_id: int) -> int:
        return self._versions.get(show_id, self._floor)

    def layout_version(self, show_id: int) -> int | None:
        """The layout version of the statuses last read (an organizer's layout edit bumps it;
        viewers then fetch the new layout). None before the first read."""
        return self._layouts.get(show_id)

    def changed(self, show_id: int) -> None:
        self._versions[show_id] = self.version(show_id) + 1
        event = self._events.pop(show_id, None)
        if event is not None:
            event.set()

    def changed_all(self) -> None:
        for show_id in list(self._watched):
            self.changed(show_id)

    async def wait_for_change(self, show_id: int, seen: int, timeout: float) -> int | None:
        """The show's version once it is newer than `seen`; None after `timeout` seconds."""
        self._watched[show_id] = time.monotonic()
        deadline = time.monotonic() + timeout
        while self.version(show_id) <= seen:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            event = self._events.setdefault(show_id, asyncio.Event())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), left)
        return self.version(show_id)

    async def statuses(self, show_id: int, *, fresh: bool = False) -> str:
        """The show's status string, read once per change however many viewers wait."""
        lock = self._locks.setdefault(show_id, asyncio.Lock())
        async with lock:
            version = self.version(show_id)
            cached = self._cache.get(show_id)
            if fresh or cached is None or cached[0] != version:
                layout, text = await asyncio.to_thread(versioned_status_string, show_id)
                self._cache[show_id] = cached = (version, text)
                self._layouts[show_id] = layout
            return cached[1]

    def forget_idle(self, now: float) -> list[int]:
        """Drop what is kept for shows nobody waited on for `WATCH_TTL` seconds (at `now`, a
        `time.monotonic()` reading); returns their ids."""
        known = self._versions.keys() | self._cache.keys() | self._watched.keys()
        idle = [
            show_id
            for show_id in known
            if now - self._watched.get(show_id, float("-inf")) >= WATCH_TTL
            and show_id not in self._events  # nobody is waiting on it right now
            and not (show_id in self._locks and self._locks[show_id].locked())
        ]
        for show_id in idle:
            self._floor = max(self._floor, self._versions.get(show_id, 0))
            for kept in (
                self._versions,
                self._watched,
                self._cache,
                self._layouts,
                self._locks,
                self._signatures,
            ):
                kept.pop(show_id, None)
        return idle

    # --- feeding the hub ---------------------------------------------------------------------

    async def listen_postgres(self, url: str) -> None:
        """LISTEN on one connection; reconnect with backoff and refresh everything after.

        The backoff stays short (at most LISTEN_RETRY_MAX): a failed connection attempt costs
        PostgreSQL next to nothing, and after a database restart the seat maps should follow
        the hall again within seconds, not after a long doubling wait.
        """
        dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
        actors = actors_of(url)
        backoff = 0.25
        lost = False
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    dsn, autocommit=True, connect_timeout=5
                ) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    await conn.execute(f"LISTEN {USER_CHANNEL}")
                    actors.follow()  # from here on every user change reaches us
                    self.changed_all()  # whatever happened while we were not listening
                    if lost:
                        logger.warning("seat listener reconnected; watched shows refreshed")
                    backoff, lost = 0.25, False
                    async for note in conn.notifies():
                        with contextlib.suppress(ValueError):
                            if note.channel == USER_CHANNEL and note.payload == "*":
                                actors.forget_everyone()
                            elif note.channel == USER_CHANNEL:
                                actors.forget(int(note.payload))
                            else:
                                self.changed(int(note.payload))
            except (psycopg.Error, OSError) as exc:
                if not lost:  # one line per outage, not one per attempt
                    logger.warning("seat listener lost its connection (%s); retrying", exc)
                lost = True
            finally:
                # However the listening ended, changes may be missed from now on: read every
                # caller's row until the listener is back.
                actors.unfollow()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, LISTEN_RETRY_MAX)

    def _signature_rows(self, show_ids: list[int]) -> dict[int, int]:
        with session_scope() as session:
            rows = session.exec(
                select(ShowSeat.show_id, func.sum(ShowSeat.version))
                .where(ShowSeat.show_id.in_(show_ids))
                .group_by(ShowSeat.show_id)
            ).all()
        return {show_id: int(total or 0) for show_id, total in rows}

    async def poll_sqlite(self) -> None:
        while True:
            await asyncio.sleep(POLL_SECONDS)
            now = time.monotonic()
            watched = [s for s, seen in self._watched.items() if now - seen < WATCH_TTL]
            if not watched:
                continue
            try:
                signatures = await asyncio.to_thread(self._signature_rows, watched)
            except Exception:  # a busy database must not end live updates
                logger.exception("polling seat changes failed")
                continue
            for show_id, signature in signatures.items():
                if self._signatures.get(show_id) not in (None, signature):
                    self.changed(show_id)
                self._signatures[show_id] = signature

    async def safety_refresh(self) -> None:
        while True:
            await asyncio.sleep(SAFETY_REFRESH)
            self.forget_idle(time.monotonic())
            self.changed_all()


async def sweep_expired_holds() -> None:
    """Release expired holds every second, so other maps see those seats free again.

    Every process may run it: the release is a conditional UPDATE, so two sweepers never
    release the same seat twice, and nothing depends on a sweeper having run.
    """
    failing = False
    while True:
        await asyncio.sleep(SWEEP_SECONDS)
        try:
            await asyncio.to_thread(expire_stale_holds)
        except (TemporarilyUnavailable, OperationalError, InterfaceError, PoolTimeout) as exc:
            # The database is down or busy: say so once, keep trying every second.
            if not failing:
                logger.warning("hold sweeper: database unavailable (%s); retrying", exc)
            failing = True
            continue
        except Exception:
            logger.exception("sweeping expired holds failed")
            failing = True
            continue
        if failing:
            logger.warning("hold sweeper resumed")
        failing = False


hub = SeatChangeHub()


async def run_live_updates() -> None:
    """The lifespan task of each backend process: feed the hub and sweep."""
    tasks = [asyncio.create_task(sweep_expired_holds()), asyncio.create_task(hub.safety_refresh())]
    if settings.is_sqlite:
        tasks.append(asyncio.create_task(hub.poll_sqlite()))
    else:
        tasks.append(asyncio.create_task(hub.listen_postgres(settings.database_url)))
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
