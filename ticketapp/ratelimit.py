"""Sliding-window rate limits (log-in attempts per IP and per e-mail).

A sliding log, not a fixed window: a burst straddling a minute boundary cannot get twice the
limit through. In one process the log is a deque per key; with several workers (Reflex
production, `bench.api`) the log must be shared, so when REFLEX_REDIS_URL/REDIS_URL is set it
lives in a Redis sorted set, trimmed, counted and appended by one Lua script so that two
workers can never both take the last slot.
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from functools import cache
from typing import Protocol

from ticketapp.settings import settings

LOGIN_ATTEMPTS_PER_MINUTE = 10
LOGIN_WINDOW_SECONDS = 60.0


class RateLimiter(Protocol):
    def hit(self, key: str, *, limit: int, window: float) -> float:
        """Count one attempt under `key`; 0 if allowed, else seconds until one is allowed.

        A refused attempt is not counted, so a client that waits `Retry-After` gets in.
        """
        ...


class MemoryRateLimiter:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._log: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, *, limit: int, window: float) -> float:
        now = self._clock()
        with self._lock:
            log = self._log.setdefault(key, deque())
            while log and log[0] <= now - window:
                log.popleft()
            if len(log) >= limit:
                return log[0] + window - now
            log.append(now)
            if len(self._log) > 100_000:  # forget idle keys so memory stays bounded
                self._log = {k: v for k, v in self._log.items() if v and v[-1] > now - window}
            return 0.0


# KEYS[1] = the log; ARGV = now (ms), window (ms), limit, a unique member.
_SLIDING_WINDOW_LUA = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[2])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tonumber(oldest[2]) + ARGV[2] - ARGV[1]
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 0
"""


class RedisRateLimiter:
    def __init__(self, url: str, *, prefix: str = "ticketapp:ratelimit:") -> None:
        import redis  # only needed when Redis is configured

        self._redis = redis.Redis.from_url(url)
        self._script = self._redis.register_script(_SLIDING_WINDOW_LUA)
        self._prefix = prefix

    def hit(self, key: str, *, limit: int, window: float) -> float:
        # Redis' own clock: the workers' clocks may disagree, the server's is the one log.
        seconds, micros = self._redis.time()
        now_ms = seconds * 1000 + micros // 1000
        wait_ms = self._script(
            keys=[self._prefix + key],
            args=[now_ms, int(window * 1000), limit, f"{now_ms}:{uuid.uuid4().hex}"],
        )
        return max(0.0, int(wait_ms) / 1000)


def retry_after_header(wait: float) -> dict[str, str]:
    return {"Retry-After": str(max(1, math.ceil(wait)))}


@cache
def default_rate_limiter() -> RateLimiter:
    if settings.redis_url:
        return RedisRateLimiter(settings.redis_url)
    return MemoryRateLimiter()
