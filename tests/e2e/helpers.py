"""Arrange data in the app's database and log in through the real UI."""

from __future__ import annotations

import uuid
from datetime import timedelta

import bcrypt
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session

from ticketapp import booking
from ticketapp.booking import Actor, PriceSpec, SectionSpec, grid_section
from ticketapp.models import Role, User, utcnow

PASSWORD = "test-password-1"
_HASH = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()


def create_user(engine: Engine, role: str = Role.CUSTOMER, name: str = "Test Buyer") -> User:
    user = User(
        name=name, email=f"u-{uuid.uuid4().hex[:10]}@example.com", password_hash=_HASH, role=role
    )
    with Session(engine, expire_on_commit=False) as session:
        session.add(user)
        session.commit()
    return user


def log_in(page: Page, user: User) -> None:
    page.goto("/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    expect(page.locator("#nav-user-name")).to_have_text(user.name)


def make_show(
    engine: Engine,
    *,
    title: str | None = None,
    rows: int = 3,
    seats_per_row: int = 6,
    hold_seconds: int = 600,
    cap: int = 10,
    standing: int = 0,
    accessible: set[tuple[str, int]] | None = None,
    companion: set[tuple[str, int]] | None = None,
    blocked: set[tuple[str, int]] | None = None,
) -> tuple[int, int, str]:
    """A published event with one show; returns (event_id, show_id, title)."""
    organizer = create_user(engine, Role.ORGANIZER, "Org")
    title = title or f"Show {uuid.uuid4().hex[:8]}"
    if standing:
        sections = [SectionSpec("Standing", "Standing", general_admission_capacity=standing)]
        prices = [PriceSpec("Standing", 2000)]
    else:
        labels = [chr(ord("A") + i) for i in range(rows)]
        sections = [
            grid_section(
                "Stalls",
                "Stalls",
                labels,
                seats_per_row,
                accessible=accessible,
                companion=companion,
                blocked=blocked,
            )
        ]
        prices = [PriceSpec("Stalls", 4500)]
    layout = booking.create_layout(Actor.of(organizer), "Room", sections, db=engine)
    event = booking.create_event(
        Actor.of(organizer), title, "Test Hall", status="published", db=engine
    )
    show = booking.create_show(
        event.id,
        utcnow() + timedelta(days=5),
        layout,
        prices,
        actor=Actor(organizer.id, Role.ORGANIZER),
        hold_seconds=hold_seconds,
        max_seats_per_customer=cap,
        db=engine,
    )
    return event.id, show.id, title


def seat(page: Page, label: str):
    """A seat button by the start of its accessible name, e.g. 'Row A, seat 3,'."""
    return page.locator(f'button.seat[aria-label^="{label}"]')


def wait_for_map(page: Page) -> None:
    expect(page.locator(".seatmap-grid[data-ready=true]")).to_have_count(1)
