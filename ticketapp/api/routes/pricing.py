"""Ticket types and promo codes: what an organizer sells, and what a buyer pays.

Organizers manage the ticket types of a show's price categories and the promo codes of an
event; buyers list a show's ticket types and price their live hold with a choice of types and
a code before confirming (`POST /bookings` takes the same `ticket_types` and `promo_code`).
Every rule — ownership, limits, validity, rounding — is the engine's (`booking.ticket_types`,
`booking.promo_codes`, `booking.pricing`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from ticketapp import booking
from ticketapp.api.deps import OPTIONAL_AUTH, CurrentUser, Db, EventId, HoldId, Now, OrganizerUser
from ticketapp.api.deps import ShowId as ShowPath
from ticketapp.api.schemas import (
    MAX_ID,
    CategoryUpdateIn,
    CheckoutQuoteOut,
    PriceOut,
    PromoCodeIn,
    PromoCodeOut,
    QuoteIn,
    TicketTypeIn,
    TicketTypeOut,
)

router = APIRouter(tags=["ticket types and promo codes"])

CategoryId = Annotated[int, Path(ge=1, le=MAX_ID, description="Price category id.")]
TypeId = Annotated[int, Path(ge=1, le=MAX_ID, description="Ticket type id.")]
CodeId = Annotated[int, Path(ge=1, le=MAX_ID, description="Promo code id.")]


@router.get("/shows/{show_id:int}/ticket-types", openapi_extra=OPTIONAL_AUTH)
def show_ticket_types(show_id: ShowPath, db: Db) -> list[TicketTypeOut]:
    """The show's ticket types by category, the default (first) one of each category first.
    A category without types sells at its own price."""
    return [TicketTypeOut.model_validate(t) for t in booking.list_ticket_types(show_id, db=db)]


@router.post("/holds/{hold_id:int}/quote")
def quote_hold(
    hold_id: HoldId, body: QuoteIn, user: CurrentUser, db: Db, now: Now
) -> CheckoutQuoteOut:
    """What confirming your hold would cost with these ticket types and this promo code
    (422 `promo_code_refused` says why a code cannot be used; nothing is claimed)."""
    quote = booking.quote_checkout(
        hold_id,
        actor=user,
        ticket_types=body.ticket_types,
        promo_code=body.promo_code,
        now=now,
        db=db,
    )
    return CheckoutQuoteOut.model_validate(quote)


@router.post(
    "/organizer/categories/{category_id:int}/ticket-types",
    status_code=status.HTTP_201_CREATED,
)
def create_ticket_type(
    category_id: CategoryId, body: TicketTypeIn, organizer: OrganizerUser, db: Db
) -> TicketTypeOut:
    """Add a ticket type to a price category of your show (after its other types)."""
    created = booking.create_ticket_type(
        category_id,
        body.name,
        body.price_cents,
        actor=organizer,
        quantity_limit=body.quantity_limit,
        proof_note=body.proof_note,
        db=db,
    )
    return TicketTypeOut.model_validate(created)


@router.patch("/organizer/categories/{category_id:int}")
def update_category(
    category_id: CategoryId, body: CategoryUpdateIn, organizer: OrganizerUser, db: Db
) -> PriceOut:
    """Hide a price category of your show from public sale, or open it again. Its seats then
    sell only to holders of an access code with `unlocks_hidden` that names it (or names no
    category); seats already held or sold stay as they are."""
    changed = booking.set_category_hidden(category_id, body.hidden, actor=organizer, db=db)
    return PriceOut.model_validate(changed)


@router.put("/organizer/ticket-types/{type_id:int}")
def update_ticket_type(
    type_id: TypeId, body: TicketTypeIn, organizer: OrganizerUser, db: Db
) -> TicketTypeOut:
    """Change a ticket type; tickets sold keep their price."""
    changed = booking.update_ticket_type(
        type_id,
        body.name,
        body.price_cents,
        actor=organizer,
        quantity_limit=body.quantity_limit,
        proof_note=body.proof_note,
        db=db,
    )
    return TicketTypeOut.model_validate(changed)


@router.delete("/organizer/ticket-types/{type_id:int}", status_code=status.HTTP_204_NO_CONTENT)
def delete_ticket_type(type_id: TypeId, organizer: OrganizerUser, db: Db) -> Response:
    """Delete a ticket type no ticket was sold as (409 otherwise)."""
    booking.delete_ticket_type(type_id, actor=organizer, db=db)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/organizer/events/{event_id:int}/promo-codes")
def list_promo_codes(event_id: EventId, organizer: OrganizerUser, db: Db) -> list[PromoCodeOut]:
    """Your event's promo codes with how often each was used."""
    codes = booking.list_promo_codes(event_id, actor=organizer, db=db)
    return [PromoCodeOut.model_validate(c) for c in codes]


@router.post("/organizer/events/{event_id:int}/promo-codes", status_code=status.HTTP_201_CREATED)
def create_promo_code(
    event_id: EventId, body: PromoCodeIn, organizer: OrganizerUser, db: Db
) -> PromoCodeOut:
    """A new promo code for your event (codes are upper-cased; customers may type any case)."""
    created = booking.create_promo_code(event_id, actor=organizer, db=db, **body.model_dump())
    return PromoCodeOut.model_validate(created)


@router.put("/organizer/promo-codes/{code_id:int}")
def update_promo_code(
    code_id: CodeId, body: PromoCodeIn, organizer: OrganizerUser, db: Db
) -> PromoCodeOut:
    """Change a promo code; bookings made with it keep their discount."""
    changed = booking.update_promo_code(code_id, actor=organizer, db=db, **body.model_dump())
    return PromoCodeOut.model_validate(changed)


@router.delete("/organizer/promo-codes/{code_id:int}", status_code=status.HTTP_204_NO_CONTENT)
def delete_promo_code(code_id: CodeId, organizer: OrganizerUser, db: Db) -> Response:
    """Delete a promo code no live booking uses (409 otherwise)."""
    booking.delete_promo_code(code_id, actor=organizer, db=db)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
