"""The door: check tickets in, see the checked-in count, list the shows to scan.

For the event's organizer, admins, and the door staff the organizer invited — the engine
decides who may (`booking.access.may_check_in`); door staff reach nothing else in the API.
"""

from __future__ import annotations

from fastapi import APIRouter

from ticketapp import booking
from ticketapp.api.deps import CurrentUser, Db, Now, ShowId
from ticketapp.api.schemas import CheckInCountsOut, CheckInIn, CheckInOut, DoorShowOut

router = APIRouter(prefix="/door", tags=["door"])


@router.get("/shows")
def door_shows(user: CurrentUser, db: Db, now: Now) -> list[DoorShowOut]:
    """The shows whose tickets you may check in, from those that started lately, soonest
    first (at most 200)."""
    return [DoorShowOut.model_validate(s) for s in booking.door_shows(actor=user, now=now, db=db)]


@router.get("/shows/{show_id:int}")
def door_show(show_id: ShowId, user: CurrentUser, db: Db) -> DoorShowOut:
    return DoorShowOut.model_validate(booking.door_show(show_id, actor=user, db=db))


@router.get("/shows/{show_id:int}/counts")
def check_in_counts(show_id: ShowId, user: CurrentUser, db: Db) -> CheckInCountsOut:
    """Tickets checked in, out of those sold."""
    return CheckInCountsOut.model_validate(booking.check_in_counts(show_id, actor=user, db=db))


@router.post("/check-in")
def check_in(body: CheckInIn, user: CurrentUser, db: Db, now: Now) -> CheckInOut:
    """Admit a ticket: a scanned QR code, or a typed code (case, dashes and the look-alikes
    O/0 and I/L/1 are forgiven). Of two devices scanning one ticket at once, exactly one
    gets `checked_in`; the other reads `already_checked_in` with the time."""
    result = booking.check_in(body.ticket_code, show_id=body.show_id, actor=user, now=now, db=db)
    return CheckInOut.model_validate(result)
