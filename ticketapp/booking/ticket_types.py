"""Ticket types: the ways to buy a seat of one price category (Adult, Child, Student, ...).

Invariants:
- A price category without ticket types sells at its own price: it has one implicit type,
  with no id and no name, so shows set up before ticket types existed sell exactly as before.
- A category with types sells every seat as one of them; the buyer chooses per seat at
  confirm (`choose`), and the first type (lowest `sort_order`, then id) is the default.
- A chosen type must belong to the seat's category: a type is never applied across
  categories or shows.
- `TicketType.sold` counts the live tickets of the type. It is moved up at confirm by a
  conditional UPDATE (`sold + n <= quantity_limit`, see `pricing`), and down again when a
  booking is cancelled, so the quantity limit holds under any number of concurrent buyers.
  A category belongs to one show, so the limit is per show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ticketapp.booking._tx import run
from ticketapp.booking.access import Actor, managed_show
from ticketapp.booking.errors import Conflict, InvalidRequest, NotFound
from ticketapp.models import PriceCategory, Ticket, TicketType

MAX_NAME = 60
MAX_PROOF_NOTE = 200


@dataclass(frozen=True)
class TicketTypeInfo:
    id: int
    category_id: int
    name: str
    price_cents: int
    quantity_limit: int | None
    sold: int
    proof_note: str
    sort_order: int


@dataclass(frozen=True)
class Choice:
    """What one seat sells as: a type of its category, or the implicit one (id None)."""

    type_id: int | None
    name: str  # "" for the implicit type
    price_cents: int
    proof_note: str = ""  # "Student ID at the door": told to the buyer who picks it


def info(row: TicketType) -> TicketTypeInfo:
    return TicketTypeInfo(
        id=row.id,
        category_id=row.category_id,
        name=row.name,
        price_cents=row.price_cents,
        quantity_limit=row.quantity_limit,
        sold=row.sold,
        proof_note=row.proof_note,
        sort_order=row.sort_order,
    )


def choose(
    seats: Sequence[tuple[int, str, int, Sequence[Choice]]],
    chosen: Mapping[int, int] | None,
) -> list[Choice]:
    """The type each seat sells as, in the order of `seats`.

    `seats`: (seat id, seat label, the category's price, the category's types in order);
    `chosen`: seat id -> ticket type id. Unknown seats and types of another category are
    refused with `InvalidRequest` (field "ticket_types"); a seat not in `chosen` gets its
    category's first type, or the implicit one when the category has none.
    """
    chosen = dict(chosen or {})
    known = {seat_id for seat_id, *_ in seats}
    strangers = sorted(set(chosen) - known)
    if strangers:
        raise InvalidRequest(
            f"Ticket types were given for seats not in this hold: {strangers}.", "ticket_types"
        )
    picks = []
    for seat_id, label, category_price, types in seats:
        wanted = chosen.get(seat_id)
        if wanted is None:
            picks.append(types[0] if types else Choice(None, "", category_price))
            continue
        match = next((c for c in types if c.type_id == wanted), None)
        if match is None:
            raise InvalidRequest(
                f"Ticket type {wanted} is not offered for seat {label}.", "ticket_types"
            )
        picks.append(match)
    return picks


def _clean(
    name: str, price_cents: int, quantity_limit: int | None, proof_note: str
) -> dict[str, Any]:
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidRequest(f"A ticket type needs a name of 1 to {MAX_NAME} characters.", "name")
    if price_cents < 0:
        raise InvalidRequest("A ticket type's price must be zero or more.", "price_cents")
    if quantity_limit is not None and quantity_limit < 0:
        raise InvalidRequest("The quantity limit must be zero or more.", "quantity_limit")
    proof_note = (proof_note or "").strip()
    if len(proof_note) > MAX_PROOF_NOTE:
        raise InvalidRequest(
            f"The note for the door is at most {MAX_PROOF_NOTE} characters.", "proof_note"
        )
    return {
        "name": name,
        "price_cents": price_cents,
        "quantity_limit": quantity_limit,
        "proof_note": proof_note,
    }


def _managed_category(session: Session, category_id: int, actor: Actor) -> PriceCategory:
    category = session.get(PriceCategory, category_id)
    if category is None:
        raise NotFound("No such price category.")
    managed_show(session, category.show_id, actor)
    return category


def _managed_type(session: Session, type_id: int, actor: Actor) -> TicketType:
    row = session.exec(select(TicketType).where(TicketType.id == type_id).with_for_update()).first()
    if row is None:
        raise NotFound("No such ticket type.")
    _managed_category(session, row.category_id, actor)
    return row


def _name_taken(session: Session, category_id: int, name: str, but: int | None = None) -> None:
    other = session.exec(
        select(TicketType.id).where(TicketType.category_id == category_id, TicketType.name == name)
    ).first()
    if other is not None and other != but:
        raise InvalidRequest(f"This category already has a ticket type {name!r}.", "name")


def create_ticket_type(
    category_id: int,
    name: str,
    price_cents: int,
    *,
    actor: Actor,
    quantity_limit: int | None = None,
    proof_note: str = "",
    db: Engine | None = None,
) -> TicketTypeInfo:
    """Add a ticket type to a category, after its other types."""
    fields = _clean(name, price_cents, quantity_limit, proof_note)

    def work(session: Session) -> TicketTypeInfo:
        _managed_category(session, category_id, actor)
        _name_taken(session, category_id, fields["name"])
        last = session.exec(
            select(TicketType.sort_order)
            .where(TicketType.category_id == category_id)
            .order_by(TicketType.sort_order.desc())
        ).first()
        row = TicketType(category_id=category_id, sort_order=(last or 0) + 1, **fields)
        session.add(row)
        session.flush()
        return info(row)

    return run(db, work)


def update_ticket_type(
    type_id: int,
    name: str,
    price_cents: int,
    *,
    actor: Actor,
    quantity_limit: int | None = None,
    proof_note: str = "",
    db: Engine | None = None,
) -> TicketTypeInfo:
    """Change a type; sold tickets keep the price they were sold at."""
    fields = _clean(name, price_cents, quantity_limit, proof_note)

    def work(session: Session) -> TicketTypeInfo:
        row = _managed_type(session, type_id, actor)
        _name_taken(session, row.category_id, fields["name"], but=row.id)
        for key, value in fields.items():
            setattr(row, key, value)
        session.add(row)
        session.flush()
        return info(row)

    return run(db, work)


def delete_ticket_type(type_id: int, *, actor: Actor, db: Engine | None = None) -> None:
    """Delete a type no ticket was sold as (its history would lose its name otherwise)."""

    def work(session: Session) -> None:
        row = _managed_type(session, type_id, actor)
        sold = session.exec(select(Ticket.id).where(Ticket.ticket_type_id == type_id)).first()
        if sold is not None:
            raise Conflict("Tickets were sold as this type; it can no longer be deleted.")
        session.delete(row)

    run(db, work)


def list_ticket_types(
    show_id: int, *, actor: Actor | None = None, db: Engine | None = None
) -> list[TicketTypeInfo]:
    """The show's ticket types, by category then in order (public: buyers choose from them)."""

    def work(session: Session) -> list[TicketTypeInfo]:
        if actor is not None:
            managed_show(session, show_id, actor)
        return types_of_show(session, show_id)

    return run(db, work)


def types_of_show(session: Session, show_id: int) -> list[TicketTypeInfo]:
    rows = session.exec(
        select(TicketType)
        .join(PriceCategory, PriceCategory.id == TicketType.category_id)
        .where(PriceCategory.show_id == show_id)
        .order_by(PriceCategory.rank, PriceCategory.id, TicketType.sort_order, TicketType.id)
    ).all()
    return [info(row) for row in rows]
