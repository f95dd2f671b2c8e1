"""Fixtures of the booking-engine tests: users, a published event, a show to sell.

Time is explicit: `NOW` is a moment inside every show's sales window, and tests move the clock
by passing `now=` to the engine; nothing sleeps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import select

from ticketapp.booking import (
    Actor,
    PriceSpec,
    SectionSpec,
    create_event,
    create_layout,
    create_show,
    grid_section,
    row_labels,
)
from ticketapp.db import session_scope
from ticketapp.models import PriceCategory, Role, ShowSeat, User

NOW = datetime(2031, 3, 1, 12, 0, tzinfo=UTC)
STARTS = NOW + timedelta(days=7)
# bcrypt("password", rounds=4), computed once: hashing per user would dominate the run time.
PASSWORD_HASH = "$2b$04$qCH2t/3PyWX5H95Uyl5fRumETy8JOfwIdfneyTyFRTwzRf0bb5LUe"
PRICES = [
    PriceSpec("Premium", 5000, rank=0, color="#b45309"),
    PriceSpec("Standard", 3000, rank=1),
]


def make_users(
    db: Engine, count: int, role: str = Role.CUSTOMER, prefix: str = "user"
) -> list[int]:
    """Insert `count` users in one statement; returns their ids in order."""
    with session_scope(db) as session:
        start = session.connection().exec_driver_sql("SELECT count(*) FROM app_user").scalar()
        rows = [
            {
                "email": f"{prefix}{start + i}@example.test",
                "name": f"{prefix.title()} {start + i}",
                "password_hash": PASSWORD_HASH,
                "role": role,
                "created_at": NOW,
            }
            for i in range(count)
        ]
        result = session.connection().execute(
            insert(User).returning(User.id, sort_by_parameter_order=True), rows
        )
        return [row[0] for row in result]


@dataclass
class Venue:
    """A built show and the handles a test needs."""

    db: Engine
    organizer_id: int
    event_id: int
    show_id: int
    layout_id: int
    categories: dict[str, int] = field(default_factory=dict)  # name -> id
    seats: dict[str, int] = field(default_factory=dict)  # "A1" / "Floor 3" -> seat id

    @property
    def organizer(self) -> Actor:
        """The show's organizer, as the engine's doors hand them in."""
        return Actor(self.organizer_id, Role.ORGANIZER)

    def ids(self, *names: str) -> list[int]:
        return [self.seats[n] for n in names]

    def another_show(self, **kwargs) -> int:
        """A show of another event by the same organizer."""
        return build_show(self.db, organizer_id=self.organizer_id, **kwargs).show_id

    def second_show(self, starts_at: datetime = STARTS + timedelta(days=1)) -> Venue:
        """Another show of the same event, in the same hall."""
        show = create_show(
            self.event_id,
            starts_at,
            self.layout_id,
            PRICES,
            actor=Actor(self.organizer_id, Role.ORGANIZER),
            now=NOW,
            db=self.db,
        )
        return _with_handles(
            Venue(self.db, self.organizer_id, self.event_id, show.id, self.layout_id)
        )


def build_show(
    db: Engine,
    sections: list[SectionSpec] | None = None,
    *,
    prices: list[PriceSpec] | None = None,
    organizer_id: int | None = None,
    event_status: str = "published",
    starts_at: datetime = STARTS,
    **show_kwargs,
) -> Venue:
    """A published event with one show. Default hall: Stalls rows A-C x 10 seats, Premium."""
    if organizer_id is None:
        organizer_id = make_users(db, 1, Role.ORGANIZER, "organizer")[0]
    if sections is None:
        sections = [grid_section("Stalls", "Premium", row_labels(3), 10)]
    layout_id = create_layout(Actor(organizer_id, Role.ORGANIZER), "Hall", sections, db=db)
    event = create_event(
        Actor(organizer_id, Role.ORGANIZER), "Concert", "Town Hall", status=event_status, db=db
    )
    show = create_show(
        event.id,
        starts_at,
        layout_id,
        prices or PRICES,
        actor=Actor(organizer_id, Role.ORGANIZER),
        now=NOW - timedelta(days=1),
        db=db,
        **show_kwargs,
    )
    return _with_handles(Venue(db, organizer_id, event.id, show.id, layout_id))


def _with_handles(venue: Venue) -> Venue:
    """Fill in the category ids and the seat ids by short name ("A1") and by label."""
    with session_scope(venue.db) as session:
        for cat in session.exec(
            select(PriceCategory).where(PriceCategory.show_id == venue.show_id)
        ):
            venue.categories[cat.name] = cat.id
        for seat in session.exec(select(ShowSeat).where(ShowSeat.show_id == venue.show_id)):
            if not seat.is_general_admission:
                venue.seats[f"{seat.row_label}{seat.number}"] = seat.id
            venue.seats[seat.label] = seat.id
    return venue


@pytest.fixture
def venue(engine: Engine) -> Venue:
    return build_show(engine)


@pytest.fixture
def buyers(engine: Engine) -> list[int]:
    return make_users(engine, 3)


@pytest.fixture
def admin(engine: Engine) -> int:
    return make_users(engine, 1, Role.ADMIN, "admin")[0]
