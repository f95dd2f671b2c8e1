"""The organizer's side of events and shows: cancelling them with their bookings, editing a
showtime with its prices and layout, and the figures of the dashboard.

Invariants:
- Cancelling a show — or an event, i.e. every show of it that has not started — cancels every
  confirmed booking of that show in the same transaction: the tickets die, the places go back
  to available, live holds are released and the show sells nothing more. Each of those
  buyers' "show cancelled" mail goes into the outbox in that same transaction
  (`outbox.enqueue_booking_mail`, one per booking, never one for a rolled-back cancel); the
  result names exactly the bookings this call cancelled.
- Every function here asks who is calling: only the event's organizer, or an admin.

Why the SQL is shaped so: a cancel first locks the show's confirmed bookings (FOR NO KEY
UPDATE, in id order — the lock a customer's own cancel takes first, so the two queue instead of
deadlocking), then every place of the show in id order (the order every claim locks in). A
confirm racing the cancel has either booked its seats already — the booking is then found
through them — or finds its held seats released and fails as expired. A claim that read the
show as on sale just before the cancel committed may still hold places, but no confirm can
turn them into a booking: it re-reads the show.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import astuple, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ticketapp.booking import outbox
from ticketapp.booking._tx import moment, run
from ticketapp.booking.bookings import booking_views
from ticketapp.booking.catalog import (
    PriceSpec,
    apply_show_fields,
    clean_show_fields,
    show_for_organizer,
)
from ticketapp.booking.errors import Conflict, InvalidRequest, NotAllowed, NotFound
from ticketapp.booking.inventory import ACTIVE, RELEASED, held_live, load_show, sellable
from ticketapp.booking.layouts import bring_show_in_line, category_color
from ticketapp.booking.reports import (
    ensure_can_manage_event,
    event_bookings,
    event_sales,
    sales_over_time,
)
from ticketapp.booking.reports import show_sales as _show_sales
from ticketapp.booking.results import (
    BookingView,
    Cancellation,
    CategoryTotal,
    DailySales,
    EventSales,
    OrganizerEvent,
    OrganizerOverview,
    SalesCounts,
    ShowSales,
    UpcomingShow,
)
from ticketapp.models import (
    Booking,
    Event,
    Hold,
    Layout,
    PriceCategory,
    Role,
    SeatStatus,
    Show,
    ShowSeat,
    Ticket,
)

CONFIRMED, CANCELLED = "confirmed", "cancelled"
EVENT_CANCELLED_REASON = "The event was cancelled by the organizer."
SHOW_CANCELLED_REASON = "The show was cancelled by the organizer."


def _require_organizer(actor_role: str) -> None:
    if actor_role not in (Role.ORGANIZER, Role.ADMIN):
        raise NotAllowed("This needs an organizer account.")


def _check_manager(event: Event, actor_id: int, actor_role: str) -> None:
    if actor_role != Role.ADMIN and event.organizer_id != actor_id:
        raise NotAllowed("Only the event's organizer can do this.")


# --- cancelling ----------------------------------------------------------------------------


def _cancel_shows(
    session: Session, show_ids: list[int], reason: str, now: datetime
) -> list[BookingView]:
    """Cancel these shows and every confirmed booking of them (see the module docstring)."""
    if not show_ids:
        return []
    bookings = list(
        session.exec(
            select(Booking)
            .where(Booking.show_id.in_(show_ids), Booking.status == CONFIRMED)
            .order_by(Booking.id)
            .with_for_update(key_share=True)
        ).all()
    )
    places = session.exec(
        select(ShowSeat.id, ShowSeat.booking_id)
        .where(ShowSeat.show_id.in_(show_ids))
        .order_by(ShowSeat.id)
        .with_for_update()
    ).all()
    # A confirm that committed between our two reads shows up through its booked places.
    late = {b for _, b in places if b is not None} - {b.id for b in bookings}
    if late:
        bookings += session.exec(
            select(Booking)
            .where(Booking.id.in_(late), Booking.status == CONFIRMED)
            .with_for_update(key_share=True)
        ).all()
    ids = [b.id for b in bookings]
    for start in range(0, len(ids), 1000):
        session.exec(
            update(Ticket)
            .where(Ticket.booking_id.in_(ids[start : start + 1000]), Ticket.live.is_(True))
            .values(live=False)
            .execution_options(synchronize_session=False)
        )
    session.exec(
        update(ShowSeat)
        .where(
            ShowSeat.show_id.in_(show_ids),
            ShowSeat.status.in_([SeatStatus.BOOKED, SeatStatus.HELD]),
        )
        .values(
            status=SeatStatus.AVAILABLE,
            booking_id=None,
            hold_id=None,
            held_until=None,
            version=ShowSeat.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    session.exec(
        update(Hold)
        .where(Hold.show_id.in_(show_ids), Hold.status == ACTIVE)
        .values(status=RELEASED)
        .execution_options(synchronize_session=False)
    )
    for booking in bookings:
        booking.status = CANCELLED
        booking.cancelled_at = now
        booking.cancel_reason = reason.strip()[:500]
        session.add(booking)
    session.exec(
        update(Show)
        .where(Show.id.in_(show_ids))
        .values(status="cancelled")
        .execution_options(synchronize_session=False)
    )
    session.flush()
    views = booking_views(session, bookings)
    for view in views:
        outbox.enqueue_booking_mail(
            session, outbox.MailKind.SHOW_CANCELLED, view, now=now, reason=reason.strip()[:500]
        )
    return views


def cancel_show(
    show_id: int,
    *,
    actor_id: int,
    actor_role: str,
    reason: str = "",
    now: datetime | None = None,
    db: Engine | None = None,
) -> Cancellation:
    """Cancel a show that has not started, with all its bookings (idempotent)."""
    now = moment(now)

    def work(session: Session) -> Cancellation:
        show, event = load_show(session, show_id)
        _check_manager(event, actor_id, actor_role)
        if show.status == "cancelled":
            return Cancellation(event.id, (), ())
        if show.starts_at <= now:
            raise Conflict("This show has already started; it can no longer be cancelled.")
        views = _cancel_shows(session, [show.id], reason or SHOW_CANCELLED_REASON, now)
        return Cancellation(event.id, (show.id,), tuple(views))

    return run(db, work)


def cancel_event(
    event_id: int,
    *,
    actor_id: int,
    actor_role: str,
    reason: str = "",
    now: datetime | None = None,
    db: Engine | None = None,
) -> Cancellation:
    """Cancel an event: every show of it that has not started, with all their bookings.

    Shows that have already started keep their bookings (they took place). The event leaves
    the catalogue for good; cancelling it again changes nothing and cancels nothing.
    """
    now = moment(now)

    def work(session: Session) -> Cancellation:
        event = session.exec(select(Event).where(Event.id == event_id).with_for_update()).first()
        if event is None:
            raise NotFound("No such event.")
        _check_manager(event, actor_id, actor_role)
        if event.status == "cancelled":
            return Cancellation(event.id, (), ())
        show_ids = list(
            session.exec(
                select(Show.id)
                .where(Show.event_id == event_id, Show.status == "scheduled", Show.starts_at > now)
                .order_by(Show.id)
            ).all()
        )
        event.status = "cancelled"  # first: the buyers' mails say the event is off
        session.add(event)
        session.flush()
        views = _cancel_shows(session, show_ids, reason or EVENT_CANCELLED_REASON, now)
        return Cancellation(event.id, tuple(show_ids), tuple(views))

    return run(db, work)


# --- editing a showtime --------------------------------------------------------------------


def _check_prices(prices: list[PriceSpec]) -> None:
    names = [p.name.strip() for p in prices]
    if any(not n or len(n) > 60 for n in names):
        raise InvalidRequest("Every price needs a category name.", "prices")
    if len(set(names)) != len(names):
        raise InvalidRequest("Each category can have one price only.", "prices")
    if any(p.price_cents < 0 for p in prices):
        raise InvalidRequest("Prices must be zero or more.", "prices")


def _set_prices(session: Session, show: Show, prices: list[PriceSpec]) -> None:
    """Change the prices named, add new categories; a price change applies to sales from now
    on (a ticket keeps the price it was sold at).

    Any change bumps the show's inventory version: the seat map's layout carries the prices
    and is cached by that version (in each process and in browsers), so a stale price would
    otherwise be shown for as long as the cache lives.
    """
    existing = {
        c.name: c
        for c in session.exec(select(PriceCategory).where(PriceCategory.show_id == show.id))
    }
    if any(
        spec.name.strip() not in existing
        or existing[spec.name.strip()].price_cents != spec.price_cents
        for spec in prices
    ):
        show.inventory_version += 1
        session.add(show)
    for spec in prices:
        category = existing.get(spec.name.strip())
        if category is None:
            rank = len(existing)
            category = PriceCategory(
                show_id=show.id,
                name=spec.name.strip(),
                price_cents=spec.price_cents,
                currency=spec.currency,
                rank=rank,
                color=category_color(rank),
            )
            existing[category.name] = category
        else:
            category.price_cents = spec.price_cents
        session.add(category)
    session.flush()


def edit_show(
    show_id: int,
    *,
    actor_id: int,
    actor_role: str,
    prices: list[PriceSpec] | None = None,
    layout_id: int | None = None,
    now: datetime | None = None,
    db: Engine | None = None,
    **fields: Any,
) -> Show:
    """Change a show's start, sales window, hold time, seat cap, prices and layout at once —
    the one rule set both doors use.

    A cancelled show (or a show of a cancelled event) is final: nothing about it changes, and
    `status="scheduled"` does not bring it back (its buyers were refunded and told). Asking
    to cancel it again changes nothing. `status="cancelled"` on a live show is refused while
    it has confirmed bookings: `cancel_show` cancels a show together with its bookings, so
    every buyer can be told. A sales close left at its default (the start time) moves with
    the start. Moving a show to another layout brings its places in line with that layout
    under the rules of `layouts` (no sold or held place is removed; refused otherwise,
    naming them).
    """
    now = moment(now)
    fields = clean_show_fields(fields, now)
    if prices is not None:
        _check_prices(prices)

    def work(session: Session) -> Show:
        show, event = load_show(session, show_id)
        _check_manager(event, actor_id, actor_role)
        if event.status == "cancelled" or show.status == "cancelled":
            if fields == {"status": "cancelled"} and not prices and layout_id is None:
                return show
            raise Conflict("This show has been cancelled; it can no longer be changed.")
        if prices:
            _set_prices(session, show, prices)
        apply_show_fields(session, show, fields)
        if layout_id is not None and layout_id != show.layout_id:
            layout = session.exec(
                select(Layout).where(Layout.id == layout_id).with_for_update(read=True)
            ).first()
            if layout is None:
                raise NotFound("No such layout.")
            if actor_role != Role.ADMIN and layout.organizer_id != event.organizer_id:
                raise NotAllowed("You can only use your own layouts.")
            bring_show_in_line(session, show, layout_id, now)
            show.layout_id = layout_id
            session.add(show)
        session.flush()
        return show

    return run(db, work)


# --- the dashboard's figures -----------------------------------------------------------------


def _events_of(actor_id: int, actor_role: str):
    query = select(Event.id)
    if actor_role != Role.ADMIN:
        query = query.where(Event.organizer_id == actor_id)
    return query


def _add(a: SalesCounts, b: SalesCounts) -> SalesCounts:
    return SalesCounts(*(x + y for x, y in zip(astuple(a), astuple(b), strict=True)))


ZERO = SalesCounts(0, 0, 0, 0, 0, 0)


def _daily(session: Session, booking_filter: Any) -> tuple[DailySales, ...]:
    tickets = (
        select(func.count(Ticket.id))
        .where(Ticket.booking_id == Booking.id, Ticket.live.is_(True))
        .correlate(Booking)
        .scalar_subquery()
    )
    rows = session.exec(
        select(Booking.created_at, Booking.total_cents, tickets)
        .join(Show, Show.id == Booking.show_id)
        .where(booking_filter, Booking.status == CONFIRMED)
    ).all()
    # Grouped here, not in SQL: "the UTC day of a timestamp" is spelled differently by each
    # database (see reports.sales_over_time).
    days: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
    for created_at, total_cents, count in rows:
        day = days[created_at.date()]
        day[0] += 1
        day[1] += count
        day[2] += total_cents
    return tuple(DailySales(day, *values) for day, values in sorted(days.items()))


def organizer_overview(
    *,
    actor_id: int,
    actor_role: str,
    limit: int = 20,
    now: datetime | None = None,
    db: Engine | None = None,
) -> OrganizerOverview:
    """The organizer's upcoming shows (soonest first, at most `limit`) with sold / held /
    available places and revenue, their totals and price categories, and sales per day.

    Counts follow `reports`: "held" is a live hold at `now`, a hold past its time is available.
    """
    _require_organizer(actor_role)
    now = moment(now)

    def work(session: Session) -> OrganizerOverview:
        upcoming = (
            select(Show.id, Show.event_id, Event.title, Show.starts_at)
            .join(Event, Event.id == Show.event_id)
            .where(
                Show.event_id.in_(_events_of(actor_id, actor_role)),
                Event.status != "cancelled",
                Show.status == "scheduled",
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
            per_show[show_id] = _add(
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
            total = _add(total, counts_of_show)
        ranked = sorted(by_name.items(), key=lambda kv: (-kv[1][2], kv[0]))
        return OrganizerOverview(
            shows=tuple(
                UpcomingShow(show_id, event_id, title, starts_at, currency, per_show[show_id])
                for show_id, event_id, title, starts_at in shows[:limit]
            ),
            counts=total,
            categories=tuple(
                CategoryTotal(name, currency, places, sold, money)
                for name, (places, sold, money) in ranked
            ),
            daily=_daily(session, Show.event_id.in_(_events_of(actor_id, actor_role))),
            currency=currency,
        )

    return run(db, work)


def organizer_events(
    *, actor_id: int, actor_role: str, now: datetime | None = None, db: Engine | None = None
) -> list[OrganizerEvent]:
    """The organizer's events (admins: all), newest first, each with its headline figures."""
    _require_organizer(actor_role)
    now = moment(now)

    def work(session: Session) -> list[OrganizerEvent]:
        query = select(Event).order_by(Event.created_at.desc(), Event.id.desc())
        if actor_role != Role.ADMIN:
            query = query.where(Event.organizer_id == actor_id)
        events = session.exec(query).all()
        ids = [e.id for e in events]
        shows = {
            event_id: (count, next_at)
            for event_id, count, next_at in session.exec(
                select(
                    Show.event_id,
                    func.count(Show.id),
                    func.min(Show.starts_at).filter(
                        Show.status == "scheduled", Show.starts_at > now
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
                )
            )
        return rows

    return run(db, work)


@dataclass(frozen=True)
class EventReport:
    sales: EventSales  # every show, cancelled ones included
    counts: SalesCounts  # the shows that are not cancelled, together
    daily: tuple[DailySales, ...]
    categories: tuple[CategoryTotal, ...]  # the shows that are not cancelled
    bookings: int  # any status: one makes the event undeletable
    live_bookings: int  # confirmed: what cancelling the event would cancel (at most)


def event_report(
    event_id: int,
    *,
    actor_id: int,
    actor_role: str,
    now: datetime | None = None,
    db: Engine | None = None,
) -> EventReport:
    """An event's figures per show and category, and its sales per day — for its organizer."""
    now = moment(now)
    ensure_can_manage_event(event_id, actor_id=actor_id, actor_role=actor_role, db=db)
    sales = event_sales(event_id, now=now, db=db)
    lines: dict[str, list[int]] = {}
    counts = ZERO
    for show in sales.shows:
        if show.status == "cancelled":
            continue
        counts = _add(counts, show.counts)
        for c in show.categories:
            line = lines.setdefault(c.name, [0, 0, 0])
            line[0] += c.counts.total - c.counts.blocked
            line[1] += c.counts.sold
            line[2] += c.counts.revenue_cents
    return EventReport(
        sales=sales,
        counts=counts,
        daily=tuple(sales_over_time(event_id, db=db)),
        categories=tuple(
            CategoryTotal(name, sales.currency, places, sold, money)
            for name, (places, sold, money) in lines.items()
        ),
        bookings=event_bookings(event_id, limit=1, db=db)[1],
        live_bookings=event_bookings(event_id, status=CONFIRMED, limit=1, db=db)[1],
    )


def show_report(
    show_id: int,
    *,
    actor_id: int,
    actor_role: str,
    now: datetime | None = None,
    db: Engine | None = None,
) -> ShowSales:
    """One show's figures, for its event's organizer."""
    show_for_organizer(show_id, actor_id=actor_id, actor_role=actor_role, db=db)
    return _show_sales(show_id, now=now, db=db)
