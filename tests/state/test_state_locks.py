"""A tab's events queue behind a state lock in Redis (Reflex's StateManagerRedis, real Redis):
a waiter whose wake-up was lost still gets the lock once it is free, and the lock still has
one holder at a time (ticketapp/state_locks.py)."""

from __future__ import annotations

import asyncio
import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from redis.asyncio import Redis
from reflex.istate.manager.redis import StateManagerRedis

from ticketapp import state_locks

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
EXPIRY_MS = 60_000  # the lock's own expiry: far beyond any wait these tests allow


@pytest.fixture
def fixed(monkeypatch):
    monkeypatch.setattr(
        StateManagerRedis, "_lock_waiter", state_locks._lock_waiter_that_looks_again
    )


@pytest.fixture
def as_shipped(monkeypatch):
    monkeypatch.setattr(StateManagerRedis, "_lock_waiter", state_locks._reflex_lock_waiter)


def _run(check, managers: int = 1):
    async def go():
        clients = [Redis.from_url(REDIS_URL) for _ in range(managers)]
        made = [StateManagerRedis(redis=r, lock_expiration=EXPIRY_MS) for r in clients]
        try:
            return await check(*made)
        finally:
            for manager in made:
                if manager._lock_task is not None:
                    manager._lock_task.cancel()
            for client in clients:
                await client.aclose()

    # A thread of its own: Playwright's sync API (the browser tests, same process) keeps an
    # event loop running in this one.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, go()).result()


async def _until(condition, timeout: float = 5) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.005)


async def _queued(manager: StateManagerRedis, key: bytes, n: int) -> None:
    await _until(lambda: len(manager._lock_waiters.get(key, ())) >= n)


async def _woken_waiter_cancelled_before_it_takes_the_lock(manager: StateManagerRedis):
    """A holds the line, B queues behind it; the lock is released and the releasing process
    wakes A; A is cancelled while it tries the lock, before its SET. Returns who holds the
    lock 2 s later (None: B still asleep).

    The key is outside Reflex's keyspace pattern (`*_lock`): Redis's own message would be a
    second wake-up, which in the failure had gone to A as well or came before B queued."""
    key = f"ticketapp-test-{uuid.uuid4().hex}-state-lock".encode()
    gate = asyncio.Event()  # never set: A's second try of the lock hangs here
    tries = {b"A": 0}
    reflex_try = manager._try_get_lock

    async def try_lock(lock_key: bytes, lock_id: bytes):
        if lock_id == b"A":
            tries[b"A"] += 1
            if tries[b"A"] == 2:
                await gate.wait()
        return await reflex_try(lock_key, lock_id)

    manager._try_get_lock = try_lock
    try:
        assert await manager._try_get_lock(key, b"holder")
        a = asyncio.create_task(manager._wait_lock(key, b"A"))
        await _queued(manager, key, 1)
        b = asyncio.create_task(manager._wait_lock(key, b"B"))
        await _queued(manager, key, 2)
        assert await manager.redis.getdel(key) == b"holder"  # released, as Reflex's _lock does
        manager._notify_next_waiter(key)
        await _until(lambda: tries[b"A"] == 2)  # A woke and is trying the lock
        a.cancel()
        try:
            await asyncio.wait_for(b, timeout=2)
        except TimeoutError:
            return None
        return await manager.redis.get(key)
    finally:
        await manager.redis.delete(key)


async def _wake_up_never_comes(manager: StateManagerRedis):
    """The holder's key disappears with no wake-up at all (a key outside Reflex's keyspace
    pattern, and nobody notifies). Returns who holds the lock 2 s later (None: asleep)."""
    key = f"ticketapp-test-{uuid.uuid4().hex}-state-lock".encode()
    assert await manager._try_get_lock(key, b"holder")
    waiter = asyncio.create_task(manager._wait_lock(key, b"waiter"))
    await _queued(manager, key, 1)
    await manager.redis.delete(key)
    try:
        await asyncio.wait_for(waiter, timeout=2)
        return await manager.redis.get(key)
    except TimeoutError:
        return None
    finally:
        await manager.redis.delete(key)


def test_reflex_as_shipped_leaves_the_next_waiter_asleep_on_a_free_lock(as_shipped):
    # Why ticketapp.state_locks exists: if a Reflex upgrade changes this, look again.
    assert _run(_woken_waiter_cancelled_before_it_takes_the_lock) is None
    assert _run(_wake_up_never_comes) is None


def test_a_cancelled_waiter_passes_its_wake_up_to_the_next(fixed):
    assert _run(_woken_waiter_cancelled_before_it_takes_the_lock) == b"B"


def test_the_first_waiter_finds_a_free_lock_without_being_woken(fixed):
    assert _run(_wake_up_never_comes) == b"waiter"


def test_two_workers_waiters_take_the_lock_one_at_a_time(fixed, monkeypatch):
    # Look again far more often than in production, so looks happen while the lock is held.
    monkeypatch.setattr(state_locks, "RECHECK_SECONDS", 0.001)

    async def check(one: StateManagerRedis, two: StateManagerRedis):
        key = f"ticketapp-test-{uuid.uuid4().hex}_lock".encode()
        inside, most, looks = 0, 0, 0

        for manager in (one, two):
            reflex_exists = manager.redis.exists

            async def counted(*keys, _exists=reflex_exists):
                nonlocal looks
                looks += 1
                return await _exists(*keys)

            manager.redis.exists = counted

        async def event(manager: StateManagerRedis, name: bytes) -> None:
            nonlocal inside, most
            await manager._wait_lock(key, name)
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.01)
            inside -= 1
            assert await manager.redis.getdel(key) == name
            manager._notify_next_waiter(key)

        events = [event((one, two)[i % 2], f"e{i}".encode()) for i in range(30)]
        await asyncio.wait_for(asyncio.gather(*events), timeout=30)
        return most, looks

    most, looks = _run(check, managers=2)
    assert most == 1
    assert looks > 0  # the looks happened, and never let two in
