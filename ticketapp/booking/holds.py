"""Holds: a customer's cart of seats on one show, alive for the show's hold time.

Invariants:
- A customer has at most one live hold per show; seats chosen later join it (same id, same
  expiry: adding seats never extends the clock).
- A customer never holds more than `Show.max_seats_per_customer` seats of a show at once.
- Choosing seats is all-or-nothing: if any chosen seat is gone, nothing is claimed and
  `SeatsUnavailable` names exactly the seats that were lost.

How, in three statements of SQLAlchemy Core (this is the hot path of an on-sale rush):
1. lock the customer's row (serializing one customer's requests, never other customers'), read
   the show's sale rules and draw the id a new hold would get;
2. read the customer's live hold on the show (locking it, as confirm and release do), the seats
   it holds and the seats asked for — the cap and "already mine" are decided on this snapshot,
   which is taken after the lock of step 1 was granted;
3. one statement that inserts the new hold if there is none and claims the seats with the
   single conditional UPDATE of `inventory` (on PostgreSQL the INSERT rides along as a CTE;
   the Idempotency-Key's answer too). If fewer rows come back than were asked, raising rolls
   the whole transaction back — the new hold included — so a failed request leaves nothing.
Stale holds of the customer are not touched here: their seats are sellable to anyone by the
claim's own rule (`held_until <= now`) and the sweeper tidies their rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, insert, or_
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, select

from ticketapp.booking import idempotency, promo_codes, tables
from ticketapp.booking._tx import moment, run, run_core
from ticketapp.booking.access import Actor, require_buyer
from ticketapp.booking.bookings import booking_context, seats_to_book_columns
from ticketapp.booking.errors import (
    Conflict,
    HoldLimitExceeded,
    InvalidRequest,
    NotAllowed,
    NotFound,
    SeatsUnavailable,
)
from ticketapp.booking.hidden_categories import refuse_locked
from ticketapp.booking.hold_extension import can_extend
from ticketapp.booking.idempotency import Once, Replay
from ticketapp.booking.inventory import (
    ACTIVE,
    CONFIRMED,
    EXPIRED,
    RELEASED,
    check_sales_open,
    claim_statement,
    distinct_ids,
    hold_result,
    load_show,
    release_hold_seats,
    seats_of_hold,
    sellable,
    show_currency,
)
from ticketapp.booking.queue_pass import check_pass, renewed_pass
from ticketapp.booking.results import HoldResult, HoldSeat, HoldView
from ticketapp.booking.waiting_list import offer_returned_seats
from ticketapp.db import Batch, batch, fresh_ids
from ticketapp.models import Hold, PriceCategory, SeatStatus, ShowSeat


def hold_seats(
    user_id: int,
    show_id: int,
    seat_ids: Iterable[int],
    *,
    now: datetime | None = None,
    db: Engine | None = None,
    once: Once | None = None,
    access_code: str = "",
    queue_pass: str | None = None,
) -> HoldResult | Replay:
    """Hold exactly these seats for the customer, or none of them.

    Three statements (see the module docstring); with `once`, the Idempotency-Key's answer is
    read by the first and stored by the last. `access_code` lets its holder in before the
    sales open, and to the seats of hidden categories it unlocks (`promo_codes.AccessCode`:
    one more read, only then; without a code, hidden seats are refused on statement 2's
    snapshot, `hidden_categories`). While the
    show's waiting room is on, `queue_pass` must be the customer's valid pass (checked in
    Python: no statement).
    """
    now = moment(now)
    wanted = distinct_ids(seat_ids)

    def work(conn: Connection) -> HoldResult | Replay:
        return hold_seats_in(
            conn,
            user_id,
            show_id,
            wanted,
            now,
            once,
            access_code=access_code,
            queue_pass=queue_pass,
        )

    return run_core(db, work, once=once, now=now)


def hold_seats_in(
    conn: Connection,
    user_id: int,
    show_id: int,
    wanted: list[int],
    now: datetime,
    once: Once | None = None,
    access_code: str = "",
    queue_pass: str | None = None,
) -> HoldResult | Replay:
    """`hold_seats` inside the caller's transaction."""
    claimed = _hold(conn, user_id, show_id, wanted, now, once, access_code, queue_pass, False)
    return claimed if isinstance(claimed, Replay) else claimed.result


@dataclass(frozen=True, slots=True)
class Claimed:
    """A purchase's hold, with what its booking needs read on the way (no statement more)."""

    result: HoldResult
    new_hold: bool  # made by this transaction (no other can see it: it needs no lock)
    context: Any  # statement 1's row, with `bookings.booking_context`'s columns
    seat_rows: list[Any]  # statement 2's rows of the held seats (`bookings.seats_to_book_columns`)


def hold_for_purchase(
    conn: Connection,
    user_id: int,
    show_id: int,
    wanted: list[int],
    now: datetime,
    once: Once | None,
    access_code: str,
    queue_pass: str | None,
) -> Claimed | Replay:
    """`hold_seats_in` for a one-request purchase (`purchases`), in the same three statements
    and with every rule, which also read what the booking needs: statement 1 looks up the
    Idempotency-Key and reads the buyer, the event and a booking id; statement 2 reads the
    seats' categories, ticket types and ticket ids. The key's answer is not stored with the
    claim: the booking, in the same transaction, stores it."""
    return _hold(conn, user_id, show_id, wanted, now, once, access_code, queue_pass, True)


def _hold(
    conn: Connection,
    user_id: int,
    show_id: int,
    wanted: list[int],
    now: datetime,
    once: Once | None,
    access_code: str,
    queue_pass: str | None,
    purchase: bool,
) -> Claimed | Replay:
    access = promo_codes.access_code(conn, show_id, access_code, now)
    buyer = _lock_customer_on_show(conn, user_id, show_id, now, once, access, purchase)
    if isinstance(buyer, Replay):
        return buyer
    pass_until = check_pass(buyer.queue_enabled, queue_pass, user_id, show_id, now)
    rows = _hold_and_wanted_seats(conn, user_id, show_id, wanted, now, purchase)
    places = {row.id: _Place(*row[:11], row.hidden, row.category) for row in rows}
    live_id, live_until = (rows[0].live_id, rows[0].live_until) if rows else (None, None)
    unknown = [seat_id for seat_id in wanted if seat_id not in places]
    if unknown:
        raise InvalidRequest(
            f"No such seat in this show: {', '.join(map(str, unknown))}.", "seat_ids"
        )
    mine = {p.id for p in places.values() if live_id is not None and p.hold_id == live_id}
    new = [seat_id for seat_id in wanted if seat_id not in mine]
    if len(mine) + len(new) > buyer.max_seats_per_customer:
        raise HoldLimitExceeded(buyer.max_seats_per_customer, len(mine), len(new))
    # Hidden categories: decided on this snapshot, no statement unless a code was given.
    refuse_locked(
        access, [(i, places[i].label, places[i].category) for i in new if places[i].hidden]
    )
    # Seats already sold or held live in this statement's snapshot are lost for sure: say so
    # without queueing for their row locks (under a rush most conflicts end here).
    taken = [seat_id for seat_id in new if not places[seat_id].sellable]
    if taken:
        raise SeatsUnavailable(taken, [places[seat_id].label for seat_id in sorted(taken)])
    hold_id = live_id if live_id is not None else buyer.fresh_hold_id
    expires_at = live_until or now + timedelta(seconds=buyer.hold_seconds)
    held = sorted((places[i] for i in mine | set(new)), key=_seat_order)
    result = HoldResult(
        hold_id=hold_id,
        show_id=show_id,
        seat_ids=tuple(p.id for p in held),
        labels=tuple(p.label for p in held),
        expires_at=expires_at,
        total_cents=sum(p.price_cents for p in held),
        currency=held[0].currency if held else "EUR",
        added_seat_ids=tuple(sorted(new)),
        queue_pass=renewed_pass(user_id, show_id, pass_until, expires_at),
    )
    claimed = Claimed(result, live_id is None, buyer.row, rows)
    record = once if not purchase else None  # a purchase's booking stores the key's answer
    if not new:  # every seat asked for is already in the hold
        idempotency.record(conn, record, result, now)
        return claimed
    params = {
        "p_show_id": show_id,
        "p_user_id": user_id,
        "p_hold_id": hold_id,
        "p_expires_at": expires_at,
        "p_now": now,
        "p_seat_ids": new,
    }
    if record is not None:
        params.update(idempotency.record_params(record, result, now))
    claim = _claim_batch(conn.dialect.name, live_id is None, record is not None)
    got = {row[0] for row in claim.run(conn, params)}
    lost = sorted(set(new) - got)
    if lost:  # raising rolls the whole statement back: the new hold and the record included
        raise SeatsUnavailable(lost, [places[seat_id].label for seat_id in lost])
    return claimed


@cache
def _claim_batch(dialect: str, new_hold: bool, keyed: bool) -> Batch:
    """Statement 3: the conditional claim, with the new hold and the key's answer riding along."""
    h = tables.hold
    before = []
    if new_hold:
        before.append(
            insert(h).values(
                id=bindparam("p_hold_id"),
                show_id=bindparam("p_show_id"),
                user_id=bindparam("p_user_id"),
                created_at=bindparam("p_now"),
                expires_at=bindparam("p_expires_at"),
                status=ACTIVE,
            )
        )
    claim = claim_statement(
        bindparam("p_show_id"),
        bindparam("p_hold_id"),
        bindparam("p_expires_at"),
        bindparam("p_now"),
        tables.seat.c.id.in_(bindparam("p_seat_ids", expanding=True)),
    )
    return batch(dialect, claim, before=before, after=[idempotency.RECORD] if keyed else [])


@dataclass(frozen=True, slots=True)
class _Buyer:
    hold_seconds: int
    max_seats_per_customer: int
    fresh_hold_id: int
    queue_enabled: bool
    row: Any  # the whole row (a purchase books from it)


@dataclass(frozen=True, slots=True)
class _Place:
    id: int
    label: str
    section: str
    row_label: str
    number: int
    x: int | None
    y: int | None
    hold_id: int | None
    price_cents: int
    currency: str
    sellable: bool  # `inventory.sellable`, decided by the statement that read the row
    hidden: bool  # of a hidden category (`hidden_categories`)
    category: str


def _seat_order(place: _Place) -> tuple:
    return (place.section, place.y or 0, place.row_label, place.x or 0, place.number)


def _lock_customer_on_show(
    conn: Connection,
    user_id: int,
    show_id: int,
    now: datetime,
    once: Once | None,
    access: promo_codes.AccessCode | None = None,
    purchase: bool = False,
) -> _Buyer | Replay:
    """Statement 1: lock the customer's row, read the show's sale rules, draw a hold id.

    The lock serializes one customer's requests on any show (never other customers'): that is
    what keeps the cap exact when one person clicks in two tabs. The customer's hold is read
    by the NEXT statement, whose snapshot is taken after this lock is granted.
    """
    row = conn.execute(
        _customer_and_show(conn.dialect.name, once is not None, purchase),
        {"p_user_id": user_id, "p_show_id": show_id, **idempotency.params(once)},
    ).first()
    replay = idempotency.replay_from(conn, row, once)
    if replay is not None:
        return replay
    if row is None:
        raise NotFound("No such show.")
    require_buyer(row.buyer_role)
    check_sales_open(
        row.event_status,
        row.show_status,
        row.starts_at,
        row.sales_open_at,
        row.sales_close_at,
        now,
        presale=access.open_presale if access is not None else None,
    )
    return _Buyer(
        row.hold_seconds, row.max_seats_per_customer, row.fresh_hold_id, row.queue_enabled, row
    )


@cache
def _customer_and_show(dialect: str, keyed: bool, purchase: bool = False) -> Any:
    u, s, e = tables.user, tables.show, tables.event
    query = (
        select(
            s.c.hold_seconds,
            s.c.max_seats_per_customer,
            s.c.status.label("show_status"),
            s.c.starts_at,
            s.c.sales_open_at,
            s.c.sales_close_at,
            e.c.status.label("event_status"),
            u.c.role.label("buyer_role"),
            fresh_ids("hold", dialect).label("fresh_hold_id"),
            s.c.queue_enabled,  # the waiting room's gate rides along: no statement of its own
            *(
                (s.c.id.label("show_id"), u.c.id.label("user_id"), *booking_context(dialect))
                if purchase
                else ()
            ),
        )
        .select_from(s.join(e, e.c.id == s.c.event_id).join(u, u.c.id == bindparam("p_user_id")))
        .where(s.c.id == bindparam("p_show_id"))
    )
    return idempotency.outer_join(query, keyed).with_for_update(of=u, key_share=True)


def _hold_and_wanted_seats(
    conn: Connection, user_id: int, show_id: int, wanted: list[int], now: datetime, purchase: bool
) -> list[Any]:
    """Statement 2: the customer's live hold on the show (locked), its seats and the wanted ones.

    The hold row is locked like confirm and release lock it, so seats never join a hold that
    is being booked or released at this moment. Each row starts with `_Place`'s fields and
    names the live hold (`live_id`, `live_until`); for a purchase there is one row per ticket
    type of the seat's category, with what `bookings.book_held_seats` needs.
    """
    return conn.execute(
        _hold_and_wanted_statement(conn.dialect.name, purchase),
        {"p_user_id": user_id, "p_show_id": show_id, "p_now": now, "p_seat_ids": wanted},
    ).all()


@cache
def _hold_and_wanted_statement(dialect: str, purchase: bool) -> Any:
    h, st, c, tt = tables.hold, tables.seat, tables.category, tables.ticket_type
    live = (
        select(h.c.id, h.c.expires_at)
        .where(
            h.c.user_id == bindparam("p_user_id"),
            h.c.show_id == bindparam("p_show_id"),
            h.c.status == ACTIVE,
            h.c.expires_at > bindparam("p_now"),
        )
        .order_by(h.c.id.desc())
        .limit(1)
        .with_for_update(key_share=True)
        .cte("live")
    )
    live_id = select(live.c.id).scalar_subquery()
    columns = [
        st.c.id,
        st.c.label,
        st.c.section,
        st.c.row_label,
        st.c.number,
        st.c.x,
        st.c.y,
        st.c.hold_id,
        c.c.price_cents,
        c.c.currency,
        sellable(bindparam("p_now")).label("sellable"),
        live_id.label("live_id"),
        select(live.c.expires_at).scalar_subquery().label("live_until"),
        c.c.hidden,
        c.c.name.label("category"),
    ]
    source = st.join(c, c.c.id == st.c.category_id)
    order: list[Any] = []
    if purchase:
        for_booking, order = seats_to_book_columns(dialect)
        names = {column.key for column in columns}
        columns += [column for column in for_booking if column.key not in names]
        source = source.outerjoin(tt, tt.c.category_id == c.c.id)
    return (
        select(*columns)
        .select_from(source)
        .where(
            st.c.show_id == bindparam("p_show_id"),
            or_(
                st.c.id.in_(bindparam("p_seat_ids", expanding=True)),
                and_(st.c.hold_id == live_id, st.c.status == SeatStatus.HELD),
            ),
        )
        .order_by(*order)
    )


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
    now = moment(now)
    ids = distinct_ids(seat_ids)

    def work(session: Session) -> HoldResult:
        hold = _locked_own_hold(session, hold_id, user_id)
        if release_hold_seats(session, hold.id, ShowSeat.id.in_(ids)):
            offer_returned_seats(session.connection(), hold.show_id, now, skip_user_id=user_id)
        if hold.status == ACTIVE and not seats_of_hold(session, hold.id):
            hold.status = RELEASED
            session.add(hold)
        return hold_result(session, hold)

    return run(db, work)


def release_hold(
    hold_id: int, *, user_id: int, now: datetime | None = None, db: Engine | None = None
) -> list[int]:
    """Give every seat of the hold back; returns the released seat ids (none if already gone)."""
    now = moment(now)

    def work(session: Session) -> list[int]:
        hold = _locked_own_hold(session, hold_id, user_id)
        released = release_hold_seats(session, hold.id)
        if released:
            offer_returned_seats(session.connection(), hold.show_id, now, skip_user_id=user_id)
        if hold.status == ACTIVE:
            hold.status = RELEASED
            session.add(hold)
        return sorted(released)

    return run(db, work)


def get_hold(
    hold_id: int,
    *,
    actor: Actor,
    now: datetime | None = None,
    db: Engine | None = None,
) -> HoldView:
    """The hold with its seats and prices. Only its owner (or an admin) may look."""
    now = moment(now)

    def work(session: Session) -> HoldView:
        hold = session.get(Hold, hold_id)
        if hold is None:
            raise NotFound("No such hold.")
        if hold.user_id != actor.id and not actor.is_admin:
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
        # An active hold whose time ran out IS expired, whether or not the sweeper marked it.
        status=EXPIRED if hold.status == ACTIVE and hold.expires_at <= now else hold.status,
        live=hold.status == ACTIVE and hold.expires_at > now,
        expires_at=hold.expires_at,
        seats=seats,
        total_cents=sum(s.price_cents for s in seats),
        currency=rows[0][1].currency if rows else show_currency(session, hold.show_id),
        event_title=event.title,
        venue_name=event.venue_name,
        starts_at=show.starts_at,
        timezone=event.timezone,
        extendable=can_extend(hold, show, now),
    )
