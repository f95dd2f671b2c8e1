"""Fixtures for the REST API tests: the real app on a real PostgreSQL database.

The app's `Db`, clock and rate limiter are replaced through `app.dependency_overrides`, never by
patching; accounts and the stage come from `tests.api.factories`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.api.factories import Account, Clock, Stage, build_stage, make_account
from ticketapp.api import app
from ticketapp.api.deps import get_db, get_now, get_rate_limiter
from ticketapp.models import Role
from ticketapp.ratelimit import MemoryRateLimiter


@pytest.fixture
def db(pg_engine: Engine) -> Engine:
    return pg_engine


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def limiter() -> MemoryRateLimiter:
    return MemoryRateLimiter()


@pytest.fixture
def client(db: Engine, clock: Clock, limiter: MemoryRateLimiter) -> Iterator[TestClient]:
    app.dependency_overrides[get_db] = lambda: db
    app.dependency_overrides[get_now] = clock
    app.dependency_overrides[get_rate_limiter] = lambda: limiter
    try:
        with TestClient(app, raise_server_exceptions=False) as test_client:
            yield test_client
    finally:
        app.dependency_overrides.clear()


@pytest.fixture
def customer(db: Engine) -> Account:
    return make_account(db, "carla@example.com", name="Carla Customer")


@pytest.fixture
def other_customer(db: Engine) -> Account:
    return make_account(db, "otto@example.com", name="Otto Other")


@pytest.fixture
def organizer(db: Engine) -> Account:
    return make_account(db, "olga@example.com", Role.ORGANIZER, "Olga Organizer")


@pytest.fixture
def other_organizer(db: Engine) -> Account:
    return make_account(db, "oscar@example.com", Role.ORGANIZER, "Oscar Organizer")


@pytest.fixture
def admin(db: Engine) -> Account:
    return make_account(db, "ada@example.com", Role.ADMIN, "Ada Admin")


@pytest.fixture
def stage(db: Engine, organizer: Account) -> Stage:
    return build_stage(db, organizer)
