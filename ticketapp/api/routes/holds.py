"""Holds: a customer's cart of seats on one show, live for the show's hold time.

Three ways to fill it: exact seat ids (from the seat map), "best available N", or N places of
general admission. Creating a hold accepts an Idempotency-Key. A seat lost to another buyer is
a 409 whose body lists exactly the lost seats; nothing of the request is held then.
"""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from ticketapp import booking
from ticketapp.api.deps import CurrentUser, Db, HoldId, Now, QueuePass
from ticketapp.api.idempotency import Idempotent
from ticketapp.api.lean import LeanRoute
from ticketapp.api.schemas import (
    BestAvailableIn,
    GeneralAdmissionIn,
    HoldOut,
    HoldSeatsIn,
    HoldViewOut,
    ReleasedOut,
    ReleaseSeatsIn,
)

router = APIRouter(prefix="/holds", tags=["holds"], route_class=LeanRoute)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=HoldOut)
def hold_seats(
    body: HoldSeatsIn,
    user: CurrentUser,
    db: Db,
    now: Now,
    once: Idempotent,
    queue_pass: QueuePass = None,
) -> Response:
    """Hold these seats (added to your live hold on the show, if you have one). Before the
    sales open, an `access_code` that unlocks the presale lets you in (422 otherwise). Seats
    of a hidden category need an `access_code` that unlocks it: without one they are refused
    like taken seats (409 `seats_unavailable`, naming them), and the booking needs the same
    code as `promo_code`."""
    return once.run(
        body,
        status.HTTP_201_CREATED,
        HoldOut,
        lambda key: booking.hold_seats(
            user.id,
            body.show_id,
            body.seat_ids,
            now=now,
            db=db,
            once=key,
            access_code=body.access_code,
            queue_pass=queue_pass,
        ),
    )


@router.post("/best-available", status_code=status.HTTP_201_CREATED, response_model=HoldOut)
def hold_best_available(
    body: BestAvailableIn,
    user: CurrentUser,
    db: Db,
    now: Now,
    once: Idempotent,
    queue_pass: QueuePass = None,
) -> Response:
    """Hold the best N adjacent seats left, optionally in one price category."""
    return once.run(
        body,
        status.HTTP_201_CREATED,
        HoldOut,
        lambda key: booking.hold_best_available(
            user.id,
            body.show_id,
            body.quantity,
            category_id=body.category_id,
            accessible=body.accessible,
            now=now,
            db=db,
            once=key,
            access_code=body.access_code,
            queue_pass=queue_pass,
        ),
    )


@router.post("/general-admission", status_code=status.HTTP_201_CREATED, response_model=HoldOut)
def hold_general_admission(
    body: GeneralAdmissionIn,
    user: CurrentUser,
    db: Db,
    now: Now,
    once: Idempotent,
    queue_pass: QueuePass = None,
) -> Response:
    """Hold N standing places of a general-admission section."""
    return once.run(
        body,
        status.HTTP_201_CREATED,
        HoldOut,
        lambda key: booking.hold_general_admission(
            user.id,
            body.show_id,
            body.quantity,
            section=body.section,
            now=now,
            db=db,
            once=key,
            access_code=body.access_code,
            queue_pass=queue_pass,
        ),
    )


@router.get("/{hold_id:int}")
def get_hold(hold_id: HoldId, user: CurrentUser, db: Db, now: Now) -> HoldViewOut:
    return HoldViewOut.model_validate(booking.get_hold(hold_id, actor=user, now=now, db=db))


@router.delete("/{hold_id:int}")
def release_hold(hold_id: HoldId, user: CurrentUser, db: Db, now: Now) -> ReleasedOut:
    """Give every seat of the hold back."""
    released = booking.release_hold(hold_id, user_id=user.id, now=now, db=db)
    return ReleasedOut(hold_id=hold_id, released_seat_ids=released)


@router.post("/{hold_id:int}/release-seats")
def release_seats(
    hold_id: HoldId, body: ReleaseSeatsIn, user: CurrentUser, db: Db, now: Now
) -> HoldOut:
    """Give some seats back and keep the rest held."""
    return HoldOut.model_validate(
        booking.release_seats(hold_id, body.seat_ids, user_id=user.id, now=now, db=db)
    )


@router.post("/{hold_id:int}/extend")
def extend_hold(hold_id: HoldId, user: CurrentUser, db: Db, now: Now) -> HoldViewOut:
    """Keep your hold for the show's hold time once more: once per hold, in its last minute
    (`extendable` on the hold says when), never past the end of the show's sales.

    409 `conflict` when it was extended before, is not in its last minute or sales end first;
    410 `hold_expired` when it has already run out; 409 `sales_closed` when sales are over."""
    return HoldViewOut.model_validate(booking.extend_hold(hold_id, user_id=user.id, now=now, db=db))
