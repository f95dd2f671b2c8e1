"""Reflex's Redis state lock: a tab's event never sleeps on a free lock.

Reflex (0.10.1, pinned) queues the events of one browser tab behind a lock in Redis. A waiter
sleeps until it is woken — by the releasing process (which wakes the first waiter of its own
queue) or by Redis's keyspace message for the lock key — or until the lock's expiry
(`redis_lock_expiration`, 10 s). When that wake-up is lost, the next waiter sleeps the full
10 s although the lock is free, and its page shows nothing for 10 s. One way to lose it: the
woken waiter is cancelled (its tab navigated or closed; Reflex cancels a page's load events)
before it takes the lock, and leaves the queue without passing the wake-up on. Others: a
keyspace message that came before the next waiter queued up, a lock-update subscription
that failed (Reflex ignores that). The browser tests met it twice in CI: a show page whose
state loaded only after 10 s; Reflex's lock debug log of a full browser run shows a "wait
timeout" on a lock nobody held.

`install()` changes two things, nothing on the fast path (a free lock is taken at once,
without queueing):
- a waiter that leaves the queue without the lock (cancelled, failed) wakes the next one;
- the first waiter of the queue looks again every `RECHECK_SECONDS`: one `EXISTS` in Redis,
  and when the lock is free it is woken to try it (one `SET NX`). The others keep their place
  behind it, and a waiter that finds the lock taken waits on: one holder at a time, in
  Reflex's order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from reflex.istate.manager.redis import StateManagerRedis

logger = logging.getLogger(__name__)

RECHECK_SECONDS = 0.25

_reflex_lock_waiter = StateManagerRedis._lock_waiter


@contextlib.asynccontextmanager
async def _lock_waiter_that_looks_again(
    self: StateManagerRedis, lock_key: bytes
) -> AsyncIterator[asyncio.Event]:
    left_early = True
    try:
        async with _reflex_lock_waiter(self, lock_key) as woken:
            nudger = asyncio.create_task(_look_again(self, lock_key, woken))
            try:
                yield woken
                left_early = False
            finally:
                nudger.cancel()
    finally:
        if left_early:
            # Out of the queue without the lock: the wake-up it may have had goes to the next.
            self._notify_next_waiter(lock_key)


async def _look_again(self: StateManagerRedis, lock_key: bytes, woken: asyncio.Event) -> None:
    """While `woken`'s waiter waits: when it is first in line and the lock is free, wake it."""
    while True:
        await asyncio.sleep(RECHECK_SECONDS)
        if self._lock_waiters.get(lock_key, [None])[0] is not woken:
            continue  # not first in line: the one ahead is woken first
        try:
            free = not await self.redis.exists(lock_key)
        except Exception:  # Redis away: Reflex's own wait (and its expiry) goes on
            logger.debug("state lock recheck failed", exc_info=True)
            continue
        if free:
            woken.set()


def install() -> None:
    """Once per process, before the first event (idempotent)."""
    StateManagerRedis._lock_waiter = _lock_waiter_that_looks_again
