"""Events: creating, changing, publishing, deleting and cancelling them.

Invariants:
- An event's fields follow one rule set (`_clean_event_fields`) for create and update; its
  status moves draft <-> published through `update_event` and to cancelled only through
  `cancel_event`, which is final.
- Back to draft is refused while the event has confirmed bookings (their holders must still
  find the event they paid for); delete is refused once anything was ever sold (any booking,
  cancelled ones included, is a sales record) — a booking confirmed while we delete makes the
  delete fail on a foreign key, which is that same conflict, not a crash.
- Cancelling an event cancels every show of it that has not started, with all their bookings,
  in one transaction (`shows.cancel_shows_with_bookings`); shows that have started keep
  theirs (they took place).
- Only organizers create events; only an event's organizer, or an admin, changes it (`access`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ticketapp.booking._tx import moment, run
from ticketapp.booking.access import Actor, managed_by, require_manager, require_organizer
from ticketapp.booking.errors import Conflict, InvalidRequest, NotFound
from ticketapp.booking.results import Cancellation, EventDetails, from_row
from ticketapp.booking.search import fold, search_text
from ticketapp.booking.shows import cancel_shows_with_bookings
from ticketapp.models import (
    Booking,
    BookingStatus,
    Event,
    EventStatus,
    Hold,
    PriceCategory,
    Show,
    ShowSeat,
    ShowStatus,
)
from ticketapp.timezones import DEFAULT_ZONE, TimeZoneError, check_zone

EVENT_STATUSES = (EventStatus.DRAFT, EventStatus.PUBLISHED)  # what the doors may set
EDITABLE_EVENT_FIELDS = frozenset(
    {
        "title",
        "description",
        "venue_name",
        "venue_address",
        "category",
        "banner_url",
        "status",
        "timezone",
    }
)
EVENT_CANCELLED_REASON = "The event was cancelled by the organizer."
NOT_YOUR_EVENT = "You can only change your own events and layouts."


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
    if "timezone" in out:
        try:
            out["timezone"] = check_zone(out["timezone"])
        except TimeZoneError as exc:
            raise InvalidRequest(exc.message, "timezone") from None
    if "status" in out and out["status"] not in EVENT_STATUSES:
        raise InvalidRequest("Status must be draft or published.", "status")
    return out


def create_event(
    actor: Actor,
    title: str,
    venue_name: str,
    *,
    description: str = "",
    venue_address: str = "",
    category: str = "other",
    banner_url: str = "",
    status: str = EventStatus.DRAFT,
    timezone: str = DEFAULT_ZONE,
    db: Engine | None = None,
) -> EventDetails:
    """A new event organized by `actor` (a draft unless said otherwise), its times read on
    the venue's clock (`timezone`, an IANA name)."""
    require_organizer(actor)
    fields = _clean_event_fields(
        {
            "title": title,
            "venue_name": venue_name,
            "description": description,
            "venue_address": venue_address,
            "category": category,
            "banner_url": banner_url,
            "status": status,
            "timezone": timezone,
        }
    )

    def work(session: Session) -> EventDetails:
        event = Event(organizer_id=actor.id, **fields)
        _index_for_search(event)
        session.add(event)
        session.flush()
        return from_row(EventDetails, event)

    return run(db, work)


def _index_for_search(event: Event) -> None:
    """The folded copies search matches (`booking.search`), from the event's own fields."""
    event.search_text = search_text(event.title, event.venue_name, event.description)
    event.venue_search = fold(event.venue_name)


def _bookings_exist(session: Session, event_id: int, *, live_only: bool) -> bool:
    query = (
        select(func.count(Booking.id))
        .join(Show, Show.id == Booking.show_id)
        .where(Show.event_id == event_id)
    )
    if live_only:
        query = query.where(Booking.status == BookingStatus.CONFIRMED)
    return session.exec(query).one() > 0


def list_organizer_events(actor: Actor, *, db: Engine | None = None) -> list[EventDetails]:
    """Every event the actor organizes, drafts included, newest first (admins: all)."""
    require_organizer(actor)
    query = (
        select(Event)
        .where(managed_by(actor, Event.organizer_id))
        .order_by(Event.created_at.desc(), Event.id.desc())
    )
    return run(db, lambda session: [from_row(EventDetails, e) for e in session.exec(query)])


def _managed_event(session: Session, event_id: int, actor: Actor, *, lock: bool = False) -> Event:
    query = select(Event).where(Event.id == event_id)
    event = session.exec(query.with_for_update() if lock else query).first()
    if event is None:
        raise NotFound("No such event.")
    require_manager(actor, event.organizer_id, NOT_YOUR_EVENT)
    return event


def update_event(
    event_id: int, *, actor: Actor, db: Engine | None = None, **fields: Any
) -> EventDetails:
    """Change an event's fields; publishing is `status="published"` (see the module rules)."""
    fields = _clean_event_fields(fields)

    def work(session: Session) -> EventDetails:
        event = _managed_event(session, event_id, actor)
        if event.status == EventStatus.CANCELLED:
            raise Conflict("This event has been cancelled; it can no longer be changed.")
        unpublish = (
            event.status == EventStatus.PUBLISHED and fields.get("status") == EventStatus.DRAFT
        )
        if unpublish and _bookings_exist(session, event_id, live_only=True):
            raise Conflict("This event has bookings; it cannot go back to draft.")
        for name, value in fields.items():
            setattr(event, name, value)
        _index_for_search(event)
        session.add(event)
        session.flush()
        return from_row(EventDetails, event)

    return run(db, work)


def delete_event(event_id: int, *, actor: Actor, db: Engine | None = None) -> None:
    """Delete an event that never sold anything, with its shows, prices and inventory."""

    def work(session: Session) -> None:
        event = _managed_event(session, event_id, actor)
        if _bookings_exist(session, event_id, live_only=False):
            raise Conflict("This event has bookings and cannot be deleted.")
        show_ids = select(Show.id).where(Show.event_id == event_id)
        try:
            session.execute(delete(ShowSeat).where(ShowSeat.show_id.in_(show_ids)))
            session.execute(delete(Hold).where(Hold.show_id.in_(show_ids)))
            session.execute(delete(PriceCategory).where(PriceCategory.show_id.in_(show_ids)))
            session.execute(delete(Show).where(Show.event_id == event_id))
            session.delete(event)
            session.flush()
        except IntegrityError as exc:  # a booking confirmed meanwhile: a sales record now
            raise Conflict("This event has bookings and cannot be deleted.") from exc

    run(db, work)


def cancel_event(
    event_id: int,
    *,
    actor: Actor,
    reason: str = "",
    now: datetime | None = None,
    db: Engine | None = None,
) -> Cancellation:
    """Cancel an event: every show of it that has not started, with all their bookings.

    The event leaves the catalogue for good; cancelling it again changes nothing and cancels
    nothing.
    """
    now = moment(now)

    def work(session: Session) -> Cancellation:
        event = _managed_event(session, event_id, actor, lock=True)
        if event.status == EventStatus.CANCELLED:
            return Cancellation(event.id, (), ())
        show_ids = list(
            session.exec(
                select(Show.id)
                .where(
                    Show.event_id == event_id,
                    Show.status == ShowStatus.SCHEDULED,
                    Show.starts_at > now,
                )
                .order_by(Show.id)
            ).all()
        )
        event.status = EventStatus.CANCELLED  # first: the buyers' mails say the event is off
        session.add(event)
        session.flush()
        views = cancel_shows_with_bookings(session, show_ids, reason or EVENT_CANCELLED_REASON, now)
        return Cancellation(event.id, tuple(show_ids), tuple(views))

    return run(db, work)
