"""The waiting list after sell-out: a customer joins a sold-out show's list, sees and leaves
their place; the organizer sees the list per show and turns it on or off.

Offers need no route of their own: an offer is a hold of the customer's (`hold_id` in their
place), confirmed with `POST /api/v1/bookings` like any other. The rules live in
`ticketapp.booking.waiting_list`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from ticketapp import booking
from ticketapp.api.deps import CurrentUser, Db, Now, OrganizerUser, ShowId
from ticketapp.api.errors import ApiError
from ticketapp.api.schemas import (
    MAX_ID,
    WaitingListJoinIn,
    WaitingListOut,
    WaitingListSettingsIn,
    WaitingPlaceOut,
)

router = APIRouter(tags=["waiting list"])
EntryId = Annotated[int, Path(ge=1, le=MAX_ID, description="Waiting-list place id.")]


@router.post(
    "/shows/{show_id:int}/waiting-list",
    status_code=status.HTTP_201_CREATED,
    response_model=WaitingPlaceOut,
)
def join(
    show_id: ShowId, body: WaitingListJoinIn, user: CurrentUser, db: Db, now: Now
) -> WaitingPlaceOut:
    """Join the show's waiting list (409 while seats like these are still on sale)."""
    place = booking.join_waiting_list(
        user.id,
        show_id,
        body.quantity,
        category_id=body.category_id,
        accessible=body.accessible,
        now=now,
        db=db,
    )
    return WaitingPlaceOut.model_validate(place)


@router.get("/shows/{show_id:int}/waiting-list/me")
def my_place(show_id: ShowId, user: CurrentUser, db: Db, now: Now) -> WaitingPlaceOut:
    """Your latest place on the show's list (404 if you never joined)."""
    place = booking.my_waiting_place(user.id, show_id, now=now, db=db)
    if place is None:
        raise ApiError("not_found", "You are not on this show's waiting list.")
    return WaitingPlaceOut.model_validate(place)


@router.get("/waiting-list/{entry_id:int}")
def get_place(entry_id: EntryId, user: CurrentUser, db: Db, now: Now) -> WaitingPlaceOut:
    return WaitingPlaceOut.model_validate(
        booking.get_waiting_place(entry_id, actor=user, now=now, db=db)
    )


@router.delete("/waiting-list/{entry_id:int}")
def leave(entry_id: EntryId, user: CurrentUser, db: Db, now: Now) -> WaitingPlaceOut:
    """Leave the list; an offer you have not taken goes to the next person."""
    return WaitingPlaceOut.model_validate(
        booking.leave_waiting_list(entry_id, user_id=user.id, now=now, db=db)
    )


@router.get("/organizer/shows/{show_id:int}/waiting-list", tags=["organizer"])
def show_list(show_id: ShowId, organizer: OrganizerUser, db: Db, now: Now) -> WaitingListOut:
    """The show's list: how many wait, for how many seats, and each place in order."""
    summary = booking.waiting_list_summary(
        show_id, actor=booking.Actor.of(organizer), now=now, db=db
    )
    return WaitingListOut.model_validate(summary)


@router.put("/organizer/shows/{show_id:int}/waiting-list", tags=["organizer"])
def set_list(
    show_id: ShowId, body: WaitingListSettingsIn, organizer: OrganizerUser, db: Db, now: Now
) -> WaitingListOut:
    """Turn the list on or off and set the offer window."""
    summary = booking.set_waiting_list(
        show_id,
        actor=booking.Actor.of(organizer),
        enabled=body.enabled,
        offer_seconds=body.offer_seconds,
        now=now,
        db=db,
    )
    return WaitingListOut.model_validate(summary)
