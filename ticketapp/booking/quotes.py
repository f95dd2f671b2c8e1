"""What a handful of seats would cost right now: the running summary of a selection.

A plain read, no locks: a selection is a wish, not a claim. Only `hold_seats` decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ticketapp.booking._tx import moment, run
from ticketapp.booking.inventory import sellable
from ticketapp.models import PriceCategory, ShowSeat


@dataclass(frozen=True)
class SeatQuote:
    seat_id: int
    label: str
    section: str
    row_label: str
    number: int
    category: str
    price_cents: int
    currency: str
    sellable: bool
    category_id: int = 0
    hidden: bool = False  # of a hidden category: only an access code that unlocks it sells it


def quote_seats(
    show_id: int,
    seat_ids: list[int],
    *,
    now: datetime | None = None,
    db: Engine | None = None,
) -> list[SeatQuote]:
    """Quotes for the seats of this show among `seat_ids` (others are ignored), in id order."""
    if not seat_ids:
        return []
    now = moment(now)

    def work(session: Session) -> list[SeatQuote]:
        rows = session.exec(
            select(ShowSeat, PriceCategory, sellable(now))
            .join(PriceCategory, PriceCategory.id == ShowSeat.category_id)
            .where(ShowSeat.show_id == show_id, ShowSeat.id.in_(seat_ids))
            .order_by(ShowSeat.id)
        ).all()
        return [
            SeatQuote(
                seat_id=seat.id,
                label=seat.label,
                section=seat.section,
                row_label=seat.row_label,
                number=seat.number,
                category=cat.name,
                price_cents=cat.price_cents,
                currency=cat.currency,
                sellable=bool(sellable),
                category_id=cat.id,
                hidden=cat.hidden,
            )
            for seat, cat, sellable in rows
        ]

    return run(db, work)
