"""General admission: hold N places of a standing area, never more than its capacity.

Invariant: a general-admission area never sells more places than it has. Its capacity is
materialized as one `ShowSeat` row per place (is_general_admission=True), so "never over
capacity" is the same row-level guarantee as for numbered seats: a place is one row, and one
row is in at most one live hold or booking.

Why the SQL is shaped so: the places are interchangeable, so the claim names no ids. It is one
UPDATE whose locking subquery picks the first N sellable places with `LIMIT n FOR UPDATE SKIP
LOCKED` (skipped on SQLite, where writers are serialized): a thousand buyers at once each take
different rows instead of queueing on the first free one. If the claim comes back short — the
remaining places are being claimed by others this instant — the savepoint is rolled back and
we look again: if the committed count of sellable places is below N, the answer is
NotEnoughSeats; otherwise retry (bounded, with jitter; the last attempts wait for locks, which
guarantees progress).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ticketapp.booking import promo_codes
from ticketapp.booking._tx import jitter, moment, run
from ticketapp.booking.errors import (
    InvalidRequest,
    NotEnoughSeats,
    SalesClosed,
    TemporarilyUnavailable,
)
from ticketapp.booking.hidden_categories import locked_names
from ticketapp.booking.idempotency import Once, Replay
from ticketapp.booking.inventory import (
    check_quantity,
    claim,
    hold_result,
    open_hold,
    sellable,
    show_on_sale,
)
from ticketapp.booking.promo_codes import AccessCode
from ticketapp.booking.queue_pass import check_pass, renewed_pass
from ticketapp.booking.results import HoldResult
from ticketapp.db import is_postgres
from ticketapp.models import PriceCategory, ShowSeat

MAX_ATTEMPTS = 40
WAITING_ATTEMPTS = 8


def hold_general_admission(
    user_id: int,
    show_id: int,
    quantity: int,
    *,
    section: str | None = None,
    now: datetime | None = None,
    db: Engine | None = None,
    once: Once | None = None,
    access_code: str = "",
    queue_pass: str | None = None,
) -> HoldResult | Replay:
    """Hold `quantity` places in `section` (default: the best-ranked area with room)."""
    now = moment(now)
    check_quantity(quantity)

    def work(session: Session) -> HoldResult:
        return general_admission_in(
            session,
            user_id,
            show_id,
            quantity,
            section,
            now,
            access_code=access_code,
            queue_pass=queue_pass,
        )

    return run(db, work, once=once, now=now)


def general_admission_in(
    session: Session,
    user_id: int,
    show_id: int,
    quantity: int,
    section: str | None,
    now: datetime,
    access_code: str = "",
    queue_pass: str | None = None,
) -> HoldResult:
    """`hold_general_admission` inside the caller's transaction (a one-request purchase)."""
    access = promo_codes.access_code(session.connection(), show_id, access_code, now)
    show = show_on_sale(session, show_id, now, access.open_presale if access else None)
    pass_until = check_pass(show.queue_enabled, queue_pass, user_id, show_id, now)
    area = section if section is not None else _best_area(session, show_id, now, quantity, access)
    where = (ShowSeat.is_general_admission.is_(True), ShowSeat.section == area)
    category = _category_of(session, show_id, area) if area is not None else None
    if category is None:
        raise InvalidRequest("No such standing area in this show.", "section")
    if category.hidden and locked_names(access, {category.name}):
        raise SalesClosed("This standing area is not for sale.")
    hold, _ = open_hold(session, user_id, show, now, quantity)
    racing = is_postgres(session.get_bind())
    for attempt in range(MAX_ATTEMPTS):
        waiting = attempt >= MAX_ATTEMPTS - WAITING_ATTEMPTS
        savepoint = session.begin_nested()
        got = claim(session, hold, now, *where, skip_locked=racing and not waiting, limit=quantity)
        if len(got) == quantity:
            savepoint.commit()
            held = hold_result(session, hold, got)
            return replace(
                held, queue_pass=renewed_pass(user_id, show_id, pass_until, held.expires_at)
            )
        savepoint.rollback()
        left = session.exec(
            select(func.count(ShowSeat.id)).where(
                ShowSeat.show_id == show_id, sellable(now), *where
            )
        ).one()
        if left < quantity:
            raise NotEnoughSeats(f"Only {left} places are left in {area}.")
        jitter(attempt)
    raise TemporarilyUnavailable("Many people are booking this show right now; try again.")


def _category_of(session: Session, show_id: int, area: str) -> Any | None:
    """The price category (hidden, name) of a standing area; None if there is no such area."""
    return session.exec(
        select(PriceCategory.hidden, PriceCategory.name)
        .join(ShowSeat, ShowSeat.category_id == PriceCategory.id)
        .where(
            ShowSeat.show_id == show_id,
            ShowSeat.is_general_admission.is_(True),
            ShowSeat.section == area,
        )
        .limit(1)
    ).first()


def _best_area(
    session: Session, show_id: int, now: datetime, quantity: int, access: AccessCode | None
) -> str | None:
    """The best-ranked standing area with `quantity` places left; the best one if none has.
    Areas of hidden categories closed to this customer are not candidates."""
    rows = session.exec(
        select(
            ShowSeat.section,
            func.count(ShowSeat.id).filter(sellable(now)),
            PriceCategory.hidden,
            PriceCategory.name,
        )
        .join(PriceCategory, PriceCategory.id == ShowSeat.category_id)
        .where(ShowSeat.show_id == show_id, ShowSeat.is_general_admission.is_(True))
        .group_by(ShowSeat.section, PriceCategory.rank, PriceCategory.hidden, PriceCategory.name)
        .order_by(PriceCategory.rank, ShowSeat.section)
    ).all()
    closed = locked_names(access, {row.name for row in rows if row.hidden})
    areas = [(area, left) for area, left, hidden, name in rows if not (hidden and name in closed)]
    for area, left in areas:
        if left >= quantity:
            return area
    return areas[0][0] if areas else None
