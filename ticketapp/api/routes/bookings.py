"""Bookings: turn a live hold into tickets, look them up, cancel them.

Confirming accepts an Idempotency-Key; the engine itself also refuses to book one hold twice.
Someone else's booking is a 403 (the engine decides; organizers and admins may see theirs).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Response, status

from ticketapp import booking
from ticketapp.api.deps import BookingId, CurrentUser, Db, Now, QueuePass
from ticketapp.api.idempotency import Idempotent
from ticketapp.api.lean import LeanRoute
from ticketapp.api.schemas import BookingOut, CancelIn, ConfirmIn, PurchaseIn
from ticketapp.booking.idempotency import Once
from ticketapp.documents import booking_calendar, choose_paper, tickets_pdf

router = APIRouter(prefix="/bookings", tags=["bookings"], route_class=LeanRoute)

# The files are private to the booking's owner and organizer: never kept by a shared cache.
_PRIVATE = {"Cache-Control": "private, no-store"}


def _file_response(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {"content": {media_type: {}}, "description": description},
        409: {"description": "The booking is cancelled: its tickets are void, no files."},
    }


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
    hold expired), each seat as the ticket type chosen in `ticket_types` (default: its
    category's first), less the discount of `promo_code` (422 `promo_code_refused` if it
    cannot be used, 409 `ticket_type_sold_out`; nothing changes then). Or buy in one
    request (`show_id` with `seat_ids` or `quantity`): the seats
    are held and confirmed in one transaction — all of them or none (409 names lost seats).
    Seats of a hidden category need a `promo_code` that unlocks it, at confirm as when
    holding (409 `seats_unavailable` otherwise)."""
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
                ticket_types=body.ticket_types,
                promo_code=body.promo_code,
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
                ticket_types=body.ticket_types,
                promo_code=body.promo_code,
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
                promo_code=body.promo_code,
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


@router.get(
    "/{booking_id:int}/tickets.pdf",
    response_class=Response,
    responses=_file_response("application/pdf", "One page per live ticket, with its QR code."),
)
def booking_tickets_pdf(
    booking_id: BookingId,
    user: CurrentUser,
    db: Db,
    paper: Annotated[
        Literal["a4", "letter"] | None,
        Query(description="Paper size; by default the one of your locale (Accept-Language)."),
    ] = None,
    accept_language: Annotated[str | None, Header(max_length=500)] = None,
) -> Response:
    """Your tickets to print or carry: event, venue, local time, seat, price, booking code and
    a large QR code per ticket. For the booking's buyer, the event's organizer or an admin."""
    view = booking.booking_for_ticket_files(booking_id, actor=user, db=db)
    chosen = choose_paper(paper, accept_language)
    headers = {
        **_PRIVATE,
        "Content-Disposition": f'inline; filename="tickets-{view.code}.pdf"',
    }
    return Response(tickets_pdf(view, chosen), media_type="application/pdf", headers=headers)


@router.get(
    "/{booking_id:int}/calendar.ics",
    response_class=Response,
    responses=_file_response("text/calendar", "One event for the showtime (RFC 5545)."),
)
def booking_calendar_file(booking_id: BookingId, user: CurrentUser, db: Db, now: Now) -> Response:
    """An "Add to calendar" file: the showtime in the venue's time zone, with its location."""
    view = booking.booking_for_ticket_files(booking_id, actor=user, db=db)
    headers = {
        **_PRIVATE,
        "Content-Disposition": f'attachment; filename="booking-{view.code}.ics"',
    }
    return Response(
        booking_calendar(view, now=now), media_type="text/calendar; charset=utf-8", headers=headers
    )
