"""The waiting room: join a show's queue, see your place, get your pass; the organizer's
switches and live figures.

While a show's queue is on, every hold request (`POST /holds`, `/holds/best-available`,
`/holds/general-admission`, `POST /bookings/purchase...`) needs the pass from
`GET /shows/{id}/queue` in the `Queue-Pass` header; without a valid one the answer is `403`
with code `queue_pass_required` and `queue_url`, the queue to join.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from ticketapp import booking
from ticketapp.api.deps import CurrentUser, Db, EventId, Now, OrganizerUser, ShowId
from ticketapp.api.queue_schemas import (
    QueueFiguresOut,
    QueueOut,
    QueueSettingsIn,
    QueueSettingsOut,
)
from ticketapp.booking import WaitingRoomStore
from ticketapp.queueing import default_waiting_room


async def get_waiting_room(db: Db) -> WaitingRoomStore:
    """The store on the request's database (tests give the API their own database)."""
    return default_waiting_room(db)


WaitingRoom = Annotated[WaitingRoomStore, Depends(get_waiting_room)]

router = APIRouter(tags=["waiting room"])


@router.post("/shows/{show_id:int}/queue")
def join_queue(
    show_id: ShowId, user: CurrentUser, db: Db, now: Now, store: WaitingRoom
) -> QueueOut:
    """Take your place in the show's queue (a second tab or device of your account shares
    it). Before the on-sale time everyone present is put in random order at on-sale; later
    arrivals queue first come, first served."""
    place = booking.join_queue(user.id, show_id, store=store, now=now, db=db)
    return QueueOut.model_validate(place)


@router.get("/shows/{show_id:int}/queue")
def queue_status(
    show_id: ShowId, user: CurrentUser, db: Db, now: Now, store: WaitingRoom
) -> QueueOut:
    """Your place: position and estimated wait, or your pass once you are admitted."""
    place = booking.queue_place(user.id, show_id, store=store, now=now, db=db)
    return QueueOut.model_validate(place)


@router.put("/organizer/shows/{show_id:int}/queue", tags=["organizer"])
def configure_show_queue(
    show_id: ShowId, body: QueueSettingsIn, organizer: OrganizerUser, db: Db
) -> QueueSettingsOut:
    """Turn the show's waiting room on or off; set its rate, cap, shopping time; pause it."""
    settings = booking.configure_queue(show_id, actor=organizer, db=db, **body.model_dump())
    return QueueSettingsOut.model_validate(settings)


@router.put("/organizer/events/{event_id:int}/queue", tags=["organizer"])
def configure_event_queue(
    event_id: EventId, body: QueueSettingsIn, organizer: OrganizerUser, db: Db
) -> list[QueueSettingsOut]:
    """The same settings for every show of the event (each show keeps its own queue)."""
    changed = booking.configure_event_queue(event_id, actor=organizer, db=db, **body.model_dump())
    return [QueueSettingsOut.model_validate(s) for s in changed]


@router.post("/organizer/shows/{show_id:int}/queue/pause", tags=["organizer"])
def pause_queue(show_id: ShowId, organizer: OrganizerUser, db: Db) -> QueueSettingsOut:
    """Stop admitting; places and passes already given stay."""
    return QueueSettingsOut.model_validate(
        booking.pause_queue(show_id, True, actor=organizer, db=db)
    )


@router.post("/organizer/shows/{show_id:int}/queue/resume", tags=["organizer"])
def resume_queue(show_id: ShowId, organizer: OrganizerUser, db: Db) -> QueueSettingsOut:
    return QueueSettingsOut.model_validate(
        booking.pause_queue(show_id, False, actor=organizer, db=db)
    )


@router.get("/organizer/shows/{show_id:int}/queue", tags=["organizer"])
def queue_figures(
    show_id: ShowId, organizer: OrganizerUser, db: Db, now: Now, store: WaitingRoom
) -> QueueFiguresOut:
    """Live: queue length, admitted, active shoppers, admitted and sold in the last minute."""
    figures = booking.queue_figures(show_id, actor=organizer, store=store, now=now, db=db)
    return QueueFiguresOut.model_validate(figures)
