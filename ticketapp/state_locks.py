"""Reflex's Redis state lock: a tab's event never sleeps on a free lock.

Reflex (0.10.1, pinned) queues the events of one browser tab behind a lock in Redis. A waiter
sleeps until it is woken — by the releasing process (which wakes the first waiter of its own
queue) or by Redis's keyspace message for the lock key — or until the lock's expiry
(`redis_lock_expiration`, 10 s). When that wake-up is lost (a waiter woken and then cancelled
before it took the lock, a keyspace message that arrived before the next waiter queued up),
the next waiter sleeps the full 10 s although the lock is free, and its page shows nothing
for 10 s. The browser tests met it twice in CI: a show page whose state loaded only after
10 s; Reflex's lock debug log of a full browser run shows a "wait timeout" on a lock nobody
held.

`install()` makes every waiter look again every `RECHECK_SECONDS` while it waits. Looking
again is one `SET NX` in Redis; a waiter that finds the lock taken waits on, so the queue's
rules (one holder at a time) stay Reflex's.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from reflex.istate.manager.redis import StateManagerRedis

RECHECK_SECONDS = 0.25

_reflex_lock_waiter = StateManagerRedis._lock_waiter


@contextlib.asynccontextmanager
async def _lock_waiter_that_looks_again(
    self: StateManagerRedis, lock_key: bytes
) -> AsyncIterator[asyncio.Event]:
    async with _reflex_lock_waiter(self, lock_key) as woken:

        async def look_again() -> None:
            while True:
                await asyncio.sleep(RECHECK_SECONDS)
                woken.set()  # Reflex's waiter then tries the lock once and waits again

        nudger = asyncio.create_task(look_again())
        try:
            yield woken
        finally:
            nudger.cancel()


def install() -> None:
    """Once per process, before the first event (idempotent)."""
    StateManagerRedis._lock_waiter = _lock_waiter_that_looks_again
