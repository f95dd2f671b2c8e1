"""Layouts, events and shows: what there is to sell.

Creating a show materializes its inventory: one `ShowSeat` per layout seat and one per
general-admission place, each tied to the show's price category of its section. From then on
every sale is a row-level operation on exactly the places involved, and a layout edit never
reaches into a show that already exists (the show keeps its snapshot).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, or_
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ticketapp import settings as config
from ticketapp.booking.errors import Conflict, InvalidRequest, NotAllowed, NotFound
from ticketapp.booking.inventory import sellable
from ticketapp.db import session_scope
from ticketapp.models import (
    Booking,
    Event,
    Hold,
    Layout,
    LayoutSeat,
    LayoutSection,
    PriceCategory,
    Role,
    SeatStatus,
    Show,
    ShowSeat,
    utcnow,
)


@dataclass(frozen=True)
class SeatSpec:
    row_label: str
    number: int
    x: int
    y: int
    accessible: bool = False
    companion: bool = False
    blocked: bool = False


@dataclass
class SectionSpec:
    name: str
    category: str
    seats: list[SeatSpec] = field(default_factory=list)
    general_admission_capacity: int = 0


@dataclass(frozen=True)
class PriceSpec:
    name: str
    price_cents: int
    currency: str = "EUR"
    rank: int = 0
    color: str = "#3b82f6"


def row_labels(count: int) -> list[str]:
    """A, B, ... Z, AA, AB, ... — the way halls letter their rows."""
    labels = []
    for i in range(count):
        label, n = "", i
        while True:
            label = chr(ord("A") + n % 26) + label
            n = n // 26 - 1
            if n < 0:
                break
        labels.append(label)
    return labels


def grid_section(
    name: str,
    category: str,
    rows: list[str],
    seats_per_row: int,
    *,
    x0: int = 0,
    y0: int = 0,
    aisles_after: tuple[int, ...] = (),
    accessible: set[tuple[str, int]] | None = None,
    companion: set[tuple[str, int]] | None = None,
    blocked: set[tuple[str, int]] | None = None,
) -> SectionSpec:
    """A rectangular block of seats; `aisles_after` leaves an empty column after seat n."""
    accessible, companion, blocked = accessible or set(), companion or set(), blocked or set()
    seats = []
    for dy, row in enumerate(rows):
        x = x0
        for number in range(1, seats_per_row + 1):
            key = (row, number)
            seats.append(
                SeatSpec(
                    row, number, x, y0 + dy, key in accessible, key in companion, key in blocked
                )
            )
            x += 2 if number in aisles_after else 1
    return SectionSpec(name=name, category=category, seats=seats)


def _check_organizer(actor_id: int, actor_role: str, owner_id: int) -> None:
    if actor_role != Role.ADMIN and actor_id != owner_id:
        raise NotAllowed("You can only change your own events and layouts.")


def create_layout(
    organizer_id: int, name: str, sections: list[SectionSpec], *, db: Engine | None = None
) -> int:
    name = clean_layout_name(name)
    _check_sections(sections)
    with session_scope(db) as session:
        layout = Layout(organizer_id=organizer_id, name=name)
        session.add(layout)
        session.flush()
        store_sections(session, layout.id, sections)
        return layout.id


def clean_layout_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidRequest("Layout name is required.", "name")
    if len(name) > 120:
        raise InvalidRequest("Layout name is too long (120 characters at most).", "name")
    return name


def _check_sections(sections: list[SectionSpec]) -> None:
    if not sections:
        raise InvalidRequest("A layout needs at least one section.", "sections")
    names = [s.name.strip() for s in sections]
    if any(not n for n in names) or len(set(names)) != len(names):
        raise InvalidRequest("Section names must be present and distinct.", "sections")
    for spec in sections:
        if spec.general_admission_capacity < 0:
            raise InvalidRequest("Capacity must be zero or more.", "capacity")
        if not spec.seats and spec.general_admission_capacity == 0:
            raise InvalidRequest(f"Section {spec.name} has no seats and no capacity.")


def store_sections(session: Session, layout_id: int, sections: list[SectionSpec]) -> None:
    """Write a layout's sections and seats (the layout row exists, its sections do not)."""
    for order, spec in enumerate(sections):
        section = LayoutSection(
            layout_id=layout_id,
            name=spec.name.strip(),
            category=spec.category.strip() or "Standard",
            is_general_admission=spec.general_admission_capacity > 0,
            capacity=spec.general_admission_capacity,
            sort_order=order,
        )
        session.add(section)
        session.flush()
        if spec.seats:
            session.execute(
                insert(LayoutSeat),
                [
                    {
                        "layout_id": layout_id,
                        "section_id": section.id,
                        "row_label": s.row_label,
                        "number": s.number,
                        "x": s.x,
                        "y": s.y,
                        "accessible": s.accessible,
                        "companion": s.companion,
                        "blocked": s.blocked,
                    }
                    for s in spec.seats
                ],
            )


EVENT_STATUSES = ("draft", "published")
EDITABLE_EVENT_FIELDS = frozenset(
    {"title", "description", "venue_name", "venue_address", "category", "banner_url", "status"}
)


def _clean_event_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The rules for an event's own fields, shared by create and update."""
    unknown = sorted(fields.keys() - EDITABLE_EVENT_FIELDS)
    if unknown:
        raise InvalidRequest(f"Unknown event field: {', '.join(unknown)}.", unknown[0])
    out = dict(fields)
    for name, label in (("title", "Title"), ("venue_name", "Venue")):
        if name in out:
            out[name] = (out[name] or "").strip()
            if not out[name]:
                raise InvalidRequest(f"{label} is required.", name)
    banner_url = out.get("banner_url") or ""
    if banner_url and not banner_url.startswith(("http://", "https://", "/")):
        raise InvalidRequest("Banner URL must start with http:// or https://.", "banner_url")
    if "category" in out:
        out["category"] = (out["category"] or "").strip().lower() or "other"
    if "status" in out and out["status"] not in EVENT_STATUSES:
        raise InvalidRequest("Status must be draft or published.", "status")
    return out


def create_event(
    organizer_id: int,
    title: str,
    venue_name: str,
    *,
    description: str = "",
    venue_address: str = "",
    category: str = "other",
    banner_url: str = "",
    status: str = "draft",
    db: Engine | None = None,
) -> Event:
    fields = _clean_event_fields(
        {
            "title": title,
            "venue_name": venue_name,
            "description": description,
            "venue_address": venue_address,
            "category": category,
            "banner_url": banner_url,
            "status": status,
        }
    )
    with session_scope(db) as session:
        event = Event(organizer_id=organizer_id, **fields)
        session.add(event)
        session.flush()
        return event


def seat_label(section: str, row: str, number: int, ga: bool) -> str:
    return f"{section} place {number}" if ga else f"{section} row {row} seat {number}"


@dataclass(frozen=True)
class ShowDefaults:
    hold_seconds: int
    max_seats_per_customer: int


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
    actor_id: int,
    actor_role: str,
    sales_open_at: datetime | None = None,
    sales_close_at: datetime | None = None,
    hold_seconds: int | None = None,
    max_seats_per_customer: int | None = None,
    now: datetime | None = None,
    db: Engine | None = None,
) -> Show:
    """Create a showtime and materialize its inventory in the same transaction.

    Hold time and seat cap not given are the deployment's defaults (`HOLD_SECONDS`,
    `MAX_SEATS_PER_CUSTOMER`, see `new_show_defaults`).
    """
    now = now or utcnow()
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
    with session_scope(db) as session:
        event = session.get(Event, event_id)
        if event is None:
            raise NotFound("No such event.")
        _check_organizer(actor_id, actor_role, event.organizer_id)
        if event.status == "cancelled":
            raise Conflict("This event has been cancelled; it cannot get new shows.")
        # FOR SHARE: a layout edit (which locks the layout FOR UPDATE and then updates the
        # shows using it) either finishes before we read the layout or waits for this show.
        layout = session.exec(
            select(Layout).where(Layout.id == layout_id).with_for_update(read=True)
        ).first()
        if layout is None:
            raise NotFound("No such layout.")
        if actor_role != Role.ADMIN and layout.organizer_id != event.organizer_id:
            raise NotAllowed("You can only use your own layouts.")
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
            )
            session.add(cat)
            session.flush()
            category_ids[p.name] = cat.id
        _materialize(session, show.id, layout_id, sections, category_ids)
        return show


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


# --- browsing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventSummary:
    id: int
    title: str
    venue_name: str
    category: str
    banner_url: str
    next_show_at: datetime
    show_count: int
    price_from_cents: int | None
    currency: str
    places_total: int
    places_left: int

    @property
    def sold_out(self) -> bool:
        return self.places_total > 0 and self.places_left == 0

    @property
    def few_left(self) -> bool:
        return 0 < self.places_left <= max(10, self.places_total // 10)


def _contains(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with % and _ taken literally."""
    literal = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{literal}%"


def list_upcoming_events(
    *,
    now: datetime | None = None,
    text: str = "",
    category: str = "",
    venue: str = "",
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    limit: int = 12,
    offset: int = 0,
    db: Engine | None = None,
) -> tuple[list[EventSummary], int]:
    """Published events with a scheduled show still to come, soonest first, and the total."""
    now = now or utcnow()
    shows = select(Show.id).where(Show.status == "scheduled", Show.starts_at > now)
    if date_from:
        shows = shows.where(Show.starts_at >= date_from)
    if date_to:
        shows = shows.where(Show.starts_at < date_to)
    show_filter = Show.id.in_(shows)
    query = (
        select(
            Event.id,
            func.min(Show.starts_at).label("next_show_at"),
            func.count(func.distinct(Show.id)).label("show_count"),
        )
        .join(Show, Show.event_id == Event.id)
        .where(Event.status == "published", show_filter)
        .group_by(Event.id)
    )
    if text.strip():
        pattern = _contains(text)
        query = query.where(
            or_(
                func.lower(Event.title).like(pattern, escape="\\"),
                func.lower(Event.description).like(pattern, escape="\\"),
                func.lower(Event.venue_name).like(pattern, escape="\\"),
            )
        )
    if category.strip():
        query = query.where(Event.category == category.strip().lower())
    if venue.strip():
        query = query.where(func.lower(Event.venue_name).like(_contains(venue), escape="\\"))
    with session_scope(db) as session:
        total = session.exec(select(func.count()).select_from(query.subquery())).one()
        page = session.exec(
            query.order_by("next_show_at", Event.id).limit(limit).offset(offset)
        ).all()
        ids = [row[0] for row in page]
        if not ids:
            return [], total
        events = {e.id: e for e in session.exec(select(Event).where(Event.id.in_(ids)))}
        prices = dict(
            session.exec(
                select(Show.event_id, func.min(PriceCategory.price_cents))
                .join(PriceCategory, PriceCategory.show_id == Show.id)
                .where(Show.event_id.in_(ids), show_filter)
                .group_by(Show.event_id)
            ).all()
        )
        currencies = dict(
            session.exec(
                select(Show.event_id, func.min(PriceCategory.currency))
                .join(PriceCategory, PriceCategory.show_id == Show.id)
                .where(Show.event_id.in_(ids))
                .group_by(Show.event_id)
            ).all()
        )
        counts = {
            row[0]: (row[1], row[2])
            for row in session.exec(
                select(
                    Show.event_id,
                    func.count(ShowSeat.id).filter(ShowSeat.status != SeatStatus.BLOCKED),
                    func.count(ShowSeat.id).filter(sellable(now)),
                )
                .join(ShowSeat, ShowSeat.show_id == Show.id)
                .where(Show.event_id.in_(ids), show_filter)
                .group_by(Show.event_id)
            ).all()
        }
        summaries = []
        for event_id, next_show_at, show_count in page:
            event = events[event_id]
            total_places, left = counts.get(event_id, (0, 0))
            summaries.append(
                EventSummary(
                    id=event.id,
                    title=event.title,
                    venue_name=event.venue_name,
                    category=event.category,
                    banner_url=event.banner_url,
                    next_show_at=next_show_at,
                    show_count=show_count,
                    price_from_cents=prices.get(event_id),
                    currency=currencies.get(event_id, "EUR"),
                    places_total=total_places,
                    places_left=left,
                )
            )
        return summaries, total


def list_event_categories(*, db: Engine | None = None) -> list[str]:
    """Categories of published events, for the browse filter."""
    with session_scope(db) as session:
        return sorted(
            session.exec(select(Event.category).where(Event.status == "published").distinct()).all()
        )


# --- organizing: the organizer's side of events and shows ----------------------------------
# Doors (UI, API) call these and never touch Event/Show rows themselves: who may see a draft,
# who may edit, and when a change is refused (bookings exist) is decided here, once.


def _can_manage(viewer_id: int | None, viewer_role: str | None, owner_id: int) -> bool:
    return viewer_role == Role.ADMIN or (viewer_id is not None and viewer_id == owner_id)


def _visible_event(
    session: Session, event_id: int, viewer_id: int | None, viewer_role: str | None
) -> Event:
    """Published events are public; a draft exists only for its organizer (and admins)."""
    event = session.get(Event, event_id)
    if event is None or (
        event.status != "published" and not _can_manage(viewer_id, viewer_role, event.organizer_id)
    ):
        raise NotFound("No such event.")
    return event


def _bookings_exist(session: Session, event_id: int, *, live_only: bool) -> bool:
    query = (
        select(func.count(Booking.id))
        .join(Show, Show.id == Booking.show_id)
        .where(Show.event_id == event_id)
    )
    if live_only:
        query = query.where(Booking.status == "confirmed")
    return session.exec(query).one() > 0


def get_event(
    event_id: int,
    *,
    viewer_id: int | None = None,
    viewer_role: str | None = None,
    db: Engine | None = None,
) -> Event:
    with session_scope(db) as session:
        return _visible_event(session, event_id, viewer_id, viewer_role)


def show_for_organizer(
    show_id: int, *, actor_id: int, actor_role: str, db: Engine | None = None
) -> Show:
    """The show, if the actor organizes its event (or is an admin): the gate for its reports."""
    with session_scope(db) as session:
        show = session.get(Show, show_id)
        if show is None:
            raise NotFound("No such show.")
        event = session.get(Event, show.event_id)
        _check_organizer(actor_id, actor_role, event.organizer_id)
        return show


def list_organizer_events(
    actor_id: int, actor_role: str, *, db: Engine | None = None
) -> list[Event]:
    """Every event the actor organizes, drafts included, newest first (admins: all)."""
    query = select(Event).order_by(Event.created_at.desc(), Event.id.desc())
    if actor_role != Role.ADMIN:
        query = query.where(Event.organizer_id == actor_id)
    with session_scope(db) as session:
        return list(session.exec(query).all())


def update_event(
    event_id: int, *, actor_id: int, actor_role: str, db: Engine | None = None, **fields: Any
) -> Event:
    """Change an event's fields; publishing is `status="published"`.

    Back to draft is refused while the event has confirmed bookings: their holders must still
    find the event they paid for.
    """
    fields = _clean_event_fields(fields)
    with session_scope(db) as session:
        event = session.get(Event, event_id)
        if event is None:
            raise NotFound("No such event.")
        _check_organizer(actor_id, actor_role, event.organizer_id)
        if event.status == "cancelled":
            raise Conflict("This event has been cancelled; it can no longer be changed.")
        unpublish = event.status == "published" and fields.get("status") == "draft"
        if unpublish and _bookings_exist(session, event_id, live_only=True):
            raise Conflict("This event has bookings; it cannot go back to draft.")
        for name, value in fields.items():
            setattr(event, name, value)
        session.add(event)
        return event


def delete_event(
    event_id: int, *, actor_id: int, actor_role: str, db: Engine | None = None
) -> None:
    """Delete an event that never sold anything, with its shows, prices and inventory.

    Any booking, cancelled ones included, is a sales record and makes the event undeletable.
    A booking confirmed while we delete makes the delete fail on a foreign key: that is a
    conflict too, not a crash.
    """
    try:
        with session_scope(db) as session:
            event = session.get(Event, event_id)
            if event is None:
                raise NotFound("No such event.")
            _check_organizer(actor_id, actor_role, event.organizer_id)
            if _bookings_exist(session, event_id, live_only=False):
                raise Conflict("This event has bookings and cannot be deleted.")
            show_ids = select(Show.id).where(Show.event_id == event_id)
            session.execute(delete(ShowSeat).where(ShowSeat.show_id.in_(show_ids)))
            session.execute(delete(Hold).where(Hold.show_id.in_(show_ids)))
            session.execute(delete(PriceCategory).where(PriceCategory.show_id.in_(show_ids)))
            session.execute(delete(Show).where(Show.event_id == event_id))
            session.delete(event)
    except IntegrityError as exc:
        raise Conflict("This event has bookings and cannot be deleted.") from exc


@dataclass(frozen=True)
class ShowSummary:
    """A show with its prices and how many places are still for sale."""

    show: Show
    prices: list[PriceCategory]
    places_total: int
    places_left: int


def _show_summaries(session: Session, shows: list[Show], now: datetime) -> list[ShowSummary]:
    ids = [s.id for s in shows]
    if not ids:
        return []
    prices: dict[int, list[PriceCategory]] = {i: [] for i in ids}
    for cat in session.exec(
        select(PriceCategory)
        .where(PriceCategory.show_id.in_(ids))
        .order_by(PriceCategory.rank, PriceCategory.id)
    ):
        prices[cat.show_id].append(cat)
    counts = {
        row[0]: (row[1], row[2])
        for row in session.exec(
            select(
                ShowSeat.show_id,
                func.count(ShowSeat.id).filter(ShowSeat.status != SeatStatus.BLOCKED),
                func.count(ShowSeat.id).filter(sellable(now)),
            )
            .where(ShowSeat.show_id.in_(ids))
            .group_by(ShowSeat.show_id)
        ).all()
    }
    return [ShowSummary(s, prices[s.id], *counts.get(s.id, (0, 0))) for s in shows]


def list_event_shows(
    event_id: int,
    *,
    viewer_id: int | None = None,
    viewer_role: str | None = None,
    now: datetime | None = None,
    db: Engine | None = None,
) -> list[ShowSummary]:
    """All shows of a visible event, earliest first (past and cancelled ones included)."""
    with session_scope(db) as session:
        _visible_event(session, event_id, viewer_id, viewer_role)
        shows = session.exec(
            select(Show).where(Show.event_id == event_id).order_by(Show.starts_at, Show.id)
        ).all()
        return _show_summaries(session, list(shows), now or utcnow())


def get_show(
    show_id: int,
    *,
    viewer_id: int | None = None,
    viewer_role: str | None = None,
    now: datetime | None = None,
    db: Engine | None = None,
) -> ShowSummary:
    with session_scope(db) as session:
        show = session.get(Show, show_id)
        if show is None:
            raise NotFound("No such show.")
        try:
            _visible_event(session, show.event_id, viewer_id, viewer_role)
        except NotFound:
            raise NotFound("No such show.") from None
        return _show_summaries(session, [show], now or utcnow())[0]


SHOW_STATUSES = ("scheduled", "cancelled")
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
    if fields.get("status") == "cancelled" and show.status != "cancelled":
        live = session.exec(
            select(func.count(Booking.id)).where(
                Booking.show_id == show.id, Booking.status == "confirmed"
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
