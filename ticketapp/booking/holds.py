"""Holds: a customer's cart of seats on one show, alive for the show's hold time.

Invariants:
- A customer has at most one live hold per show; seats chosen later join it (same id, same
  expiry: adding seats never extends the clock).
- A customer never holds more than `Show.max_seats_per_customer` seats of a show at once.
- Choosing seats is all-or-nothing: if any chosen seat is gone, nothing is claimed and
  `SeatsUnavailable` names exactly the seats that were lost.

How: `inventory.open_hold` locks the customer's row (serializing one customer's requests, never
other customers'), finds or creates the hold and applies the cap; then `inventory.claim` issues
the single conditional UPDATE. If fewer rows come back than were asked, raising rolls the whole
transaction back — the new hold included — so a failed request leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ticketapp.booking._tx import moment, run
from ticketapp.booking.errors import (
    Conflict,
    InvalidRequest,
    NotAllowed,
    NotFound,
    SeatsUnavailable,
)
from ticketapp.booking.inventory import (
    ACTIVE,
    CONFIRMED,
    RELEASED,
    claim,
    distinct_ids,
    hold_result,
    load_show,
    open_hold,
    release_hold_seats,
    seats_of_hold,
    show_currency,
    show_on_sale,
)
from ticketapp.booking.results import HoldResult, HoldSeat, HoldView
from ticketapp.models import Hold, PriceCategory, Role, SeatStatus, ShowSeat


def hold_seats(
    user_id: int,
    show_id: int,
    seat_ids: Iterable[int],
    *,
    now: datetime | None = None,
    db: Engine | None = None,
) -> HoldResult:
    """Hold exactly these seats for the customer, or none of them."""
    now = moment(now)
    wanted = distinct_ids(seat_ids)

    def work(session: Session) -> HoldResult:
        show = show_on_sale(session, show_id, now)
        hold, mine = open_hold(session, user_id, show, now, wanted)
        new = [seat_id for seat_id in wanted if seat_id not in mine]
        got = claim(session, hold, now, ShowSeat.id.in_(new)) if new else []
        lost = sorted(set(new) - set(got))
        if lost:
            raise seats_unavailable(session, show_id, lost)
        return hold_result(session, hold, got)

    return run(db, work)


def seats_unavailable(session: Session, show_id: int, lost: list[int]) -> Exception:
    """The error for seats a claim did not get: unknown ids are a bad request, not a race."""
    labels = dict(
        session.exec(
            select(ShowSeat.id, ShowSeat.label).where(
                ShowSeat.show_id == show_id, ShowSeat.id.in_(lost)
            )
        ).all()
    )
    unknown = [seat_id for seat_id in lost if seat_id not in labels]
    if unknown:
        return InvalidRequest(
            f"No such seat in this show: {', '.join(map(str, unknown))}.", "seat_ids"
        )
    return SeatsUnavailable(lost, [labels[seat_id] for seat_id in sorted(lost)])


def _locked_own_hold(session: Session, hold_id: int, user_id: int) -> Hold:
    hold = session.exec(
        select(Hold).where(Hold.id == hold_id).with_for_update(key_share=True)
    ).first()
    if hold is None:
        raise NotFound("No such hold.")
    if hold.user_id != user_id:
        raise NotAllowed("This is not your hold.")
    if hold.status == CONFIRMED:
        raise Conflict("This hold has already been booked; cancel the booking instead.")
    return hold


def release_seats(
    hold_id: int,
    seat_ids: Iterable[int],
    *,
    user_id: int,
    now: datetime | None = None,
    db: Engine | None = None,
) -> HoldResult:
    """Deselect some seats of a hold; a hold left empty is released. Returns what remains."""
    moment(now)
    ids = distinct_ids(seat_ids)

    def work(session: Session) -> HoldResult:
        hold = _locked_own_hold(session, hold_id, user_id)
        release_hold_seats(session, hold.id, ShowSeat.id.in_(ids))
        if hold.status == ACTIVE and not seats_of_hold(session, hold.id):
            hold.status = RELEASED
            session.add(hold)
        return hold_result(session, hold)

    return run(db, work)


def release_hold(
    hold_id: int, *, user_id: int, now: datetime | None = None, db: Engine | None = None
) -> list[int]:
    """Give every seat of the hold back; returns the released seat ids (none if already gone)."""
    moment(now)

    def work(session: Session) -> list[int]:
        hold = _locked_own_hold(session, hold_id, user_id)
        released = release_hold_seats(session, hold.id)
        if hold.status == ACTIVE:
            hold.status = RELEASED
            session.add(hold)
        return sorted(released)

    return run(db, work)


def get_hold(
    hold_id: int,
    *,
    user_id: int,
    user_role: str = Role.CUSTOMER,
    now: datetime | None = None,
    db: Engine | None = None,
) -> HoldView:
    """The hold with its seats and prices. Only its owner (or an admin) may look."""
    now = moment(now)

    def work(session: Session) -> HoldView:
        hold = session.get(Hold, hold_id)
        if hold is None:
            raise NotFound("No such hold.")
        if hold.user_id != user_id and user_role != Role.ADMIN:
            raise NotAllowed("This is not your hold.")
        return hold_view(session, hold, now)

    return run(db, work)


def current_hold(
    user_id: int, show_id: int, *, now: datetime | None = None, db: Engine | None = None
) -> HoldView | None:
    """The customer's live hold on the show, if any (to restore a cart after a reload)."""
    now = moment(now)

    def work(session: Session) -> HoldView | None:
        hold = session.exec(
            select(Hold)
            .where(
                Hold.user_id == user_id,
                Hold.show_id == show_id,
                Hold.status == ACTIVE,
                Hold.expires_at > now,
            )
            .order_by(Hold.id.desc())
        ).first()
        return hold_view(session, hold, now) if hold else None

    return run(db, work)


def hold_view(session: Session, hold: Hold, now: datetime) -> HoldView:
    show, event = load_show(session, hold.show_id)
    rows = session.exec(
        select(ShowSeat, PriceCategory)
        .join(PriceCategory, PriceCategory.id == ShowSeat.category_id)
        .where(ShowSeat.hold_id == hold.id, ShowSeat.status == SeatStatus.HELD)
        .order_by(ShowSeat.section, ShowSeat.y, ShowSeat.row_label, ShowSeat.x, ShowSeat.number)
    ).all()
    seats = tuple(
        HoldSeat(
            seat_id=seat.id,
            label=seat.label,
            section=seat.section,
            row_label=seat.row_label,
            number=seat.number,
            category_id=cat.id,
            category_name=cat.name,
            price_cents=cat.price_cents,
            is_general_admission=seat.is_general_admission,
        )
        for seat, cat in rows
    )
    return HoldView(
        hold_id=hold.id,
        show_id=hold.show_id,
        user_id=hold.user_id,
        status=hold.status,
        live=hold.status == ACTIVE and hold.expires_at > now,
        expires_at=hold.expires_at,
        seats=seats,
        total_cents=sum(s.price_cents for s in seats),
        currency=rows[0][1].currency if rows else show_currency(session, hold.show_id),
        event_title=event.title,
        venue_name=event.venue_name,
        starts_at=show.starts_at,
    )
