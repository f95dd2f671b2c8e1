"""The engine's transaction runner: which database failures are retried, and what callers
hear about the others (issue 11, defect 7)."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from tests.engine.conftest import build_show, make_users
from ticketapp.booking import Conflict
from ticketapp.booking._tx import run
from ticketapp.models import Booking, Role, User


def test_a_unique_violation_that_is_not_a_code_collision_is_a_conflict_tried_once(
    engine: Engine,
) -> None:
    (taken,) = make_users(engine, 1)
    with engine.connect() as conn:
        email = conn.execute(select(User.email).where(User.id == taken)).scalar_one()
    attempts = []

    def work(session) -> None:
        attempts.append(1)
        session.execute(
            insert(User).values(email=email, name="Twin", password_hash="x", role=Role.CUSTOMER)
        )

    with pytest.raises(Conflict):
        run(engine, work)
    assert attempts == [1]  # retrying cannot make an existing e-mail go away


def test_a_random_code_collision_is_retried_with_new_codes(engine: Engine) -> None:
    venue = build_show(engine)
    (buyer,) = make_users(engine, 1, prefix="buyer")
    codes = iter(["SAMECODE", "SAMECODE", "FRESHONE"])
    attempts = []

    def work(session) -> str:
        attempts.append(1)
        code = next(codes)
        session.execute(
            insert(Booking).values(
                code=code,
                user_id=buyer,
                show_id=venue.show_id,
                status="cancelled",
                total_cents=0,
                currency="EUR",
                buyer_name="",
                buyer_email="",
                cancel_reason="",
            )
        )
        return code

    assert run(engine, work) == "SAMECODE"
    assert run(engine, work) == "FRESHONE"  # the second draw collided and was drawn again
    assert attempts == [1, 1, 1]
    with engine.connect() as conn:  # nothing half-written by the failed attempt
        codes_kept = conn.execute(select(Booking.code).order_by(Booking.id)).scalars().all()
    assert codes_kept == ["SAMECODE", "FRESHONE"]
