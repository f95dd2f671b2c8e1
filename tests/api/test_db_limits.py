"""The database limits of app connections: a wait that runs long is a 503, never a hang or a 500.

Each test runs the API on an engine built by `make_engine` with small limits (one pooled
connection, short pool and lock timeouts) and makes the wait happen for real.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine

from tests.api.factories import Account
from ticketapp.db import make_engine
from ticketapp.settings import load, settings

pytestmark = pytest.mark.postgres

LIMITS = load(
    {
        "DB_POOL_SIZE": "1",
        "DB_MAX_OVERFLOW": "0",
        "DB_POOL_TIMEOUT": "0.2",
        "DB_LOCK_TIMEOUT_MS": "200",
        "DB_STATEMENT_TIMEOUT_MS": "1000",
    }
)


@pytest.fixture
def db(pg_engine: Engine, pg_url: str) -> Engine:
    """Replaces the API tests' engine (pg_engine still empties the database afterwards)."""
    engine = make_engine(pg_url, LIMITS)
    yield engine
    engine.dispose()


def assert_retry_later(r) -> None:
    assert r.status_code == 503, r.text
    assert int(r.headers["Retry-After"]) >= 1
    assert r.json()["error"]["code"] == "temporarily_unavailable"


def test_app_connections_carry_the_statement_and_lock_timeouts(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        with engine.connect() as conn:
            values = dict(
                conn.execute(
                    text(
                        "SELECT name, setting FROM pg_settings "
                        "WHERE name IN ('statement_timeout', 'lock_timeout')"
                    )
                ).all()
            )
    finally:
        engine.dispose()
    assert values == {
        "statement_timeout": str(settings.db_statement_timeout_ms),
        "lock_timeout": str(settings.db_lock_timeout_ms),
    }


def test_waiting_too_long_for_a_pooled_connection_is_a_503(client: TestClient, db: Engine) -> None:
    with db.connect():  # the pool's only connection, busy
        r = client.get("/api/v1/events")
    assert_retry_later(r)
    assert client.get("/api/v1/events").status_code == 200


def test_a_lock_wait_beyond_lock_timeout_is_a_503(
    client: TestClient, customer: Account, pg_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    with pg_engine.connect() as other:
        # Someone else holds the customer's row (an admin's long transaction, say).
        other.execute(
            text("SELECT id FROM app_user WHERE id = :id FOR UPDATE"), {"id": customer.id}
        )
        r = client.patch("/api/v1/auth/me", json={"name": "Carla C."}, headers=customer.headers)
        assert_retry_later(r)
        other.rollback()
    # PostgreSQL gave up the wait (not the pool, which has a connection free here).
    assert "canceling statement due to lock timeout" in caplog.text
    r = client.patch("/api/v1/auth/me", json={"name": "Carla C."}, headers=customer.headers)
    assert r.status_code == 200
