"""The sliding-window log-in limit, in process and shared through Redis by several workers."""

from __future__ import annotations

import uuid

import pytest

from ticketapp.ratelimit import MemoryRateLimiter, RedisRateLimiter, retry_after_header

REDIS_URL = "redis://127.0.0.1:6379/15"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_memory_limiter_allows_the_limit_then_says_how_long_to_wait() -> None:
    clock = FakeClock()
    limiter = MemoryRateLimiter(clock)
    for _ in range(10):
        assert limiter.hit("k", limit=10, window=60) == 0
        clock.now += 1
    assert limiter.hit("k", limit=10, window=60) == pytest.approx(50)
    assert retry_after_header(49.2) == {"Retry-After": "50"}


def test_memory_limiter_window_slides_instead_of_resetting() -> None:
    clock = FakeClock()
    limiter = MemoryRateLimiter(clock)
    for _ in range(10):
        limiter.hit("k", limit=10, window=60)
    clock.now += 59.9
    assert limiter.hit("k", limit=10, window=60) > 0  # a fixed window would have reset
    clock.now += 0.2
    assert limiter.hit("k", limit=10, window=60) == 0
    assert limiter.hit("other", limit=10, window=60) == 0


@pytest.fixture
def redis_limiters() -> tuple[RedisRateLimiter, RedisRateLimiter]:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    prefix = f"test:{uuid.uuid4().hex}:"
    # Two limiters = two workers; they must see one shared log.
    return RedisRateLimiter(REDIS_URL, prefix=prefix), RedisRateLimiter(REDIS_URL, prefix=prefix)


def test_redis_limiter_is_shared_by_several_workers(
    redis_limiters: tuple[RedisRateLimiter, RedisRateLimiter],
) -> None:
    first, second = redis_limiters
    for i in range(10):
        worker = first if i % 2 else second
        assert worker.hit("login:ip:10.0.0.1", limit=10, window=60) == 0
    wait = first.hit("login:ip:10.0.0.1", limit=10, window=60)
    assert 0 < wait <= 60
    assert second.hit("login:ip:10.0.0.1", limit=10, window=60) > 0
    assert second.hit("login:ip:10.0.0.2", limit=10, window=60) == 0
