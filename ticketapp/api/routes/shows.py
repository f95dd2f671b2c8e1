"""Shows: the showtimes of an event, their seat maps and live seat statuses.

The seat map is split the way the UI needs it: `/seat-map` is the static layout (positions,
labels, categories), `/seats` the compact live status of every seat, cheap to poll.
"""

from __future__ import annotations

from fastapi import APIRouter, status

from ticketapp import booking
from ticketapp.api.deps import OPTIONAL_AUTH, Db, EventId, Now, OptionalUser, OrganizerUser, ShowId
from ticketapp.api.schemas import (
    SeatMapOut,
    SeatStatusesOut,
    ShowCreateIn,
    ShowOut,
    ShowUpdateIn,
)
from ticketapp.booking import Actor

router = APIRouter(tags=["shows"])


def _viewer(user: Actor | None) -> dict[str, Actor | None]:
    return {"viewer": user}


@router.get("/events/{event_id:int}/shows", openapi_extra=OPTIONAL_AUTH)
def list_event_shows(event_id: EventId, db: Db, now: Now, viewer: OptionalUser) -> list[ShowOut]:
    """Every show of the event, earliest first, with prices and places left."""
    shows = booking.list_event_shows(event_id, now=now, db=db, **_viewer(viewer))
    return [ShowOut.of(s) for s in shows]


@router.post("/events/{event_id:int}/shows", status_code=status.HTTP_201_CREATED)
def create_show(
    event_id: EventId, body: ShowCreateIn, organizer: OrganizerUser, db: Db, now: Now
) -> ShowOut:
    """Add a showtime; its seats are copied from the layout, priced per section category."""
    show = booking.create_show(
        event_id,
        body.starts_at,
        body.layout_id,
        [booking.PriceSpec(**p.model_dump()) for p in body.prices],
        actor=booking.Actor.of(organizer),
        sales_open_at=body.sales_open_at,
        sales_close_at=body.sales_close_at,
        hold_seconds=body.hold_seconds,
        max_seats_per_customer=body.max_seats_per_customer,
        now=now,
        db=db,
    )
    return ShowOut.of(booking.get_show(show.id, now=now, db=db, **_viewer(organizer)))


@router.get("/shows/{show_id:int}", openapi_extra=OPTIONAL_AUTH)
def get_show(show_id: ShowId, db: Db, now: Now, viewer: OptionalUser) -> ShowOut:
    return ShowOut.of(booking.get_show(show_id, now=now, db=db, **_viewer(viewer)))


@router.patch("/shows/{show_id:int}")
def update_show(
    show_id: ShowId, body: ShowUpdateIn, organizer: OrganizerUser, db: Db, now: Now
) -> ShowOut:
    """Reschedule, change the sales window or limits, or cancel a show without bookings."""
    booking.edit_show(
        show_id,
        actor=booking.Actor.of(organizer),
        now=now,
        db=db,
        **body.model_dump(exclude_unset=True),
    )
    return ShowOut.of(booking.get_show(show_id, now=now, db=db, **_viewer(organizer)))


@router.get("/shows/{show_id:int}/seat-map", openapi_extra=OPTIONAL_AUTH)
def seat_map(show_id: ShowId, db: Db, viewer: OptionalUser) -> SeatMapOut:
    """The static seat map: sections, seats with grid positions, price categories."""
    booking.get_show(show_id, db=db, **_viewer(viewer))  # drafts stay private
    return SeatMapOut.of(booking.seat_map(show_id, db=db))


@router.get("/shows/{show_id:int}/seats", openapi_extra=OPTIONAL_AUTH)
def seat_statuses(show_id: ShowId, db: Db, now: Now, viewer: OptionalUser) -> SeatStatusesOut:
    """Live status per seat id: available, held, booked, blocked, `hidden` (available only to
    holders of an access code that unlocks its category) — and `mine` for your hold."""
    booking.get_show(show_id, now=now, db=db, **_viewer(viewer))
    statuses = booking.seat_statuses(
        show_id, viewer_id=viewer.id if viewer else None, now=now, db=db
    )
    return SeatStatusesOut(show_id=show_id, statuses={str(k): v for k, v in statuses.items()})
