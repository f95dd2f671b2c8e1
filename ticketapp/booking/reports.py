"""The organizer's numbers: what is sold, held and left, what it earned, who booked.

Invariant: the counts add up — for every show and every category, sold + held + available +
blocked = total places — and "held" means held by a live hold at `now`: a hold past its time
counts as available (exactly what a buyer's claim would find), never as sold. Revenue is the
sum of live tickets' prices, i.e. of confirmed bookings' totals. Every report checks who asks
(`access.managed_event`): only the event's organizer, or an admin, sees its figures.

Why the SQL is shaped so: each figure is one aggregate with FILTER clauses over the show's
places (PostgreSQL and SQLite >= 3.30 both have them), grouped by category, so a report costs a
couple of queries however large the hall. Reports are reads without locks, one transaction
each: pictures of one moment. Sales per day are grouped in Python, not SQL: "the UTC day of a
timestamp" is spelled differently by each database, and an event has at most a few thousand
bookings.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import astuple
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ticketapp.booking._tx import moment, run
from ticketapp.booking.access import Actor, managed_event, managed_show
from ticketapp.booking.inventory import held_live, sellable
from ticketapp.booking.results import (
    BookingRow,
    CategorySales,
    CategoryTotal,
    DailySales,
    EventReport,
    EventSales,
    SalesCounts,
    ShowSales,
    TypeSales,
)
from ticketapp.models import (
    Booking,
    BookingStatus,
    Event,
    PriceCategory,
    SeatStatus,
    Show,
    ShowSeat,
    ShowStatus,
    Ticket,
    TicketType,
)

ZERO = SalesCounts(0, 0, 0, 0, 0, 0)


def add_counts(a: SalesCounts, b: SalesCounts) -> SalesCounts:
    return SalesCounts(*(x + y for x, y in zip(astuple(a), astuple(b), strict=True)))


def sales_of_show(session: Session, show: Show, now: datetime) -> ShowSales:
    counts = {
        category_id: (total, sold, held, available, blocked)
        for category_id, total, sold, held, available, blocked in session.exec(
            select(
                ShowSeat.category_id,
                func.count(ShowSeat.id),
                func.count(ShowSeat.id).filter(ShowSeat.status == SeatStatus.BOOKED),
                func.count(ShowSeat.id).filter(held_live(now)),
                func.count(ShowSeat.id).filter(sellable(now)),
                func.count(ShowSeat.id).filter(ShowSeat.status == SeatStatus.BLOCKED),
            )
            .where(ShowSeat.show_id == show.id)
            .group_by(ShowSeat.category_id)
        ).all()
    }
    revenue = dict(
        session.exec(
            select(ShowSeat.category_id, func.sum(Ticket.price_cents))
            .join(ShowSeat, ShowSeat.id == Ticket.show_seat_id)
            .where(ShowSeat.show_id == show.id, Ticket.live.is_(True))
            .group_by(ShowSeat.category_id)
        ).all()
    )
    types = _type_sales(session, show.id)
    categories = session.exec(
        select(PriceCategory)
        .where(PriceCategory.show_id == show.id)
        .order_by(PriceCategory.rank, PriceCategory.id)
    ).all()
    per_category = tuple(
        CategorySales(
            category_id=c.id,
            name=c.name,
            price_cents=c.price_cents,
            currency=c.currency,
            counts=SalesCounts(*counts.get(c.id, (0, 0, 0, 0, 0)), int(revenue.get(c.id) or 0)),
            types=tuple(types.get(c.id, ())),
        )
        for c in categories
    )
    total = ZERO
    for c in per_category:
        total = add_counts(total, c.counts)
    return ShowSales(
        show_id=show.id,
        starts_at=show.starts_at,
        status=show.status,
        currency=categories[0].currency if categories else "EUR",
        counts=total,
        categories=per_category,
    )


def _type_sales(session: Session, show_id: int) -> dict[int, list[TypeSales]]:
    """Live tickets and revenue per category and ticket type (by the name sold under)."""
    per_category: dict[int, list[TypeSales]] = {}
    for category_id, name, sold, revenue in session.exec(
        select(
            ShowSeat.category_id,
            Ticket.ticket_type,
            func.count(Ticket.id),
            func.sum(Ticket.price_cents),
        )
        .join(ShowSeat, ShowSeat.id == Ticket.show_seat_id)
        .outerjoin(TicketType, TicketType.id == Ticket.ticket_type_id)
        .where(ShowSeat.show_id == show_id, Ticket.live.is_(True))
        .group_by(ShowSeat.category_id, Ticket.ticket_type)
        .order_by(ShowSeat.category_id, func.min(TicketType.sort_order), Ticket.ticket_type)
    ).all():
        per_category.setdefault(category_id, []).append(
            TypeSales(name=name, sold=sold, revenue_cents=int(revenue or 0))
        )
    return per_category


def show_sales(
    show_id: int, *, actor: Actor, now: datetime | None = None, db: Engine | None = None
) -> ShowSales:
    """Sold/held/available/blocked places and revenue of one show, overall and per category."""
    now = moment(now)

    def work(session: Session) -> ShowSales:
        show, _ = managed_show(session, show_id, actor)
        return sales_of_show(session, show, now)

    return run(db, work)


def _event_sales(session: Session, event: Event, now: datetime) -> EventSales:
    shows = session.exec(
        select(Show).where(Show.event_id == event.id).order_by(Show.starts_at, Show.id)
    ).all()
    per_show = tuple(sales_of_show(session, show, now) for show in shows)
    total = ZERO
    for s in per_show:
        total = add_counts(total, s.counts)
    return EventSales(
        event_id=event.id,
        title=event.title,
        currency=per_show[0].currency if per_show else "EUR",
        counts=total,
        shows=per_show,
    )


def event_sales(
    event_id: int, *, actor: Actor, now: datetime | None = None, db: Engine | None = None
) -> EventSales:
    """The same figures for every show of an event, and their sum."""
    now = moment(now)
    return run(
        db, lambda session: _event_sales(session, managed_event(session, event_id, actor), now)
    )


def bookings_query(
    event_id: int, *, show_id: int | None = None, status: str | None = None, search: str = ""
):
    """An event's bookings matching the filter, newest first: (Booking, starts_at, tickets,
    the event's time zone).

    `search` matches the booking code, the buyer's name or e-mail (case-insensitive). The
    screen pages through it (`event_bookings`); the CSV export reads it whole.
    """
    tickets = (
        select(func.count(Ticket.id))
        .where(Ticket.booking_id == Booking.id)
        .correlate(Booking)
        .scalar_subquery()
    )
    query = (
        select(Booking, Show.starts_at, tickets, Event.timezone)
        .join(Show, Show.id == Booking.show_id)
        .join(Event, Event.id == Show.event_id)
        .where(Show.event_id == event_id)
    )
    if show_id is not None:
        query = query.where(Booking.show_id == show_id)
    if status:
        query = query.where(Booking.status == status)
    text = search.strip().lower()
    if text:
        query = query.where(
            or_(
                func.lower(Booking.code).contains(text, autoescape=True),
                func.lower(Booking.buyer_name).contains(text, autoescape=True),
                func.lower(Booking.buyer_email).contains(text, autoescape=True),
            )
        )
    return query


def newest_first(query):
    return query.order_by(Booking.created_at.desc(), Booking.id.desc())


def booking_rows(rows) -> list[BookingRow]:
    return [
        BookingRow(
            id=b.id,
            code=b.code,
            show_id=b.show_id,
            starts_at=starts_at,
            user_id=b.user_id,
            buyer_name=b.buyer_name,
            buyer_email=b.buyer_email,
            status=b.status,
            ticket_count=count,
            total_cents=b.total_cents,
            currency=b.currency,
            created_at=b.created_at,
            cancelled_at=b.cancelled_at,
            timezone=zone,
            promo_code=b.promo_code,
            discount_cents=b.discount_cents,
        )
        for b, starts_at, count, zone in rows
    ]


def event_bookings(
    event_id: int,
    *,
    actor: Actor,
    show_id: int | None = None,
    status: str | None = None,
    search: str = "",
    limit: int = 50,
    offset: int = 0,
    db: Engine | None = None,
) -> tuple[list[BookingRow], int]:
    """One page of an event's bookings, newest first, and how many match in all."""
    limit = max(1, min(int(limit), 500))
    offset = max(0, int(offset))

    def work(session: Session) -> tuple[list[BookingRow], int]:
        managed_event(session, event_id, actor)
        query = bookings_query(event_id, show_id=show_id, status=status, search=search)
        total = session.exec(select(func.count()).select_from(query.subquery())).one()
        page = session.exec(newest_first(query).limit(limit).offset(offset)).all()
        return booking_rows(page), total

    return run(db, work)


def daily_sales(session: Session, booking_filter: Any) -> tuple[DailySales, ...]:
    """Confirmed bookings, live tickets and revenue per UTC day of the bookings matching
    `booking_filter` (a condition on Booking and Show), oldest day first."""
    tickets = (
        select(func.count(Ticket.id))
        .where(Ticket.booking_id == Booking.id, Ticket.live.is_(True))
        .correlate(Booking)
        .scalar_subquery()
    )
    rows = session.exec(
        select(Booking.created_at, Booking.total_cents, tickets)
        .join(Show, Show.id == Booking.show_id)
        .where(booking_filter, Booking.status == BookingStatus.CONFIRMED)
    ).all()
    days: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
    for created_at, total_cents, count in rows:
        day = days[created_at.date()]
        day[0] += 1
        day[1] += count
        day[2] += total_cents
    return tuple(DailySales(day, *values) for day, values in sorted(days.items()))


def sales_over_time(event_id: int, *, actor: Actor, db: Engine | None = None) -> list[DailySales]:
    """An event's confirmed bookings, tickets and revenue per UTC day, oldest day first."""

    def work(session: Session) -> list[DailySales]:
        managed_event(session, event_id, actor)
        return list(daily_sales(session, Show.event_id == event_id))

    return run(db, work)


def _count_bookings(session: Session, event_id: int, status: str | None = None) -> int:
    query = bookings_query(event_id, status=status)
    return session.exec(select(func.count()).select_from(query.subquery())).one()


def event_report(
    event_id: int, *, actor: Actor, now: datetime | None = None, db: Engine | None = None
) -> EventReport:
    """An event's figures per show and category, and its sales per day — for its organizer."""
    now = moment(now)

    def work(session: Session) -> EventReport:
        event = managed_event(session, event_id, actor)
        sales = _event_sales(session, event, now)
        lines: dict[str, list[int]] = {}
        counts = ZERO
        for show in sales.shows:
            if show.status == ShowStatus.CANCELLED:
                continue
            counts = add_counts(counts, show.counts)
            for c in show.categories:
                line = lines.setdefault(c.name, [0, 0, 0])
                line[0] += c.counts.total - c.counts.blocked
                line[1] += c.counts.sold
                line[2] += c.counts.revenue_cents
        return EventReport(
            sales=sales,
            counts=counts,
            daily=daily_sales(session, Show.event_id == event_id),
            categories=tuple(
                CategoryTotal(name, sales.currency, places, sold, money)
                for name, (places, sold, money) in lines.items()
            ),
            bookings=_count_bookings(session, event_id),
            live_bookings=_count_bookings(session, event_id, BookingStatus.CONFIRMED),
        )

    return run(db, work)
