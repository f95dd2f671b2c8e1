"""Events: the public catalogue (search, filters, pages) and the organizer's edits.

Who may see a draft is `ticketapp.booking.catalog`; when an edit or delete is refused,
`ticketapp.booking.events`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from ticketapp import booking
from ticketapp.api.deps import OPTIONAL_AUTH, Db, EventId, Now, OptionalUser, OrganizerUser
from ticketapp.api.schemas import (
    NO_NUL,
    AwareDatetime,
    EventCreateIn,
    EventOut,
    EventPage,
    EventSummaryOut,
    EventUpdateIn,
    IsoDay,
)

router = APIRouter(prefix="/events", tags=["events"])

SearchText = Annotated[str, Query(max_length=200, pattern=NO_NUL)]


@router.get("")
def list_events(
    db: Db,
    now: Now,
    q: Annotated[
        SearchText,
        Query(
            description="Words in title, description or venue; case and accents do not "
            "matter (Dvorak finds Dvořák)."
        ),
    ] = "",
    category: Annotated[str, Query(max_length=40, pattern=NO_NUL)] = "",
    venue: Annotated[
        SearchText, Query(description="Part of the venue's name (any case, accents).")
    ] = "",
    date_from: Annotated[AwareDatetime | None, Query(description="Shows from here on.")] = None,
    date_to: Annotated[
        AwareDatetime | None,
        Query(description="Shows before this; must be after date_from (else 422)."),
    ] = None,
    day_from: Annotated[
        IsoDay | None,
        Query(description="Shows on this calendar day or later, on each venue's own clock."),
    ] = None,
    day_to: Annotated[
        IsoDay | None,
        Query(description="Shows on this day or earlier (venue's clock); not before day_from."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> EventPage:
    """Published events with a show still to come, soonest first."""
    events, total = booking.list_upcoming_events(
        now=now,
        text=q,
        category=category,
        venue=venue,
        date_from=date_from,
        date_to=date_to,
        day_from=day_from,
        day_to=day_to,
        limit=limit,
        offset=offset,
        db=db,
    )
    items = [EventSummaryOut.model_validate(e) for e in events]
    return EventPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/{event_id:int}", openapi_extra=OPTIONAL_AUTH)
def get_event(event_id: EventId, db: Db, viewer: OptionalUser) -> EventOut:
    """A published event, or one of your own drafts."""
    event = booking.get_event(
        event_id,
        viewer=booking.Actor.of(viewer) if viewer else None,
        db=db,
    )
    return EventOut.model_validate(event)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_event(body: EventCreateIn, organizer: OrganizerUser, db: Db) -> EventOut:
    event = booking.create_event(booking.Actor.of(organizer), db=db, **body.model_dump())
    return EventOut.model_validate(event)


@router.patch("/{event_id:int}")
def update_event(
    event_id: EventId, body: EventUpdateIn, organizer: OrganizerUser, db: Db
) -> EventOut:
    """Change the fields sent; `{"status": "published"}` publishes the event."""
    event = booking.update_event(
        event_id,
        actor=booking.Actor.of(organizer),
        db=db,
        **body.model_dump(exclude_unset=True),
    )
    return EventOut.model_validate(event)


@router.delete("/{event_id:int}", status_code=status.HTTP_204_NO_CONTENT)
def delete_event(event_id: EventId, organizer: OrganizerUser, db: Db) -> Response:
    """Delete an event that has never had a booking (409 otherwise)."""
    booking.delete_event(event_id, actor=booking.Actor.of(organizer), db=db)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
