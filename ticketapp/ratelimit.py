"""Sliding-window rate limits (log-in attempts per IP and per e-mail).

A sliding log, not a fixed window: a burst straddling a minute boundary cannot get twice the
limit through. In one process the log is a deque per key; with several workers (Reflex
production, `bench.api`) the log must be shared, so when REFLEX_REDIS_URL/REDIS_URL is set it
lives in a Redis sorted set, trimmed, counted and appended by one Lua script so that two
workers can never both take the last slot.

Redis is an accelerator, never a single point of failure: when it does not answer, the Redis
limiter counts in its own process instead (each worker then allows the limit on its own, which
is looser but still a limit), logs that once, and asks Redis again a few seconds later. Any
caller of `hit` — an API route today, the auth core tomorrow — gets the fallback for free.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from functools import cache
from typing import Protocol

from ticketapp.settings import settings

log = logging.getLogger(__name__)

LOGIN_ATTEMPTS_PER_MINUTE = 10
LOGIN_WINDOW_SECONDS = 60.0


class RateLimiter(Protocol):
    def hit(self, key: str, *, limit: int, window: float) -> float:
        """Count one attempt under `key`; 0 if allowed, else seconds until one is allowed.

        A refused attempt is not counted, so a client that waits `Retry-After` gets in.
        """
        ...

    def backend_status(self) -> str:
        """Where the counts live now, for the readiness endpoint."""
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

    def backend_status(self) -> str:
        return "not_configured"


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
    """The shared sliding log in Redis, with a per-process fallback while Redis is away."""

    # After a failure, skip Redis for this long: a dead server must not cost every log-in a
    # connection attempt (and each a log line).
    RETRY_SECONDS = 5.0

    def __init__(
        self,
        url: str,
        *,
        prefix: str = "ticketapp:ratelimit:",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        import redis  # only needed when Redis is configured
        from redis.backoff import ExponentialBackoff
        from redis.retry import Retry

        self._redis = redis.Redis.from_url(
            url,
            # A pooled connection idle this long is pinged before use: after a Redis restart
            # the first log-in does not meet a dead socket.
            health_check_interval=10,
            socket_connect_timeout=0.5,
            socket_timeout=0.5,
            # A dropped connection is retried on a fresh one (twice, a few ms apart) before we
            # give up on Redis for RETRY_SECONDS.
            retry=Retry(ExponentialBackoff(cap=0.1, base=0.01), retries=2),
            retry_on_error=[redis.ConnectionError, redis.TimeoutError],
        )
        self._errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)
        self._script = self._redis.register_script(_SLIDING_WINDOW_LUA)
        self._prefix = prefix
        self._clock = clock
        self._fallback = MemoryRateLimiter(clock)
        self._skip_redis_until: float | None = None  # None: Redis is believed healthy
        self._state_lock = threading.Lock()

    def hit(self, key: str, *, limit: int, window: float) -> float:
        skip_until = self._skip_redis_until
        if skip_until is not None and self._clock() < skip_until:
            return self._fallback.hit(key, limit=limit, window=window)
        try:
            wait = self._shared_hit(key, limit=limit, window=window)
        except self._errors as exc:
            self._redis_failed(exc)
            return self._fallback.hit(key, limit=limit, window=window)
        if skip_until is not None:
            self._redis_recovered()
        return wait

    def backend_status(self) -> str:
        """Asks Redis (unless it failed moments ago), so readiness reports it as it is now."""
        skip_until = self._skip_redis_until
        if skip_until is not None and self._clock() < skip_until:
            return "unavailable"
        try:
            self._redis.ping()
        except self._errors as exc:
            self._redis_failed(exc)
            return "unavailable"
        if skip_until is not None:
            self._redis_recovered()
        return "ok"

    def _shared_hit(self, key: str, *, limit: int, window: float) -> float:
        # Redis' own clock: the workers' clocks may disagree, the server's is the one log.
        seconds, micros = self._redis.time()
        now_ms = seconds * 1000 + micros // 1000
        wait_ms = self._script(
            keys=[self._prefix + key],
            args=[now_ms, int(window * 1000), limit, f"{now_ms}:{uuid.uuid4().hex}"],
        )
        return max(0.0, int(wait_ms) / 1000)

    def _redis_failed(self, exc: Exception) -> None:
        with self._state_lock:
            first = self._skip_redis_until is None
            self._skip_redis_until = self._clock() + self.RETRY_SECONDS
        if first:
            log.warning(
                "Redis unavailable (%s: %s): rate limits now count per process until it is back",
                type(exc).__name__,
                exc,
            )

    def _redis_recovered(self) -> None:
        with self._state_lock:
            was_down = self._skip_redis_until is not None
            self._skip_redis_until = None
        if was_down:
            log.warning("Redis is back: rate limits are shared by all workers again")


def retry_after_header(wait: float) -> dict[str, str]:
    return {"Retry-After": str(max(1, math.ceil(wait)))}


@cache
def default_rate_limiter() -> RateLimiter:
    if settings.redis_url:
        return RedisRateLimiter(settings.redis_url)
    return MemoryRateLimiter()
