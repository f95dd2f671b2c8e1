"""Redis is an accelerator: a Redis crash or restart never turns a log-in into a 500.

Each test owns its Redis server (tests/owned_services.py) and kills it for real; the API runs
against the real PostgreSQL test database.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.api.factories import PASSWORD, Account
from tests.owned_services import OwnedRedis
from ticketapp.ratelimit import RedisRateLimiter

pytestmark = pytest.mark.postgres

LOGIN = "/api/v1/auth/login"


class StepClock:
    """The limiter's clock, moved on by the test instead of sleeping through RETRY_SECONDS."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def own_redis() -> Iterator[OwnedRedis]:
    server = OwnedRedis()
    server.start()
    yield server
    server.close()


@pytest.fixture
def limiter_clock() -> StepClock:
    return StepClock()


@pytest.fixture
def limiter(own_redis: OwnedRedis, limiter_clock: StepClock) -> RedisRateLimiter:
    """Replaces the API tests' in-memory limiter: the client fixture now logs in through Redis."""
    return RedisRateLimiter(own_redis.url, prefix=f"test:{uuid.uuid4().hex}:", clock=limiter_clock)


def shared_attempts(server: OwnedRedis) -> int:
    """How many log-in attempts the shared (Redis) log holds, over all keys."""
    client = server.client()
    return sum(client.zcard(key) for key in client.scan_iter("test:*"))


def log_in(client: TestClient, password: str = PASSWORD) -> int:
    r = client.post(LOGIN, json={"email": "carla@example.com", "password": password})
    assert r.status_code != 500, r.text
    return r.status_code


def test_log_in_works_and_is_limited_per_process_while_redis_is_down_then_shared_again(
    client: TestClient,
    customer: Account,
    own_redis: OwnedRedis,
    limiter: RedisRateLimiter,
    limiter_clock: StepClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert log_in(client) == 200
    assert shared_attempts(own_redis) == 2  # one per key: the client's IP and the e-mail

    own_redis.crash()
    with caplog.at_level(logging.WARNING, logger="ticketapp.ratelimit"):
        assert log_in(client) == 200  # the pooled connection is dead: fall back, no 500
        for _ in range(9):
            assert log_in(client, "wrong password") == 401
        # The process' own log counted those ten: the eleventh is refused, like with Redis.
        r = client.post(LOGIN, json={"email": "carla@example.com", "password": PASSWORD})
        assert r.status_code == 429
        assert r.json()["error"]["code"] == "rate_limited"
        assert int(r.headers["Retry-After"]) >= 1
    assert limiter.backend_status() == "unavailable"
    outage_logs = [r.getMessage() for r in caplog.records if "Redis unavailable" in r.getMessage()]
    assert len(outage_logs) == 1  # logged once per outage, not once per log-in

    own_redis.start()  # a fresh, empty Redis on the same port
    limiter_clock.now += RedisRateLimiter.RETRY_SECONDS + 1
    assert log_in(client) == 200  # the new server has no count: the per-process one is gone
    assert shared_attempts(own_redis) == 2
    assert limiter.backend_status() == "ok"


def test_a_redis_restart_is_absorbed_by_a_retry_on_a_fresh_connection(
    own_redis: OwnedRedis, limiter: RedisRateLimiter
) -> None:
    assert limiter.hit("login:ip:10.1.1.1", limit=10, window=60) == 0
    own_redis.crash()
    own_redis.start()
    # The pooled connection died with the old server; the client reconnects and retries
    # instead of reporting an error, so the count lands in the new server.
    assert limiter.hit("login:ip:10.1.1.1", limit=10, window=60) == 0
    assert limiter.backend_status() == "ok"
    assert shared_attempts(own_redis) == 1


def test_the_limiter_reports_redis_as_it_is_now_for_readiness(
    own_redis: OwnedRedis, limiter: RedisRateLimiter, limiter_clock: StepClock
) -> None:
    assert limiter.backend_status() == "ok"
    own_redis.crash()
    assert limiter.backend_status() == "unavailable"
    own_redis.start()
    limiter_clock.now += RedisRateLimiter.RETRY_SECONDS + 1
    assert limiter.backend_status() == "ok"
