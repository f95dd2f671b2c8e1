"""Property-based run of the whole API from its own OpenAPI schema: zero server errors.

Schemathesis generates valid and invalid requests for every operation (NUL bytes, huge
numbers, wrong types, missing fields, odd headers) and checks each answer against the schema:
never a 5xx, only documented status codes and content types, bodies that match their models.
Requests carry the organizer's token, on a database seeded with a small event, so many of
them get past authentication into the engine. The example count is bounded so the whole
run takes about a minute.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlalchemy.engine import Engine

from tests.api.factories import Account, Clock, build_stage
from ticketapp import booking
from ticketapp.api import app
from ticketapp.api.deps import get_db, get_now, get_rate_limiter
from ticketapp.ratelimit import MemoryRateLimiter

EXAMPLES_PER_OPERATION = 30


@pytest.fixture
def seeded(db: Engine, organizer: Account, customer: Account) -> Account:
    """A published event with a show, a hold and a booking, so ids 1..n mostly exist."""
    stage = build_stage(db, organizer)
    build_stage(db, organizer, title="Draft", status="draft")
    held = booking.hold_seats(customer.id, stage.show_id, stage.seat_ids[:2], db=db)
    booking.confirm_hold(held.hold_id, user_id=customer.id, db=db)
    booking.hold_seats(organizer.id, stage.show_id, stage.seat_ids[2:3], db=db)
    return organizer


@pytest.fixture(autouse=True)
def app_on_test_database(db: Engine) -> Iterator[None]:
    app.dependency_overrides[get_db] = lambda: db
    app.dependency_overrides[get_now] = Clock()
    app.dependency_overrides[get_rate_limiter] = MemoryRateLimiter
    yield
    app.dependency_overrides.clear()


# Loading the schema needs no database: the app serves /api/openapi.json from its routes.
schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_never_answers_with_a_server_error(case: schemathesis.Case, seeded: Account) -> None:
    # Schema-valid is not business-valid (a show in the past, an unknown layout): a 422 for
    # such input is right, so "positive data must be accepted" is not asked for.
    case.call_and_validate(
        headers=seeded.headers, excluded_checks=[schemathesis.checks.positive_data_acceptance]
    )
