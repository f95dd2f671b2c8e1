"""Showtimes: creating one with its inventory, the one rule set for changing it, cancelling.

Invariants:
- Creating a show materializes its inventory in the same transaction: one `ShowSeat` per
  layout seat and one per standing place, each tied to the show's price category of its
  section. From then on every sale is a row-level operation on exactly the places involved,
  and only a layout change brought in line by `layout_sync` reaches into the show.
- `edit_show` is the one rule set for changing a show, for both doors: a cancelled show (or
  a show of a cancelled event) is final — nothing changes, `status="scheduled"` does not
  reopen it; a live show with confirmed bookings is cancelled only through `cancel_show`.
- A price change applies to sales from then on (a ticket keeps the price it was sold at) and
  bumps the show's inventory version, so cached seat-map layouts carrying prices are
  fetched again.
- Cancelling a show — or an event, i.e. every show of it that has not started — cancels every
  confirmed booking of that show in the same transaction: the tickets die, the places go back
  to available, live holds are released and the show sells nothing more. Each of those
  buyers' "show cancelled" mail goes into the outbox in that same transaction
  (`outbox.enqueue_booking_mail`, one per booking, never one for a rolled-back cancel); the
  result names exactly the bookings this call cancelled.
- Only the event's organizer, or an admin, creates, changes or cancels its shows (`access`).

Why the SQL of a cancel is shaped so: it first locks the show's confirmed bookings (FOR NO KEY
UPDATE, in id order — the lock a customer's own cancel takes first, so the two queue instead of
deadlocking), then every place of the show in id order (the order every claim locks in). A
confirm racing the cancel has either booked its seats already — the booking is then found
through them — or finds its held seats released and fails as expired. A claim that read the
show as on sale just before the cancel committed may still hold places, but no confirm can
turn them into a booking: it re-reads the show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ticketapp import settings as config
from ticketapp.booking import outbox, pricing
from ticketapp.booking._tx import moment, run
from ticketapp.booking.access import (
    Actor,
    require_manager,
)
from ticketapp.booking.bookings import booking_views
from ticketapp.booking.errors import Conflict, InvalidRequest, NotAllowed, NotFound
from ticketapp.booking.inventory import (
    load_show,
)
from ticketapp.booking.layout_plans import category_color, seat_label
from ticketapp.booking.layout_sync import bring_show_in_line
from ticketapp.booking.results import (
    BookingView,
    Cancellation,
    PriceInfo,
    ShowDefaults,
    ShowDetails,
    from_row,
)
from ticketapp.models import (
    Booking,
    BookingStatus,
    Event,
    EventStatus,
    Hold,
    HoldStatus,
    Layout,
    LayoutSeat,
    LayoutSection,
    PriceCategory,
    SeatStatus,
    Show,
    ShowSeat,
    ShowStatus,
    Ticket,
)


@dataclass(frozen=True)
class PriceSpec:
    name: str
    price_cents: int
    currency: str = "EUR"
    rank: int = 0
    color: str = "#3b82f6"
    # Not for sale to the public (`hidden_categories`); None when editing: leave it as it is.
    hidden: bool | None = None


def new_show_defaults() -> ShowDefaults:
    """What a new show gets unless its organizer says otherwise (read at call time, so a
    test or a reconfigured process sees the current settings)."""
    current = config.settings
    return ShowDefaults(current.hold_seconds, current.max_seats_per_customer)


def create_show(
    event_id: int,
    starts_at: datetime,
    layout_id: int,
    prices: list[PriceSpec],
    *,
    actor: Actor,
    sales_open_at: datetime | None = None,
    sales_close_at: datetime | None = None,
    hold_seconds: int | None = None,
    max_seats_per_customer: int | None = None,
    now: datetime | None = None,
    db: Engine | None = None,
) -> ShowDetails:
    """Create a showtime and materialize its inventory in the same transaction.

    Hold time and seat cap not given are the deployment's defaults (`HOLD_SECONDS`,
    `MAX_SEATS_PER_CUSTOMER`, see `new_show_defaults`).
    """
    now = moment(now)
    defaults = new_show_defaults()
    if hold_seconds is None:
        hold_seconds = defaults.hold_seconds
    if max_seats_per_customer is None:
        max_seats_per_customer = defaults.max_seats_per_customer
    if starts_at <= now:
        raise InvalidRequest("The show must start in the future.", "starts_at")
    if hold_seconds < 5 or max_seats_per_customer < 1:
        raise InvalidRequest("Hold time and seat cap must be positive.")
    if any(p.price_cents < 0 for p in prices):
        raise InvalidRequest("Prices must be zero or more.", "prices")
    by_name = {p.name: p for p in prices}

    def work(session: Session) -> ShowDetails:
        event = session.get(Event, event_id)
        if event is None:
            raise NotFound("No such event.")
        require_manager(actor, event.organizer_id)
        if event.status == EventStatus.CANCELLED:
            raise Conflict("This event has been cancelled; it cannot get new shows.")
        _shared_layout(session, layout_id, actor, event)
        sections = session.exec(
            select(LayoutSection).where(LayoutSection.layout_id == layout_id)
        ).all()
        missing = sorted({s.category for s in sections} - by_name.keys())
        if missing:
            raise InvalidRequest(f"Missing price for: {', '.join(missing)}.", "prices")
        show = Show(
            event_id=event_id,
            layout_id=layout_id,
            starts_at=starts_at,
            sales_open_at=sales_open_at,
            sales_close_at=sales_close_at or starts_at,
            hold_seconds=hold_seconds,
            max_seats_per_customer=max_seats_per_customer,
        )
        session.add(show)
        session.flush()
        category_ids = {}
        for p in prices:
            cat = PriceCategory(
                show_id=show.id,
                name=p.name,
                price_cents=p.price_cents,
                currency=p.currency,
                rank=p.rank,
                color=p.color,
                hidden=bool(p.hidden),
            )
            session.add(cat)
            session.flush()
            category_ids[p.name] = cat.id
        _materialize(session, show.id, layout_id, sections, category_ids)
        session.flush()
        return from_row(ShowDetails, show)

    return run(db, work)


def _shared_layout(session: Session, layout_id: int, actor: Actor, event: Event) -> Layout:
    """The layout a show of `event` is to use, read FOR SHARE: a layout edit (which locks the
    layout FOR UPDATE and then updates the shows using it) either finishes before we read it
    or waits for this show. It must be the event organizer's own (an admin may use any)."""
    layout = session.exec(
        select(Layout).where(Layout.id == layout_id).with_for_update(read=True)
    ).first()
    if layout is None:
        raise NotFound("No such layout.")
    if not actor.is_admin and layout.organizer_id != event.organizer_id:
        raise NotAllowed("You can only use your own layouts.")
    return layout


def _materialize(
    session: Session,
    show_id: int,
    layout_id: int,
    sections: list[LayoutSection],
    category_ids: dict[str, int],
) -> None:
    rows = []
    section_by_id = {s.id: s for s in sections}
    for seat in session.exec(select(LayoutSeat).where(LayoutSeat.layout_id == layout_id)):
        section = section_by_id[seat.section_id]
        rows.append(
            {
                "show_id": show_id,
                "category_id": category_ids[section.category],
                "section": section.name,
                "row_label": seat.row_label,
                "number": seat.number,
                "x": seat.x,
                "y": seat.y,
                "label": seat_label(section.name, seat.row_label, seat.number, False),
                "accessible": seat.accessible,
                "companion": seat.companion,
                "is_general_admission": False,
                "status": SeatStatus.BLOCKED if seat.blocked else SeatStatus.AVAILABLE,
                "version": 0,
            }
        )
    for section in sections:
        for number in range(1, section.capacity + 1) if section.is_general_admission else ():
            rows.append(
                {
                    "show_id": show_id,
                    "category_id": category_ids[section.category],
                    "section": section.name,
                    "row_label": "",
                    "number": number,
                    "x": None,
                    "y": None,
                    "label": seat_label(section.name, "", number, True),
                    "accessible": False,
                    "companion": False,
                    "is_general_admission": True,
                    "status": SeatStatus.AVAILABLE,
                    "version": 0,
                }
            )
    for start in range(0, len(rows), 5000):
        session.execute(insert(ShowSeat), rows[start : start + 5000])


SHOW_STATUSES = tuple(ShowStatus)

EDITABLE_SHOW_FIELDS = frozenset(
    {
        "starts_at",
        "sales_open_at",
        "sales_close_at",
        "hold_seconds",
        "max_seats_per_customer",
        "status",
    }
)


def clean_show_fields(fields: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The rules for a show's own fields, checked before any database work."""
    unknown = sorted(fields.keys() - EDITABLE_SHOW_FIELDS)
    if unknown:
        raise InvalidRequest(f"Unknown show field: {', '.join(unknown)}.", unknown[0])
    if "starts_at" in fields and (fields["starts_at"] is None or fields["starts_at"] <= now):
        raise InvalidRequest("The show must start in the future.", "starts_at")
    if fields.get("hold_seconds", 5) is None or fields.get("hold_seconds", 5) < 5:
        raise InvalidRequest("Hold time must be at least 5 seconds.", "hold_seconds")
    limit = fields.get("max_seats_per_customer", 1)
    if limit is None or limit < 1:
        raise InvalidRequest("The seat cap must be at least 1.", "max_seats_per_customer")
    if "status" in fields and fields["status"] not in SHOW_STATUSES:
        raise InvalidRequest("Status must be scheduled or cancelled.", "status")
    return dict(fields)


def apply_show_fields(session: Session, show: Show, fields: dict[str, Any]) -> None:
    """Set cleaned fields on a show the caller may manage (see `clean_show_fields`)."""
    if fields.get("status") == ShowStatus.CANCELLED and show.status != ShowStatus.CANCELLED:
        live = session.exec(
            select(func.count(Booking.id)).where(
                Booking.show_id == show.id, Booking.status == BookingStatus.CONFIRMED
            )
        ).one()
        if live:
            raise Conflict("This show has bookings; cancel them before the show.")
    fields = dict(fields)
    if (
        "starts_at" in fields
        and "sales_close_at" not in fields
        and show.sales_close_at == show.starts_at
    ):
        fields["sales_close_at"] = fields["starts_at"]
    for name, value in fields.items():
        setattr(show, name, value)
    if show.sales_close_at is None:
        show.sales_close_at = show.starts_at
    if show.sales_open_at and show.sales_close_at and show.sales_open_at >= show.sales_close_at:
        raise InvalidRequest("Sales must open before they close.", "sales_open_at")
    session.add(show)


SHOW_CANCELLED_REASON = "The show was cancelled by the organizer."


def cancel_shows_with_bookings(
    session: Session, show_ids: list[int], reason: str, now: datetime
) -> list[BookingView]:
    """Cancel these shows and every confirmed booking of them (see the module docstring)."""
    if not show_ids:
        return []
    bookings = list(
        session.exec(
            select(Booking)
            .where(Booking.show_id.in_(show_ids), Booking.status == BookingStatus.CONFIRMED)
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
            .where(Booking.id.in_(late), Booking.status == BookingStatus.CONFIRMED)
            .with_for_update(key_share=True)
        ).all()
    pricing.release_in(session, bookings)  # while their tickets are still live
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
        .where(Hold.show_id.in_(show_ids), Hold.status == HoldStatus.ACTIVE)
        .values(status=HoldStatus.RELEASED)
        .execution_options(synchronize_session=False)
    )
    for booking in bookings:
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
        booking.cancel_reason = reason.strip()[:500]
        session.add(booking)
    session.exec(
        update(Show)
        .where(Show.id.in_(show_ids))
        .values(status=ShowStatus.CANCELLED)
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
    actor: Actor,
    reason: str = "",
    now: datetime | None = None,
    db: Engine | None = None,
) -> Cancellation:
    """Cancel a show that has not started, with all its bookings (idempotent)."""
    now = moment(now)

    def work(session: Session) -> Cancellation:
        show, event = load_show(session, show_id)
        require_manager(actor, event.organizer_id)
        if show.status == ShowStatus.CANCELLED:
            return Cancellation(event.id, (), ())
        if show.starts_at <= now:
            raise Conflict("This show has already started; it can no longer be cancelled.")
        views = cancel_shows_with_bookings(session, [show.id], reason or SHOW_CANCELLED_REASON, now)
        return Cancellation(event.id, (show.id,), tuple(views))

    return run(db, work)


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
    if any(
        spec.hidden is not None
        and spec.name.strip() in existing
        and existing[spec.name.strip()].hidden != spec.hidden
        for spec in prices
    ):
        _category_shown_or_hidden(session, show)
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
                hidden=bool(spec.hidden),
            )
            existing[category.name] = category
        else:
            category.price_cents = spec.price_cents
            if spec.hidden is not None:
                category.hidden = spec.hidden
        session.add(category)
    session.flush()


def _category_shown_or_hidden(session: Session, show: Show) -> None:
    """A category turned hidden or public: the seat map's cached layout carries the flag, so
    the show's inventory version moves; and one seat row is touched so that the seat-change
    NOTIFY (or SQLite's poll) wakes every open map to read the new statuses at once."""
    show.inventory_version += 1
    session.add(show)
    first = select(func.min(ShowSeat.id)).where(ShowSeat.show_id == show.id).scalar_subquery()
    session.exec(
        update(ShowSeat)
        .where(ShowSeat.id == first)
        .values(version=ShowSeat.version + 1)
        .execution_options(synchronize_session=False)
    )


def set_category_hidden(
    category_id: int, hidden: bool, *, actor: Actor, db: Engine | None = None
) -> PriceInfo:
    """Hide a show's price category from public sale, or open it again (see
    `hidden_categories`). Places already held or sold stay as they are."""

    def work(session: Session) -> PriceInfo:
        category = session.get(PriceCategory, category_id)
        if category is None:
            raise NotFound("No such price category.")
        show, event = load_show(session, category.show_id)
        require_manager(actor, event.organizer_id)
        if event.status == EventStatus.CANCELLED or show.status == ShowStatus.CANCELLED:
            raise Conflict(
                "This show has been cancelled; it stays cancelled and cannot be changed."
            )
        if category.hidden != hidden:
            category.hidden = hidden
            session.add(category)
            _category_shown_or_hidden(session, show)
            session.flush()
        return from_row(PriceInfo, category)

    return run(db, work)


def edit_show(
    show_id: int,
    *,
    actor: Actor,
    prices: list[PriceSpec] | None = None,
    layout_id: int | None = None,
    now: datetime | None = None,
    db: Engine | None = None,
    **fields: Any,
) -> ShowDetails:
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

    def work(session: Session) -> ShowDetails:
        show, event = load_show(session, show_id)
        require_manager(actor, event.organizer_id)
        if event.status == EventStatus.CANCELLED or show.status == ShowStatus.CANCELLED:
            if fields == {"status": ShowStatus.CANCELLED} and not prices and layout_id is None:
                return from_row(ShowDetails, show)
            raise Conflict(
                "This show has been cancelled; it stays cancelled and cannot be changed."
            )
        if prices:
            _set_prices(session, show, prices)
        apply_show_fields(session, show, fields)
        if layout_id is not None and layout_id != show.layout_id:
            _shared_layout(session, layout_id, actor, event)
            bring_show_in_line(session, show, layout_id, now)
            show.layout_id = layout_id
            session.add(show)
        session.flush()
        return from_row(ShowDetails, show)

    return run(db, work)
