"""A tab's events queue behind a state lock in Redis (Reflex's StateManagerRedis, real Redis):
a waiter whose wake-up was lost must still get the lock once it is free, and the lock still
has one holder at a time."""

from __future__ import annotations

import asyncio
import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from redis.asyncio import Redis
from reflex.istate.manager.redis import StateManagerRedis

from ticketapp.state_locks import install

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")


async def _a_waiter_whose_wake_up_is_lost(manager: StateManagerRedis) -> bool:
    """True when a waiter gets the lock once it is free although nobody woke it."""
    # Not ending in "_lock": Redis's keyspace messages (one wake-up path) do not match it, and
    # the holder lets go without waking the queue (the other path): the wake-up is lost.
    key = f"ticketapp-test-{uuid.uuid4().hex}-state-lock".encode()
    assert await manager._try_get_lock(key, b"holder")
    waiter = asyncio.create_task(manager._wait_lock(key, b"waiter"))
    while len(manager._lock_waiters.get(key, ())) < 1:
        await asyncio.sleep(0.01)
    await manager.redis.delete(key)
    try:
        await asyncio.wait_for(waiter, timeout=5)  # the lock's expiry is a minute away
        return await manager.redis.get(key) == b"waiter"
    except TimeoutError:
        return False
    finally:
        await manager.redis.delete(key)


def _run(check) -> bool:
    async def go() -> bool:
        redis = Redis.from_url(REDIS_URL)
        manager = StateManagerRedis(redis=redis, lock_expiration=60_000)
        try:
            return await check(manager)
        finally:
            if manager._lock_task is not None:
                manager._lock_task.cancel()
            await redis.aclose()

    # A thread of its own: Playwright's sync API (the browser tests, same process) keeps an
    # event loop running in this one.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, go()).result()


@pytest.fixture
def reflex_as_shipped():
    """Reflex's own waiter, for the duration of a test (the app installs the fix at import)."""
    from ticketapp import state_locks

    fixed = StateManagerRedis._lock_waiter
    StateManagerRedis._lock_waiter = state_locks._reflex_lock_waiter
    yield
    StateManagerRedis._lock_waiter = fixed


def test_reflex_as_shipped_leaves_a_waiter_asleep_on_a_free_lock(reflex_as_shipped):
    # The reason for ticketapp.state_locks: if a Reflex upgrade changes this, look again.
    assert _run(_a_waiter_whose_wake_up_is_lost) is False


def test_a_waiter_finds_the_free_lock_without_being_woken():
    install()
    assert _run(_a_waiter_whose_wake_up_is_lost) is True


def test_waiters_still_take_the_lock_one_at_a_time():
    install()

    async def check(manager: StateManagerRedis) -> bool:
        key = f"ticketapp-test-{uuid.uuid4().hex}_lock".encode()  # keyspace messages on
        inside, most = 0, 0

        async def event(name: bytes) -> None:
            nonlocal inside, most
            await manager._wait_lock(key, name)
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.005)
            inside -= 1
            assert await manager.redis.getdel(key) == name
            manager._notify_next_waiter(key)

        await asyncio.wait_for(
            asyncio.gather(*(event(f"e{i}".encode()) for i in range(20))), timeout=30
        )
        return most == 1

    assert _run(check) is True
