"""Bookings: turn a live hold into tickets, look them up, cancel them.

Confirming accepts an Idempotency-Key; the engine itself also refuses to book one hold twice.
Someone else's booking is a 403 (the engine decides; organizers and admins may see theirs).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status

from ticketapp import booking
from ticketapp.api.deps import BookingId, CurrentUser, Db, Now, QueuePass
from ticketapp.api.idempotency import Idempotent
from ticketapp.api.schemas import BookingOut, CancelIn, ConfirmIn, PurchaseIn
from ticketapp.booking.idempotency import Once

router = APIRouter(prefix="/bookings", tags=["bookings"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=BookingOut)
def create_booking(
    body: ConfirmIn | PurchaseIn,
    user: CurrentUser,
    db: Db,
    now: Now,
    once: Idempotent,
    queue_pass: QueuePass = None,
) -> Response:
    """Confirm your live hold (`hold_id`): one booking with one ticket per seat (410 if the
    hold expired). Or buy in one request (`show_id` with `seat_ids` or `quantity`): the seats
    are held and confirmed in one transaction — all of them or none (409 names lost seats)."""
    if isinstance(body, ConfirmIn):

        def act(key: Once | None) -> Any:
            return booking.confirm_hold(
                body.hold_id,
                user_id=user.id,
                buyer_name=body.buyer_name,
                buyer_email=body.buyer_email,
                now=now,
                db=db,
                once=key,
            )

    elif body.seat_ids is not None:

        def act(key: Once | None) -> Any:
            return booking.purchase_seats(
                user.id,
                body.show_id,
                body.seat_ids,
                buyer_name=body.buyer_name,
                buyer_email=body.buyer_email,
                now=now,
                db=db,
                once=key,
                queue_pass=queue_pass,
            )

    else:

        def act(key: Once | None) -> Any:
            return booking.purchase_best_available(
                user.id,
                body.show_id,
                body.quantity,
                category_id=body.category_id,
                accessible=body.accessible,
                section=body.section,
                buyer_name=body.buyer_name,
                buyer_email=body.buyer_email,
                now=now,
                db=db,
                once=key,
                queue_pass=queue_pass,
            )

    return once.run(body, status.HTTP_201_CREATED, BookingOut, act)


@router.get("")
def list_my_bookings(user: CurrentUser, db: Db) -> list[BookingOut]:
    return [BookingOut.model_validate(b) for b in booking.list_user_bookings(user.id, db=db)]


@router.get("/{booking_id:int}")
def get_booking(booking_id: BookingId, user: CurrentUser, db: Db) -> BookingOut:
    return BookingOut.model_validate(booking.get_booking(booking_id, actor=user, db=db))


@router.post("/{booking_id:int}/cancel")
def cancel_booking(
    booking_id: BookingId, body: CancelIn, user: CurrentUser, db: Db, now: Now
) -> BookingOut:
    """Cancel a booking; its seats go back on sale at once."""
    return BookingOut.model_validate(
        booking.cancel_booking(
            booking_id,
            actor=user,
            reason=body.reason,
            now=now,
            db=db,
        )
    )
