"""The organizer's desk: own events, bookings of an event, sales, check-in at the door, and
mails to buyers that could not be delivered.

Ownership is checked by the engine (every report and `check_in` checks its `Actor`): an
organizer sees only their own events' data; admins see everything.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response, status

from ticketapp import auth, booking
from ticketapp.api.deps import Db, EventId, Now, OrganizerUser, ShowId
from ticketapp.api.schemas import (
    MAX_ID,
    NO_NUL,
    BookingRowOut,
    BookingRowPage,
    CheckInIn,
    CheckInOut,
    DailySalesOut,
    DoorStaffIn,
    DoorStaffOut,
    EventOut,
    EventSalesOut,
    MailOut,
    ShowSalesOut,
)

router = APIRouter(prefix="/organizer", tags=["organizer"])


@router.get("/events")
def my_events(organizer: OrganizerUser, db: Db) -> list[EventOut]:
    """Your events, drafts included, newest first."""
    events = booking.list_organizer_events(booking.Actor.of(organizer), db=db)
    return [EventOut.model_validate(e) for e in events]


@router.get("/events/{event_id:int}/bookings")
def event_bookings(
    event_id: EventId,
    organizer: OrganizerUser,
    db: Db,
    show_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    status: Literal["confirmed", "cancelled"] | None = None,
    search: Annotated[
        str, Query(max_length=200, pattern=NO_NUL, description="Code, buyer name or e-mail.")
    ] = "",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> BookingRowPage:
    rows, total = booking.event_bookings(
        event_id,
        actor=booking.Actor.of(organizer),
        show_id=show_id,
        status=status,
        search=search,
        limit=limit,
        offset=offset,
        db=db,
    )
    items = [BookingRowOut.model_validate(r) for r in rows]
    return BookingRowPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/events/{event_id:int}/sales")
def event_sales(event_id: EventId, organizer: OrganizerUser, db: Db, now: Now) -> EventSalesOut:
    """Seats sold, held and left, and revenue: per event, show and price category."""
    sales = booking.event_sales(event_id, actor=booking.Actor.of(organizer), now=now, db=db)
    return EventSalesOut.model_validate(sales)


@router.get("/events/{event_id:int}/sales/daily")
def event_sales_by_day(event_id: EventId, organizer: OrganizerUser, db: Db) -> list[DailySalesOut]:
    """Confirmed bookings, tickets and revenue per UTC day, oldest first."""
    days = booking.sales_over_time(event_id, actor=booking.Actor.of(organizer), db=db)
    return [DailySalesOut.model_validate(d) for d in days]


@router.get("/shows/{show_id:int}/sales")
def show_sales(show_id: ShowId, organizer: OrganizerUser, db: Db, now: Now) -> ShowSalesOut:
    sales = booking.show_sales(show_id, actor=booking.Actor.of(organizer), now=now, db=db)
    return ShowSalesOut.model_validate(sales)


@router.post("/check-in")
def check_in(body: CheckInIn, organizer: OrganizerUser, db: Db, now: Now) -> CheckInOut:
    """Admit a ticket at the door; the answer says whether to let the holder in, and why not."""
    result = booking.check_in(
        body.ticket_code,
        show_id=body.show_id,
        actor=booking.Actor.of(organizer),
        now=now,
        db=db,
    )
    return CheckInOut.model_validate(result)


@router.get("/mail/failed")
def failed_mail(organizer: OrganizerUser, db: Db) -> list[MailOut]:
    """Mails to your buyers that were given up on after retries (or refused), newest first.

    At most 200; each names its event and booking, so a dashboard can group them.
    """
    mails = booking.failed_mails(booking.Actor.of(organizer), db=db)
    return [MailOut.model_validate(m) for m in mails]


@router.post("/mail/{mail_id:int}/retry")
def retry_mail(
    mail_id: Annotated[int, Path(ge=1, le=MAX_ID, description="Mail id.")],
    organizer: OrganizerUser,
    db: Db,
    now: Now,
) -> MailOut:
    """Send a failed mail again (after fixing the address or the mail server)."""
    return MailOut.model_validate(
        booking.retry_mail(mail_id, actor=booking.Actor.of(organizer), now=now, db=db)
    )


@router.get("/door-staff")
def door_staff(organizer: OrganizerUser, db: Db) -> list[DoorStaffOut]:
    """The door staff you invited: they may check tickets in for your events, nothing else."""
    members = booking.list_door_staff(actor=booking.Actor.of(organizer), db=db)
    return [DoorStaffOut.model_validate(m) for m in members]


@router.post("/door-staff", status_code=status.HTTP_201_CREATED)
def invite_door_staff(body: DoorStaffIn, organizer: OrganizerUser, db: Db) -> list[DoorStaffOut]:
    """Create a door-staff account with the password you hand over (or, for an existing
    door-staff account, grant it your doors too). A customer's or organizer's e-mail is a 409."""
    actor = booking.Actor.of(organizer)
    auth.invite_door_staff(actor, body.name, body.email, body.password, db=db)
    return [DoorStaffOut.model_validate(m) for m in booking.list_door_staff(actor=actor, db=db)]


@router.delete(
    "/door-staff/{user_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
)
def revoke_door_staff(
    user_id: Annotated[int, Path(ge=1, le=MAX_ID, description="The door staff's user id.")],
    organizer: OrganizerUser,
    db: Db,
) -> Response:
    """End this account's access to your doors, at once."""
    booking.revoke_door_staff(user_id, actor=booking.Actor.of(organizer), db=db)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
