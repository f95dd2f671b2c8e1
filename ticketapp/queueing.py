"""The waiting room in this process: the store it uses and its admission tick.

Every backend worker runs `run_admission_ticks` (a lifespan task): about once a second it asks
the engine to admit whoever is due on every running queue. The store makes each tick single
across all workers (booking/waiting_room_store.py, ticketapp/waiting_room_redis.py), so a
worker that dies or restarts takes nothing with it: the other workers keep ticking, and the
places are in Redis and the database, never in a worker's memory.
"""

from __future__ import annotations

import asyncio
import logging
from functools import cache

from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from ticketapp.booking import (
    PostgresWaitingRoom,
    TemporarilyUnavailable,
    WaitingRoomStore,
    admit_due,
)
from ticketapp.settings import settings

logger = logging.getLogger(__name__)

TICK_SECONDS = 1.0


def redis_prefix(database_url: str) -> str:
    """The Redis keys of one database's queues: deployments (and test runs) that share a
    Redis but not a database never see each other's places."""
    return f"ticketapp:waiting-room:{make_url(database_url).database}:"


@cache
def default_waiting_room(db: Engine | None = None) -> WaitingRoomStore:
    """The process's store on `db` (default: the app's database): Redis, journaled in the
    database, when configured; else the database alone."""
    if settings.redis_url:
        from ticketapp.waiting_room_redis import RedisWaitingRoom

        url = str(db.url) if db else settings.database_url  # only its database name is used
        return RedisWaitingRoom(settings.redis_url, db, prefix=redis_prefix(url))
    return PostgresWaitingRoom(db)


async def run_admission_ticks() -> None:
    failing = False
    while True:
        await asyncio.sleep(TICK_SECONDS)
        try:
            await asyncio.to_thread(admit_due, store=default_waiting_room())
        except (TemporarilyUnavailable, OperationalError, InterfaceError, PoolTimeout) as exc:
            if not failing:  # the database is down or busy: say so once, keep ticking
                logger.warning("waiting room: database unavailable (%s); retrying", exc)
            failing = True
            continue
        except Exception:
            logger.exception("waiting room admission tick failed")
            failing = True
            continue
        if failing:
            logger.warning("waiting room admission resumed")
        failing = False
