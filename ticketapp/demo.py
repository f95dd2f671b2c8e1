"""Demo data: `python -m ticketapp.demo` (idempotent).

Creates an organizer and a customer (dev-only passwords below, printed on every run) and five
published events: a 1,040-seat concert hall in four sections with accessible seats, a cinema
with several showtimes a day, a general-admission gig, a small theatre, and a 10,000-seat arena
show for performance work. Running it again changes nothing that exists.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from ticketapp import auth, booking
from ticketapp.booking import SectionSpec, grid_section, row_labels
from ticketapp.db import session_scope
from ticketapp.models import Event, EventStatus, Role, utcnow
from ticketapp.timezones import to_local, to_utc

logger = logging.getLogger(__name__)

ORGANIZER = ("Olivia Organizer", "organizer@ticketapp.dev", "organizer-demo-1")
CUSTOMER = ("Carl Customer", "customer@ticketapp.dev", "customer-demo-1")


def _account(name: str, email: str, password: str, role: str, db: Engine | None) -> int:
    user = auth.find_user_by_email(email, db=db)
    if user is None:
        user = auth.sign_up(name, email, password, role=role, client_ip=None, db=db)
    return user.id


def _day(days: int, hour: int, minute: int, zone: str) -> datetime:
    """`days` from today at hour:minute on the venue's clock (a 19:30 concert reads 19:30)."""
    day = to_local(utcnow(), zone).date() + timedelta(days=days)
    return to_utc(datetime(day.year, day.month, day.day, hour, minute), zone)


def _concert_hall() -> list[SectionSpec]:
    front, rear = row_labels(20)[:8], row_labels(20)[8:]
    accessible = {("A", 1), ("A", 36)}
    companion = {("A", 2), ("A", 35)}
    balcony = [f"B{r}" for r in row_labels(8)]
    return [
        grid_section(
            "Stalls Front",
            "Premium",
            front,
            36,
            aisles_after=(9, 27),
            accessible=accessible,
            companion=companion,
            blocked={("A", 18), ("A", 19)},
        ),
        grid_section("Stalls Rear", "Standard", rear, 36, y0=8, aisles_after=(9, 27)),
        grid_section("Balcony Left", "Balcony", balcony, 20, y0=22, x0=0),
        grid_section("Balcony Right", "Balcony", balcony, 20, y0=22, x0=21),
    ]


def _cinema() -> list[SectionSpec]:
    rows = row_labels(12)
    return [
        grid_section(
            "Main",
            "Standard",
            rows[:9],
            18,
            aisles_after=(4, 14),
            accessible={("A", 1), ("A", 18)},
            companion={("A", 2), ("A", 17)},
        ),
        grid_section("Recliners", "Premium", rows[9:], 18, y0=9, aisles_after=(4, 14)),
    ]


def _theatre() -> list[SectionSpec]:
    rows = row_labels(14)
    return [
        grid_section(
            "Parterre",
            "Category A",
            rows[:6],
            24,
            aisles_after=(12,),
            accessible={("F", 1), ("F", 24)},
            companion={("F", 2), ("F", 23)},
        ),
        grid_section("Circle", "Category B", rows[6:], 24, y0=7, aisles_after=(12,)),
    ]


def _arena() -> list[SectionSpec]:
    # 100 x 100 = 10,000 seats in three rings, each a block of 100 seats per row.
    return [
        grid_section("Floor", "Floor", row_labels(20), 100),
        grid_section("Lower Ring", "Lower", [f"L{i}" for i in range(1, 41)], 100, y0=21),
        grid_section("Upper Ring", "Upper", [f"U{i}" for i in range(1, 41)], 100, y0=62),
    ]


DEMO_EVENTS = [
    {
        "title": "Dvořák: New World Symphony",
        "timezone": "Europe/Vienna",
        "venue_name": "Grand Concert Hall",
        "venue_address": "1 Philharmonic Square",
        "category": "classical",
        "banner_url": "/banners/concert.svg",
        "description": "The city orchestra plays Dvořák's Ninth and the Cello Concerto in B minor.",
        "layout": ("Grand Concert Hall", _concert_hall),
        "prices": [
            booking.PriceSpec("Premium", 8900, rank=0, color="#8e4ec6"),
            booking.PriceSpec("Standard", 5900, rank=1, color="#3e63dd"),
            booking.PriceSpec("Balcony", 3500, rank=2, color="#12a594"),
        ],
        "shows": [(7, 19, 30), (8, 19, 30), (14, 16, 0)],
    },
    {
        "title": "Dune: Part Three",
        "timezone": "Europe/Paris",
        "venue_name": "Lumière Cinema, Screen 1",
        "venue_address": "22 Boulevard des Films",
        "category": "cinema",
        "banner_url": "/banners/cinema.svg",
        "description": "The saga concludes. Original version with subtitles, laser projection.",
        "layout": ("Lumière Screen 1", _cinema),
        "prices": [
            booking.PriceSpec("Premium", 1800, rank=0, color="#e54666"),
            booking.PriceSpec("Standard", 1200, rank=1, color="#3e63dd"),
        ],
        "shows": [(d, h, m) for d in (1, 2, 3) for (h, m) in ((14, 0), (17, 30), (21, 0))],
    },
    {
        "title": "The Midnight Owls — Live",
        "timezone": "Europe/London",
        "venue_name": "Club Volta",
        "venue_address": "5 Harbour Street",
        "category": "concert",
        "banner_url": "/banners/gig.svg",
        "description": "Indie rock night, standing only. Doors open one hour before.",
        "layout": (
            "Club Volta standing",
            lambda: [SectionSpec("Standing", "Standing", general_admission_capacity=400)],
        ),
        "prices": [booking.PriceSpec("Standing", 2500, rank=0, color="#30a46c")],
        "shows": [(10, 20, 0)],
    },
    {
        "title": "A Midsummer Night's Dream",
        "timezone": "Europe/London",
        "venue_name": "Little Theatre",
        "venue_address": "9 Stage Lane",
        "category": "theatre",
        "banner_url": "/banners/theatre.svg",
        "description": "Shakespeare's comedy in a new staging. Running time 2h40 with interval.",
        "layout": ("Little Theatre", _theatre),
        "prices": [
            booking.PriceSpec("Category A", 4500, rank=0, color="#e5484d"),
            booking.PriceSpec("Category B", 2900, rank=1, color="#f76b15"),
        ],
        "shows": [(4, 19, 0), (5, 19, 0), (6, 15, 0)],
    },
    {
        "title": "Arena Spectacular 2027",
        "timezone": "America/New_York",
        "venue_name": "National Arena",
        "venue_address": "100 Stadium Road",
        "category": "concert",
        "banner_url": "/banners/arena.svg",
        "description": "The biggest show of the year: 10,000 seats, one night.",
        "layout": ("National Arena", _arena),
        "prices": [
            booking.PriceSpec("Floor", 12000, rank=0, color="#8e4ec6"),
            booking.PriceSpec("Lower", 7500, rank=1, color="#3e63dd"),
            booking.PriceSpec("Upper", 4500, rank=2, color="#12a594"),
        ],
        "shows": [(21, 20, 0)],
    },
]


def _event_exists(organizer_id: int, title: str, db: Engine | None) -> bool:
    with session_scope(db) as session:
        return (
            session.exec(
                select(Event.id).where(Event.organizer_id == organizer_id, Event.title == title)
            ).first()
            is not None
        )


def load_demo_data(*, db: Engine | None = None) -> list[str]:
    """Create whatever of the demo data is missing; return the titles created."""
    organizer_id = _account(*ORGANIZER, Role.ORGANIZER, db)
    organizer = booking.Actor(organizer_id, Role.ORGANIZER)
    _account(*CUSTOMER, Role.CUSTOMER, db)
    created = []
    for spec in DEMO_EVENTS:
        if _event_exists(organizer_id, spec["title"], db):
            continue
        layout_name, sections = spec["layout"]
        layout_id = booking.create_layout(organizer, layout_name, sections(), db=db)
        event = booking.create_event(
            organizer,
            spec["title"],
            spec["venue_name"],
            venue_address=spec["venue_address"],
            description=spec["description"],
            category=spec["category"],
            banner_url=spec["banner_url"],
            status=EventStatus.PUBLISHED,
            timezone=spec["timezone"],
            db=db,
        )
        for days, hour, minute in spec["shows"]:
            booking.create_show(
                event.id,
                _day(days, hour, minute, spec["timezone"]),
                layout_id,
                spec["prices"],
                actor=organizer,
                db=db,
            )
        created.append(spec["title"])
    return created


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    created = load_demo_data()
    logger.info("Demo data: %s", f"created {', '.join(created)}" if created else "already there")
    logger.info("Dev-only demo accounts (never use these passwords anywhere real):")
    for name, email, password in (ORGANIZER, CUSTOMER):
        logger.info("  %-18s %-26s password: %s", name, email, password)


if __name__ == "__main__":
    main()
