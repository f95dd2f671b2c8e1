"""The organizer's dashboard: upcoming shows with their figures, and every event in a line.

Counts follow `reports` (the same rule for "held", the same revenue); what an organizer sees
is scoped by `access.managed_by` — their own events, or everything for an admin — and only
organizer accounts get an answer at all.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ticketapp.booking._tx import moment, run
from ticketapp.booking.access import Actor, managed_by, require_organizer
from ticketapp.booking.inventory import held_live, sellable
from ticketapp.booking.reports import ZERO, add_counts, daily_sales
from ticketapp.booking.results import (
    CategoryTotal,
    OrganizerEvent,
    OrganizerOverview,
    SalesCounts,
    UpcomingShow,
)
from ticketapp.models import (
    Booking,
    Event,
    EventStatus,
    PriceCategory,
    SeatStatus,
    Show,
    ShowSeat,
    ShowStatus,
    Ticket,
)


def _events_of(actor: Actor):
    return select(Event.id).where(managed_by(actor, Event.organizer_id))


def organizer_overview(
    *,
    actor: Actor,
    limit: int = 20,
    now: datetime | None = None,
    db: Engine | None = None,
) -> OrganizerOverview:
    """The organizer's upcoming shows (soonest first, at most `limit`) with sold / held /
    available places and revenue, their totals and price categories, and sales per day.

    Counts follow `reports`: "held" is a live hold at `now`, a hold past its time is available.
    """
    require_organizer(actor)
    now = moment(now)

    def work(session: Session) -> OrganizerOverview:
        upcoming = (
            select(Show.id, Show.event_id, Event.title, Show.starts_at, Event.timezone)
            .join(Event, Event.id == Show.event_id)
            .where(
                Show.event_id.in_(_events_of(actor)),
                Event.status != EventStatus.CANCELLED,
                Show.status == ShowStatus.SCHEDULED,
                Show.starts_at > now,
            )
        )
        shows = session.exec(upcoming.order_by(Show.starts_at, Show.id)).all()
        ids = [s[0] for s in shows]
        categories = {
            c.id: c
            for c in session.exec(select(PriceCategory).where(PriceCategory.show_id.in_(ids)))
        }
        per_show: dict[int, SalesCounts] = defaultdict(lambda: ZERO)
        by_name: dict[str, list[int]] = {}
        counts = session.exec(
            select(
                ShowSeat.show_id,
                ShowSeat.category_id,
                func.count(ShowSeat.id),
                func.count(ShowSeat.id).filter(ShowSeat.status == SeatStatus.BOOKED),
                func.count(ShowSeat.id).filter(held_live(now)),
                func.count(ShowSeat.id).filter(sellable(now)),
                func.count(ShowSeat.id).filter(ShowSeat.status == SeatStatus.BLOCKED),
            )
            .where(ShowSeat.show_id.in_(ids))
            .group_by(ShowSeat.show_id, ShowSeat.category_id)
        ).all()
        revenue = {
            (show_id, category_id): int(total or 0)
            for show_id, category_id, total in session.exec(
                select(ShowSeat.show_id, ShowSeat.category_id, func.sum(Ticket.price_cents))
                .join(ShowSeat, ShowSeat.id == Ticket.show_seat_id)
                .where(ShowSeat.show_id.in_(ids), Ticket.live.is_(True))
                .group_by(ShowSeat.show_id, ShowSeat.category_id)
            ).all()
        }
        for show_id, category_id, total, sold, held, available, blocked in counts:
            money = revenue.get((show_id, category_id), 0)
            per_show[show_id] = add_counts(
                per_show[show_id], SalesCounts(total, sold, held, available, blocked, money)
            )
            name = categories[category_id].name
            line = by_name.setdefault(name, [0, 0, 0])
            line[0] += total - blocked
            line[1] += sold
            line[2] += money
        currency = next(iter(categories.values())).currency if categories else "EUR"
        total = ZERO
        for counts_of_show in per_show.values():
            total = add_counts(total, counts_of_show)
        ranked = sorted(by_name.items(), key=lambda kv: (-kv[1][2], kv[0]))
        return OrganizerOverview(
            shows=tuple(
                UpcomingShow(show_id, event_id, title, starts_at, currency, per_show[show_id], zone)
                for show_id, event_id, title, starts_at, zone in shows[:limit]
            ),
            counts=total,
            categories=tuple(
                CategoryTotal(name, currency, places, sold, money)
                for name, (places, sold, money) in ranked
            ),
            daily=daily_sales(session, Show.event_id.in_(_events_of(actor))),
            currency=currency,
        )

    return run(db, work)


def organizer_events(
    *, actor: Actor, now: datetime | None = None, db: Engine | None = None
) -> list[OrganizerEvent]:
    """The organizer's events (admins: all), newest first, each with its headline figures."""
    require_organizer(actor)
    now = moment(now)

    def work(session: Session) -> list[OrganizerEvent]:
        query = (
            select(Event)
            .where(managed_by(actor, Event.organizer_id))
            .order_by(Event.created_at.desc(), Event.id.desc())
        )
        events = session.exec(query).all()
        ids = [e.id for e in events]
        shows = {
            event_id: (count, next_at)
            for event_id, count, next_at in session.exec(
                select(
                    Show.event_id,
                    func.count(Show.id),
                    func.min(Show.starts_at).filter(
                        Show.status == ShowStatus.SCHEDULED, Show.starts_at > now
                    ),
                )
                .where(Show.event_id.in_(ids))
                .group_by(Show.event_id)
            ).all()
        }
        sales = {
            event_id: (sold, int(revenue or 0), currency)
            for event_id, sold, revenue, currency in session.exec(
                select(
                    Show.event_id,
                    func.count(Ticket.id),
                    func.sum(Ticket.price_cents),
                    func.min(Booking.currency),
                )
                .join(Booking, Booking.show_id == Show.id)
                .join(Ticket, Ticket.booking_id == Booking.id)
                .where(Show.event_id.in_(ids), Ticket.live.is_(True))
                .group_by(Show.event_id)
            ).all()
        }
        bookings = dict(
            session.exec(
                select(Show.event_id, func.count(Booking.id))
                .join(Booking, Booking.show_id == Show.id)
                .where(Show.event_id.in_(ids))
                .group_by(Show.event_id)
            ).all()
        )
        rows = []
        for e in events:
            count, next_at = shows.get(e.id, (0, None))
            sold, revenue, currency = sales.get(e.id, (0, 0, "EUR"))
            rows.append(
                OrganizerEvent(
                    id=e.id,
                    title=e.title,
                    venue_name=e.venue_name,
                    status=e.status,
                    show_count=count,
                    next_show_at=next_at,
                    sold=sold,
                    revenue_cents=revenue,
                    currency=currency,
                    bookings=bookings.get(e.id, 0),
                    timezone=e.timezone,
                )
            )
        return rows

    return run(db, work)
