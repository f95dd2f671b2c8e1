"""Builders for the API tests: accounts with tokens, a small stage to sell, a movable clock.

Users are inserted with one precomputed bcrypt hash and get tokens from `auth.issue_token`
(hashing costs ~0.25 s at cost 12; only the sign-up and log-in tests pay it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import bcrypt
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import select

from ticketapp import auth, booking
from ticketapp.booking import Actor
from ticketapp.db import session_scope
from ticketapp.models import Role, ShowSeat, User, utcnow

PASSWORD = "correct horse battery"
# Cost 4: only verify_password runs against it here, and the cost is stored in the hash.
PASSWORD_HASH = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()


class Clock:
    """The API's `Now`: real time unless a test moves it."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return utcnow() + self.offset

    def advance(self, **kwargs: float) -> None:
        self.offset += timedelta(**kwargs)


@dataclass
class Account:
    user: User
    token: str

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def make_account(db: Engine, email: str, role: str = Role.CUSTOMER, name: str = "") -> Account:
    user = User(
        email=email, name=name or email.split("@")[0], password_hash=PASSWORD_HASH, role=role
    )
    with session_scope(db) as session:
        session.add(user)
        session.flush()
    return Account(user, auth.issue_token(user.id, user.role))


@dataclass
class Stage:
    """A published event with one show of 2 rows x 6 seats (row B front-most category cheaper)
    plus a general-admission standing area of 20 places."""

    event_id: int
    show_id: int
    layout_id: int
    seat_ids: list[int]
    organizer: Account


def build_stage(
    db: Engine, organizer: Account, *, title: str = "Hamlet", status: str = "published"
) -> Stage:
    layout_id = booking.create_layout(
        booking.Actor(organizer.id, Role.ORGANIZER),
        "Small hall",
        [
            booking.grid_section("Stalls", "Premium", ["A"], 6),
            booking.grid_section("Circle", "Standard", ["B"], 6, y0=1),
            booking.SectionSpec("Standing", "Standing", general_admission_capacity=20),
        ],
        db=db,
    )
    event = booking.create_event(
        booking.Actor(organizer.id, Role.ORGANIZER),
        title,
        "Globe Theatre",
        description="A play about a prince.",
        category="theatre",
        status=status,
        db=db,
    )
    show = booking.create_show(
        event.id,
        utcnow() + timedelta(days=30),
        layout_id,
        [
            booking.PriceSpec("Premium", 5000, rank=0),
            booking.PriceSpec("Standard", 3000, rank=1),
            booking.PriceSpec("Standing", 1500, rank=2),
        ],
        actor=Actor(organizer.id, organizer.user.role),
        max_seats_per_customer=8,
        db=db,
    )
    with session_scope(db) as session:
        seat_ids = list(
            session.exec(
                select(ShowSeat.id)
                .where(ShowSeat.show_id == show.id, ~ShowSeat.is_general_admission)
                .order_by(ShowSeat.y, ShowSeat.x)
            ).all()
        )
    return Stage(event.id, show.id, layout_id, seat_ids, organizer)


def hold(client: TestClient, stage: Stage, account: Account, seats: list[int]) -> int:
    """Hold seats through the API; returns the hold id."""
    r = client.post(
        "/api/v1/holds", json={"show_id": stage.show_id, "seat_ids": seats}, headers=account.headers
    )
    assert r.status_code == 201, r.text
    return r.json()["hold_id"]


def book(client: TestClient, stage: Stage, account: Account, seats: list[int]) -> dict:
    """Hold and confirm through the API; returns the booking."""
    r = client.post(
        "/api/v1/bookings",
        json={"hold_id": hold(client, stage, account, seats)},
        headers=account.headers,
    )
    assert r.status_code == 201, r.text
    return r.json()
