"""Seat inventory: the few statements that move a `ShowSeat` between statuses.

Invariant: a place belongs to at most one live claim. It is *sellable* when it is available, or
held by a hold whose time has run out (`held_until <= now`) — expiry is decided in SQL by the
clock of the operation, so nothing depends on the sweeper having run.

Why the SQL is shaped so:
- A claim is ONE conditional UPDATE over exactly the places involved:
  `WITH locked AS MATERIALIZED (SELECT id ... <wanted and sellable> ORDER BY id FOR UPDATE
  [SKIP LOCKED]) UPDATE show_seat SET status='held', ... WHERE id IN (SELECT id FROM locked)
  AND <sellable> RETURNING id`. The rows that come back are the rows we own; fewer rows than
  asked means someone else owns the rest. There is no read-then-write window and no lock on
  the show: buyers of different seats never wait for each other.
- The locking CTE takes the row locks in id order. Two buyers of overlapping sets then
  queue on the same first seat instead of each holding a seat the other wants (a deadlock).
  PostgreSQL re-checks the WHERE clause on the newest row version once a lock is granted, so
  a waiter sees the winner's committed claim and skips that seat.
- Chosen seats wait for locks (the answer must be exact); best-available and general admission
  pass `skip_locked` so a herd spreads over other places instead of queueing behind one.
- SQLite has no row locks: `FOR UPDATE` is simply not emitted there, and BEGIN IMMEDIATE
  (ticketapp.db) serializes writers, so the same statement is exact on both databases.
- A customer's requests on one show are serialized by a row lock on that customer (`FOR NO
  KEY UPDATE` on app_user, which does not block inserts that merely reference the user). That is
  what keeps the per-customer cap exact when one person clicks in two tabs; other customers
  never touch that lock.
- Lock order, everywhere: customer row, then hold row, then seat rows (in id order). Confirm
  and release start at the hold row, cancel at the booking row; none goes back up the chain,
  so no two engine operations can wait for each other in a circle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from ticketapp.booking.access import require_buyer
from ticketapp.booking.errors import (
    HoldLimitExceeded,
    InvalidRequest,
    NotFound,
    SalesClosed,
)
from ticketapp.booking.results import HoldResult
from ticketapp.booking.sales_status import SalesStatus, sales_status
from ticketapp.booking.tables import hold as holds
from ticketapp.booking.tables import seat as seats
from ticketapp.models import (
    Event,
    EventStatus,
    Hold,
    HoldStatus,
    PriceCategory,
    SeatStatus,
    Show,
    ShowSeat,
    User,
    WaitingEntry,
    WaitingStatus,
)

# Short names for the hold statuses this module and its neighbours use most.
ACTIVE, RELEASED, CONFIRMED, EXPIRED = (
    HoldStatus.ACTIVE,
    HoldStatus.RELEASED,
    HoldStatus.CONFIRMED,
    HoldStatus.EXPIRED,
)
MAX_SEATS_PER_REQUEST = 100


def sellable(now: datetime) -> ColumnElement[bool]:
    """Free, or held by a hold that has run out."""
    return or_(
        seats.c.status == SeatStatus.AVAILABLE,
        and_(seats.c.status == SeatStatus.HELD, seats.c.held_until <= now),
    )


def nobody_waiting(show_id: Any) -> ColumnElement[bool]:
    """True while nobody waits on the show's list (`show_id`: an int or a bind parameter).

    Uncorrelated, so PostgreSQL runs it once per statement (an InitPlan on an index).
    """
    waiting = WaitingEntry.__table__
    return ~exists().where(waiting.c.show_id == show_id, waiting.c.status == WaitingStatus.WAITING)


def anyone_waiting(show_id: Any) -> ColumnElement[bool]:
    """`nobody_waiting`'s opposite as a column: a freeing UPDATE returns it with its rows, so
    learning whether the waiting list wants the seats costs no statement of its own."""
    return (~nobody_waiting(show_id)).label("anyone_waiting")


def held_live(now: datetime) -> ColumnElement[bool]:
    return and_(seats.c.status == SeatStatus.HELD, seats.c.held_until > now)


def locked_seat_ids(*where: Any, skip_locked: bool = False, limit: int | None = None):
    """The ids matching `where`, row-locked in id order (see the module docstring).

    A MATERIALIZED CTE, not a plain IN (subquery): PostgreSQL may plan the latter as a
    semi-join that re-runs the subquery for every outer row, and a re-run no longer sees the
    rows this very statement just updated — with LIMIT it then picks *more* places.
    """
    query = select(seats.c.id).where(*where).order_by(seats.c.id)
    if limit is not None:
        query = query.limit(limit)
    return query.with_for_update(skip_locked=skip_locked).cte("locked").prefix_with("MATERIALIZED")


def seat_update(*where: Any, skip_locked: bool = False, limit: int | None = None, **values: Any):
    """One conditional UPDATE of the seats matching `where`, returning the ids it changed."""
    return (
        update(seats)
        .where(
            seats.c.id.in_(
                select(locked_seat_ids(*where, skip_locked=skip_locked, limit=limit).c.id)
            ),
            *where,
        )
        .values(version=seats.c.version + 1, **values)
        .returning(seats.c.id)
        # Run through an ORM session, seats loaded there are not updated behind its back.
        .execution_options(synchronize_session=False)
    )


def claim_statement(
    show_id: int,
    hold_id: int,
    held_until: datetime,
    now: datetime,
    *where: Any,
    skip_locked: bool = False,
    limit: int | None = None,
):
    """The conditional claim of the sellable seats of a show matching `where` for a hold.

    While anyone waits on the show's list, the seats of an expired hold are not claimable:
    they are the list's (booking/waiting_list.py), and the sweeper offers them to it.
    """
    return seat_update(
        seats.c.show_id == show_id,
        sellable(now),
        or_(seats.c.status == SeatStatus.AVAILABLE, nobody_waiting(show_id)),
        *where,
        skip_locked=skip_locked,
        limit=limit,
        status=SeatStatus.HELD,
        hold_id=hold_id,
        held_until=held_until,
    )


def claim(
    session: Session,
    hold: Hold,
    now: datetime,
    *where: Any,
    skip_locked: bool = False,
    limit: int | None = None,
) -> list[int]:
    """Claim the sellable seats of `hold.show_id` matching `where` for `hold`; return their ids."""
    stmt = claim_statement(
        hold.show_id, hold.id, hold.expires_at, now, *where, skip_locked=skip_locked, limit=limit
    )
    return list(session.connection().execute(stmt).scalars())


def release_hold_seats(
    session: Session, hold_id: int, *where: Any, skip_locked: bool = False
) -> list[int]:
    """Put the seats still held by `hold_id` back on sale."""
    stmt = release_statement(hold_id, *where, skip_locked=skip_locked)
    return list(session.connection().execute(stmt).scalars())


def release_statement(hold_id: int, *where: Any, skip_locked: bool = False):
    """The UPDATE putting the seats still held by `hold_id` (and matching `where`) on sale."""
    return seat_update(
        seats.c.hold_id == hold_id,
        seats.c.status == SeatStatus.HELD,
        *where,
        skip_locked=skip_locked,
        status=SeatStatus.AVAILABLE,
        hold_id=None,
        held_until=None,
    )


def distinct_ids(seat_ids: Iterable[int]) -> list[int]:
    try:
        ids = sorted({int(i) for i in seat_ids})
    except (TypeError, ValueError) as exc:
        raise InvalidRequest("Seat ids must be integers.", "seat_ids") from exc
    if not ids:
        raise InvalidRequest("Choose at least one seat.", "seat_ids")
    if len(ids) > MAX_SEATS_PER_REQUEST:
        raise InvalidRequest("Too many seats in one request.", "seat_ids")
    return ids


def check_quantity(quantity: int) -> int:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise InvalidRequest("Ask for at least one seat.", "quantity")
    if quantity > MAX_SEATS_PER_REQUEST:
        raise InvalidRequest("Too many seats in one request.", "quantity")
    return quantity


# --- the show ------------------------------------------------------------------------------


def load_show(session: Session, show_id: int) -> tuple[Show, Event]:
    row = session.exec(
        select(Show, Event).join(Event, Event.id == Show.event_id).where(Show.id == show_id)
    ).first()
    if row is None:
        raise NotFound("No such show.")
    return row[0], row[1]


def check_on_sale(
    show: Show, event: Event, now: datetime, presale: Callable[[], None] | None = None
) -> None:
    """Sales happen only on a published event's scheduled show, inside its sales window."""
    check_sales_open(
        event.status,
        show.status,
        show.starts_at,
        show.sales_open_at,
        show.sales_close_at,
        now,
        presale=presale,
    )


def check_sales_open(
    event_status: str,
    show_status: str,
    starts_at: datetime,
    sales_open_at: datetime | None,
    sales_close_at: datetime | None,
    now: datetime,
    *,
    presale: Callable[[], None] | None = None,
) -> None:
    """`check_on_sale` for callers that read the columns, not the rows: the refusal for
    whatever `sales_status` says, when it says anything but on sale.

    `presale`: before the sales open, this decides instead (it raises to refuse): an access
    code's holder may buy early (`promo_codes.AccessCode.open_presale`).
    """
    status = sales_status(
        show_status=show_status,
        event_status=event_status,
        starts_at=starts_at,
        sales_open_at=sales_open_at,
        sales_close_at=sales_close_at,
        now=now,
    )
    if status == SalesStatus.ON_SALE:
        return
    if status == SalesStatus.NOT_YET and presale is not None:
        presale()
        return
    if event_status != EventStatus.PUBLISHED:
        raise SalesClosed("This event is not on sale.")
    raise SalesClosed(_CLOSED_BECAUSE[status])


_CLOSED_BECAUSE = {
    SalesStatus.CANCELLED: "This show has been cancelled.",
    SalesStatus.STARTED: "This show has already started.",
    SalesStatus.NOT_YET: "Sales for this show have not opened yet.",
    SalesStatus.CLOSED: "Sales for this show have closed.",
}


def show_on_sale(
    session: Session, show_id: int, now: datetime, presale: Callable[[], None] | None = None
) -> Show:
    show, event = load_show(session, show_id)
    check_on_sale(show, event, now, presale)
    return show


# --- the customer's hold -------------------------------------------------------------------


def lock_customer(session: Session, user_id: int) -> None:
    found = session.exec(
        select(User.id, User.role).where(User.id == user_id).with_for_update(key_share=True)
    ).first()
    if found is None:
        raise NotFound("No such user.")
    require_buyer(found.role)


def expire_hold(session: Session, hold: Hold, now: datetime) -> list[int]:
    """Mark a hold past its time as expired and put its remaining seats back on sale (or to
    the waiting list; the hold's own customer, choosing seats now, gets no offer from it)."""
    released = expire_hold_in(
        session.connection(), hold.id, hold.show_id, now, skip_user_id=hold.user_id
    )
    set_committed_value(hold, "status", EXPIRED)  # the row is written; keep the object in step
    return released


def expire_hold_in(
    conn: Connection,
    hold_id: int,
    show_id: int,
    now: datetime,
    *,
    skip_user_id: int | None = None,
) -> list[int]:
    """`expire_hold` on a Core connection: mark it expired, put its seats back on sale."""
    # Imported here: the waiting list builds on this module's claim and release statements.
    from ticketapp.booking.waiting_list import offer_returned_seats

    conn.execute(update(holds).where(holds.c.id == hold_id).values(status=EXPIRED))
    # SKIP LOCKED: a locked seat of an expired hold is being taken by another buyer right now.
    rows = conn.execute(
        release_statement(hold_id, skip_locked=True).returning(anyone_waiting(show_id))
    ).all()
    if rows and rows[0].anyone_waiting:
        offer_returned_seats(conn, show_id, now, skip_user_id=skip_user_id, anyone_waiting=True)
    return [row[0] for row in rows]


def seats_of_hold(session: Session, hold_id: int) -> list[int]:
    return list(
        session.exec(
            select(ShowSeat.id).where(
                ShowSeat.hold_id == hold_id, ShowSeat.status == SeatStatus.HELD
            )
        )
    )


def open_hold(
    session: Session, user_id: int, show: Show, now: datetime, asked: Iterable[int] | int
) -> tuple[Hold, set[int]]:
    """The customer's live hold on `show` (locked), or a new one; and the seats it holds.

    Raises HoldLimitExceeded if the seats asked for (ids, or a count of new seats) would take
    the customer past the show's cap. Must run before any claim in the transaction.
    """
    lock_customer(session, user_id)
    holds = session.exec(
        select(Hold)
        .where(Hold.user_id == user_id, Hold.show_id == show.id, Hold.status == ACTIVE)
        .order_by(Hold.id)
        .with_for_update(key_share=True)
    ).all()
    live = None
    for hold in holds:
        if hold.expires_at <= now or live is not None:
            expire_hold(session, hold, now)
        else:
            live = hold
    mine = set(seats_of_hold(session, live.id)) if live else set()
    new = asked if isinstance(asked, int) else len(set(asked) - mine)
    if len(mine) + new > show.max_seats_per_customer:
        raise HoldLimitExceeded(show.max_seats_per_customer, len(mine), new)
    if live is None:
        live = Hold(
            show_id=show.id,
            user_id=user_id,
            created_at=now,
            expires_at=now + timedelta(seconds=show.hold_seconds),
        )
        session.add(live)
        session.flush()
    return live, mine


def hold_result(session: Session, hold: Hold, added: Iterable[int] = ()) -> HoldResult:
    rows = session.exec(
        select(ShowSeat.id, ShowSeat.label, PriceCategory.price_cents, PriceCategory.currency)
        .join(PriceCategory, PriceCategory.id == ShowSeat.category_id)
        .where(ShowSeat.hold_id == hold.id, ShowSeat.status == SeatStatus.HELD)
        .order_by(ShowSeat.section, ShowSeat.y, ShowSeat.row_label, ShowSeat.x, ShowSeat.number)
    ).all()
    currency = rows[0][3] if rows else show_currency(session, hold.show_id)
    return HoldResult(
        hold_id=hold.id,
        show_id=hold.show_id,
        seat_ids=tuple(r[0] for r in rows),
        labels=tuple(r[1] for r in rows),
        expires_at=hold.expires_at,
        total_cents=sum(r[2] for r in rows),
        currency=currency,
        added_seat_ids=tuple(sorted(added)),
    )


def show_currency(session: Session, show_id: int) -> str:
    currency = session.exec(
        select(func.min(PriceCategory.currency)).where(PriceCategory.show_id == show_id)
    ).first()
    return currency or "EUR"
