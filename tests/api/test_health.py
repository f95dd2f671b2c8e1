"""Liveness and readiness (the outage side is in tests/serving/test_postgres_restart.py)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.postgres


def test_liveness_answers_without_asking_anything(client: TestClient) -> None:
    r = client.get("/api/v1/health/live")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_readiness_checks_the_database_and_reports_redis(client: TestClient) -> None:
    r = client.get("/api/v1/health/ready")
    assert r.status_code == 200
    # The API tests' limiter counts in memory: no Redis configured.
    assert r.json() == {"status": "ready", "database": "ok", "redis": "not_configured"}
