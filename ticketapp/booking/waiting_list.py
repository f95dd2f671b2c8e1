"""The waiting list after sell-out: returned seats go to the people who waited, in list order.

Invariants:
- A customer has at most one open place (waiting, or holding an offer) on a show's list. They
  join only when what they ask for — a quantity up to the show's cap, optionally one price
  category or accessible seats — cannot be had right now; they can see and leave their place.
- Seats that come back — a cancellation, an expired or given-back hold, an organizer
  unblocking or adding places — are offered in the transaction that freed them: the first
  person in list order whom the free seats fit (category, accessibility, the whole quantity
  at once, side by side in one row when possible) gets them as an ordinary `Hold` lasting the
  show's offer window (`Show.waiting_offer_seconds`, 30 minutes by default), linked from their
  entry (`hold_id`), and an e-mail with the link to check out goes into the outbox in the same
  transaction. Checkout and the sweeper need nothing new: an offer IS a hold.
- An offer not taken in time is passed on: the sweeper, expiring the hold, marks the entry
  lapsed and offers the seats to the next person in that same transaction.
- Returned seats are never sold past the list: while a show has anyone waiting, a seat goes
  back to `available` only if nobody on the list fits it, and the claim statement refuses
  seats of an expired hold (`nobody_waiting`), so the sweeper passes them to the list before
  anyone else can take them. Seats that were available all along stay on open sale.
- When the organizer turns the list off, or the show is cancelled, starts or stops selling,
  the people still waiting are let go (entries `closed`; the page says so, no mail is sent);
  offers already made stay valid until they run out.

Why it is shaped so (the hot path stays cheap):
- A seat-freeing path learns whether anyone waits from its own UPDATE (`RETURNING` the
  uncorrelated EXISTS `inventory.anyone_waiting`: cancelling, expiring a hold) or pays one
  indexed EXISTS (`offer_returned_seats`, the rarer paths). The claim statement carries
  `nobody_waiting` inside the statement that already runs (an uncorrelated subquery
  PostgreSQL evaluates once), so holding and confirming keep their statement budgets.
- Offering locks the show's waiting entries in list order (FOR UPDATE): two transactions
  freeing seats of one show at the same moment queue there, and the second, once the first
  has committed, no longer sees the first one's offered entry (PostgreSQL re-checks the row)
  and sees the first one's seats as held — two offers, never one twice. Everything else is
  taken with SKIP LOCKED (the waiting customer's row, free seats), so an offer never waits
  for a buyer in the middle of a request, and no lock cycle can form: a busy customer is
  simply passed over this time and stays first in line.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from ticketapp.booking import outbox
from ticketapp.booking import tables as t
from ticketapp.booking._tx import moment, run
from ticketapp.booking.access import Actor, managed_show
from ticketapp.booking.errors import Conflict, InvalidRequest, NotAllowed, NotFound, SalesClosed
from ticketapp.booking.inventory import (
    ACTIVE,
    CONFIRMED,
    check_on_sale,
    claim_statement,
    load_show,
    nobody_waiting,
    release_statement,
    sellable,
)
from ticketapp.booking.sales_status import SalesStatus, sales_status
from ticketapp.formatting import show_time
from ticketapp.models import (
    Hold,
    PriceCategory,
    SeatStatus,
    Show,
    ShowSeat,
    User,
    WaitingEntry,
    WaitingStatus,
)

entries = WaitingEntry.__table__
WAITING, OFFERED, BOOKED, LAPSED, LEFT, CLOSED = (
    WaitingStatus.WAITING,
    WaitingStatus.OFFERED,
    WaitingStatus.BOOKED,
    WaitingStatus.LAPSED,
    WaitingStatus.LEFT,
    WaitingStatus.CLOSED,
)
OPEN = (WAITING, OFFERED)
OFFER_MAIL = "waiting_list_offer"
OFFER_KEY_PREFIX = "waiting-offer:"  # the outbox dedupe key of an offer: one mail per offer
MIN_OFFER_SECONDS, MAX_OFFER_SECONDS = 60, 7 * 24 * 3600


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """Seats offered to a waiting customer, as a hold that lasts the offer window."""

    entry_id: int
    user_id: int
    hold_id: int
    seat_ids: tuple[int, ...]
    expires_at: datetime


@dataclass(frozen=True)
class WaitingPlace:
    """A customer's place on a show's list, as they see it."""

    entry_id: int
    show_id: int
    quantity: int
    category_id: int | None
    category_name: str
    accessible: bool
    status: str  # waiting|offered|booked|lapsed|left|closed
    position: int | None  # 1 = next in line (waiting only)
    hold_id: int | None  # the offer, while it can be taken
    offer_expires_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class WaitingListEntry:
    """One line of the organizer's view of the list."""

    entry_id: int
    position: int | None
    customer_name: str
    customer_email: str
    quantity: int
    category_name: str
    accessible: bool
    status: str
    offer_expires_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class WaitingListSummary:
    """The organizer's view of a show's list: who waits, for how many seats."""

    show_id: int
    enabled: bool
    offer_seconds: int
    waiting: int  # people waiting
    seats_wanted: int  # the seats they want together
    offers_open: int  # offers made and not yet taken or run out
    entries: tuple[WaitingListEntry, ...]


@dataclass(frozen=True)
class WaitingListStatus:
    """What a show's page needs to offer the list: is it open, what is sold out, my place."""

    show_id: int
    enabled: bool  # open and the show on sale
    offer_seconds: int
    sold_out: bool  # no place of the show can be had right now
    sold_out_category_ids: tuple[int, ...]
    place: WaitingPlace | None  # the customer's latest place, if any


# --- the guard on claims ---------------------------------------------------------------------


def claimable(show_id: Any, now: Any) -> ColumnElement[bool]:
    """Sellable, except that an expired hold's seats belong to the list while anyone waits."""
    return and_(
        sellable(now),
        or_(t.seat.c.status == SeatStatus.AVAILABLE, nobody_waiting(show_id)),
    )


# --- offering freed seats ---------------------------------------------------------------------


def offer_returned_seats(
    conn: Connection,
    show_id: int,
    now: datetime,
    *,
    skip_user_id: int | None = None,
    anyone_waiting: bool | None = None,
) -> list[Offer]:
    """Offer the show's free seats to its waiting list, in list order, in the caller's
    transaction. Call it right after seats of the show became available.

    `anyone_waiting`: what the freeing UPDATE already returned (`inventory.anyone_waiting`);
    unknown (None), it costs one indexed EXISTS. `skip_user_id`: a customer whose own request
    is freeing the seats (they are building a cart right now and get no offer from it).
    """
    if anyone_waiting is None:
        anyone_waiting = (
            conn.execute(
                select(entries.c.id)
                .where(entries.c.show_id == show_id, entries.c.status == WAITING)
                .limit(1)
            ).first()
            is not None
        )
    if not anyone_waiting:
        return []
    return _offer(conn, show_id, now, skip_user_id)


def _offer(
    conn: Connection, show_id: int, now: datetime, skip_user_id: int | None = None
) -> list[Offer]:
    show = conn.execute(
        select(
            t.show.c.status,
            t.show.c.starts_at,
            t.show.c.sales_open_at,
            t.show.c.sales_close_at,
            t.show.c.waiting_list_enabled,
            t.show.c.waiting_offer_seconds,
            t.event.c.status.label("event_status"),
            t.event.c.title,
            t.event.c.venue_name,
            t.event.c.venue_address,
            t.event.c.timezone,
        )
        .select_from(t.show.join(t.event, t.event.c.id == t.show.c.event_id))
        .where(t.show.c.id == show_id)
    ).first()
    if show is None or not show.waiting_list_enabled:
        return []
    on_sale = sales_status(
        show_status=show.status,
        event_status=show.event_status,
        starts_at=show.starts_at,
        sales_open_at=show.sales_open_at,
        sales_close_at=show.sales_close_at,
        now=now,
    )
    if on_sale != SalesStatus.ON_SALE:
        if on_sale not in (SalesStatus.NOT_YET, SalesStatus.NOT_PUBLISHED):
            # Cancelled, started or past its sales: nothing will come back for these people.
            conn.execute(
                update(entries)
                .where(entries.c.show_id == show_id, entries.c.status == WAITING)
                .values(status=CLOSED, ended_at=now)
            )
        return []
    waiting = conn.execute(
        select(entries)
        .where(entries.c.show_id == show_id, entries.c.status == WAITING)
        .order_by(entries.c.id)
        .with_for_update(of=entries)
    ).all()
    pool = _free_seats(conn, show_id)
    offers: list[Offer] = []
    for entry in waiting:
        if not pool:
            break
        if entry.user_id == skip_user_id:
            continue
        fits = [
            s
            for s in pool
            if (entry.category_id is None or s.category_id == entry.category_id)
            and (not entry.accessible or s.accessible)
        ]
        if len(fits) < entry.quantity:
            continue
        seat_ids = _together(fits, entry.quantity)
        offer = _make_offer(conn, entry, seat_ids, show, show_id, now)
        if offer is not None:
            offers.append(offer)
            taken = set(offer.seat_ids)
            pool = [s for s in pool if s.id not in taken]
    return offers


def _free_seats(conn: Connection, show_id: int) -> list[Any]:
    s = t.seat
    return conn.execute(
        select(
            s.c.id,
            s.c.category_id,
            s.c.accessible,
            s.c.section,
            s.c.row_label,
            s.c.number,
            s.c.x,
            s.c.y,
        )
        # Places of hidden categories are for access-code holders, never offered to the list.
        .join(t.category, and_(t.category.c.id == s.c.category_id, t.category.c.hidden.is_(False)))
        .where(s.c.show_id == show_id, s.c.status == SeatStatus.AVAILABLE)
        .order_by(s.c.section, s.c.y, s.c.row_label, s.c.x, s.c.number, s.c.id)
    ).all()


def _together(fits: Sequence[Any], quantity: int) -> list[int]:
    """`quantity` seats side by side in one row when there are such, else the first ones.

    Standing places (no x) are interchangeable: any of them are "together".
    """
    rows: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for seat in fits:
        rows[(seat.section, seat.row_label)].append(seat)
    for row in rows.values():
        if row[0].x is None:
            if len(row) >= quantity:
                return [s.id for s in row[:quantity]]
            continue
        row.sort(key=lambda s: s.x)
        for start in range(len(row) - quantity + 1):
            block = row[start : start + quantity]
            if block[-1].x - block[0].x == quantity - 1:
                return [s.id for s in block]
    return [s.id for s in fits[:quantity]]


def _make_offer(
    conn: Connection, entry: Any, seat_ids: list[int], show: Any, show_id: int, now: datetime
) -> Offer | None:
    """Hold `seat_ids` for the entry's customer and mail them; None if that cannot be now."""
    customer = conn.execute(
        select(t.user.c.id, t.user.c.name, t.user.c.email, t.user.c.disabled)
        .where(t.user.c.id == entry.user_id)
        .with_for_update(key_share=True, skip_locked=True)
    ).first()
    if customer is None or customer.disabled:
        return None  # busy in a request of their own right now: first in line next time
    live = conn.execute(
        select(t.hold.c.id).where(
            t.hold.c.user_id == entry.user_id,
            t.hold.c.show_id == show_id,
            t.hold.c.status == ACTIVE,
            t.hold.c.expires_at > now,
        )
    ).first()
    if live is not None:
        return None  # one live hold per customer and show: they are choosing seats now
    expires_at = now + timedelta(seconds=show.waiting_offer_seconds)
    hold_id = conn.execute(
        insert(t.hold)
        .values(
            show_id=show_id,
            user_id=entry.user_id,
            created_at=now,
            expires_at=expires_at,
            status=ACTIVE,
        )
        .returning(t.hold.c.id)
    ).scalar_one()
    got = list(
        conn.execute(
            claim_statement(
                show_id,
                hold_id,
                expires_at,
                now,
                t.seat.c.id.in_(seat_ids),
                t.seat.c.status == SeatStatus.AVAILABLE,
                skip_locked=True,
            )
        ).scalars()
    )
    if len(got) < len(seat_ids):
        # A buyer took one of them this instant: no partial offer; give back what we got.
        conn.execute(release_statement(hold_id))
        conn.execute(update(t.hold).where(t.hold.c.id == hold_id).values(status="released"))
        return None
    conn.execute(
        update(entries)
        .where(entries.c.id == entry.id)
        .values(status=OFFERED, hold_id=hold_id, offered_at=now)
    )
    labels = conn.execute(
        select(t.seat.c.label).where(t.seat.c.id.in_(got)).order_by(t.seat.c.id)
    ).scalars()
    _enqueue_offer_mail(conn, customer, show, hold_id, list(labels), expires_at, now)
    return Offer(entry.id, entry.user_id, hold_id, tuple(sorted(got)), expires_at)


@dataclass(frozen=True)
class OfferMail:
    """What an offer mail reports, as committed; stored as JSON in `OutboxMail.payload`."""

    kind: str
    hold_id: int
    buyer_name: str
    event_title: str
    venue_name: str
    venue_address: str
    starts_at: datetime
    timezone: str
    seats: tuple[str, ...]
    expires_at: datetime
    checkout_path: str

    def to_json(self) -> str:
        data = dict(self.__dict__)
        data["starts_at"] = self.starts_at.isoformat()
        data["expires_at"] = self.expires_at.isoformat()
        data["seats"] = list(self.seats)
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> OfferMail:
        data = json.loads(text)
        data["starts_at"] = datetime.fromisoformat(data["starts_at"])
        data["expires_at"] = datetime.fromisoformat(data["expires_at"])
        data["seats"] = tuple(data["seats"])
        return cls(**data)


def checkout_path(hold_id: int) -> str:
    # The checkout page's path (ticketapp.routes.checkout_url); the mail prefixes the site.
    return f"/checkout/{hold_id}"


def _enqueue_offer_mail(
    conn: Connection,
    customer: Any,
    show: Any,
    hold_id: int,
    labels: list[str],
    expires_at: datetime,
    now: datetime,
) -> None:
    mail = OfferMail(
        kind=OFFER_MAIL,
        hold_id=hold_id,
        buyer_name=customer.name,
        event_title=show.title,
        venue_name=show.venue_name,
        venue_address=show.venue_address,
        starts_at=show.starts_at,
        timezone=show.timezone,
        seats=tuple(labels),
        expires_at=expires_at,
        checkout_path=checkout_path(hold_id),
    )
    title = " ".join(show.title.split())
    row = {
        "dedupe_key": f"{OFFER_KEY_PREFIX}{hold_id}",
        "kind": OFFER_MAIL,
        "booking_id": None,
        "to_address": customer.email,
        "subject": f"Seats for you: {title}, {show_time(show.starts_at, show.timezone)}"[:300],
        "payload": mail.to_json(),
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "claim_token": "",
        "last_error": "",
        "created_at": now,
    }
    conn.execute(outbox.insert_mail(conn.dialect.name, row))


# --- the sweeper's part ----------------------------------------------------------------------


def after_sweep(conn: Connection, now: datetime) -> list[Offer]:
    """Close the offers that ended, then offer free seats on every show with people waiting.

    Runs in the sweeper's transaction, after it expired stale holds and freed their seats;
    with no list in use anywhere (the usual case) it costs one indexed look.
    """
    in_use = conn.execute(select(entries.c.id).where(entries.c.status.in_(OPEN)).limit(1)).first()
    if in_use is None:
        return []
    held = select(t.hold.c.id)
    conn.execute(
        update(entries)
        .where(
            entries.c.status == OFFERED,
            entries.c.hold_id.in_(held.where(t.hold.c.status == CONFIRMED)),
        )
        .values(status=BOOKED, ended_at=now)
    )
    conn.execute(
        update(entries)
        .where(
            entries.c.status == OFFERED,
            entries.c.hold_id.in_(
                held.where(
                    or_(
                        t.hold.c.status.not_in((ACTIVE, CONFIRMED)),
                        and_(t.hold.c.status == ACTIVE, t.hold.c.expires_at <= now),
                    )
                )
            ),
        )
        .values(status=LAPSED, ended_at=now)
    )
    shows = conn.execute(
        select(entries.c.show_id)
        .where(entries.c.status == WAITING)
        .group_by(entries.c.show_id)
        .order_by(entries.c.show_id)
    ).scalars()
    offers: list[Offer] = []
    for show_id in list(shows):
        offers += _offer(conn, show_id, now)
    return offers


# --- the customer's doors --------------------------------------------------------------------


def join_waiting_list(
    user_id: int,
    show_id: int,
    quantity: int,
    *,
    category_id: int | None = None,
    accessible: bool = False,
    now: datetime | None = None,
    db: Engine | None = None,
) -> WaitingPlace:
    """Put the customer on the show's list, if what they ask for is sold out."""
    now = moment(now)
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise InvalidRequest("Ask for at least one seat.", "quantity")

    def work(session: Session) -> WaitingPlace:
        conn = session.connection()
        locked = conn.execute(
            select(t.user.c.id).where(t.user.c.id == user_id).with_for_update(key_share=True)
        ).first()
        if locked is None:
            raise NotFound("No such user.")
        show, event = load_show(session, show_id)
        check_on_sale(show, event, now)
        if not show.waiting_list_enabled:
            raise SalesClosed("This show has no waiting list.")
        if quantity > show.max_seats_per_customer:
            raise InvalidRequest(
                f"At most {show.max_seats_per_customer} seats per customer for this show.",
                "quantity",
            )
        if category_id is not None:
            found = session.get(PriceCategory, category_id)
            if found is None or found.show_id != show_id or found.hidden:
                raise InvalidRequest("No such price category for this show.", "category_id")
        if _open_entry(conn, user_id, show_id) is not None:
            raise Conflict("You are already on this show's waiting list.")
        free = conn.execute(
            select(func.count(t.seat.c.id))
            .select_from(t.seat.join(t.category, t.category.c.id == t.seat.c.category_id))
            .where(
                t.category.c.hidden.is_(False),
                t.seat.c.show_id == show_id,
                claimable(show_id, now),
                *([t.seat.c.category_id == category_id] if category_id is not None else []),
                *([t.seat.c.accessible.is_(True)] if accessible else []),
            )
        ).scalar_one()
        if free >= quantity:
            raise Conflict(
                "Seats like these are still on sale: choose them on the seat map instead."
            )
        entry_id = conn.execute(
            insert(entries)
            .values(
                show_id=show_id,
                user_id=user_id,
                quantity=quantity,
                category_id=category_id,
                accessible=bool(accessible),
                status=WAITING,
                created_at=now,
            )
            .returning(entries.c.id)
        ).scalar_one()
        return _place(conn, entry_id, now)

    return run(db, work)


def waiting_list_status(
    show_id: int,
    *,
    user_id: int | None = None,
    now: datetime | None = None,
    db: Engine | None = None,
) -> WaitingListStatus:
    """May the list be joined, what is sold out, and the customer's place (if a user)."""
    now = moment(now)

    def work(session: Session) -> WaitingListStatus:
        show, event = load_show(session, show_id)
        try:
            check_on_sale(show, event, now)
            on_sale = True
        except SalesClosed:
            on_sale = False
        conn = session.connection()
        free = dict(
            conn.execute(
                select(t.category.c.id, func.count(t.seat.c.id))
                .select_from(
                    t.category.outerjoin(
                        t.seat,
                        and_(t.seat.c.category_id == t.category.c.id, claimable(show_id, now)),
                    )
                )
                .where(t.category.c.show_id == show_id)
                .group_by(t.category.c.id)
            ).all()
        )
        place = None
        if user_id is not None:
            entry_id = _latest_entry(conn, user_id, show_id)
            place = _place(conn, entry_id, now) if entry_id is not None else None
        return WaitingListStatus(
            show_id=show_id,
            enabled=show.waiting_list_enabled and on_sale,
            offer_seconds=show.waiting_offer_seconds,
            sold_out=sum(free.values()) == 0,
            sold_out_category_ids=tuple(sorted(c for c, n in free.items() if n == 0)),
            place=place,
        )

    return run(db, work)


def _latest_entry(conn: Connection, user_id: int, show_id: int) -> int | None:
    return conn.execute(
        select(entries.c.id)
        .where(entries.c.user_id == user_id, entries.c.show_id == show_id)
        .order_by(entries.c.id.desc())
        .limit(1)
    ).scalar()


def my_waiting_place(
    user_id: int, show_id: int, *, now: datetime | None = None, db: Engine | None = None
) -> WaitingPlace | None:
    """The customer's latest place on the show's list (open or not), if they ever joined."""
    now = moment(now)

    def work(session: Session) -> WaitingPlace | None:
        conn = session.connection()
        entry_id = _latest_entry(conn, user_id, show_id)
        return _place(conn, entry_id, now) if entry_id is not None else None

    return run(db, work)


def get_waiting_place(
    entry_id: int, *, actor: Actor, now: datetime | None = None, db: Engine | None = None
) -> WaitingPlace:
    now = moment(now)

    def work(session: Session) -> WaitingPlace:
        conn = session.connection()
        owner = conn.execute(select(entries.c.user_id).where(entries.c.id == entry_id)).scalar()
        if owner is None:
            raise NotFound("No such waiting-list place.")
        if owner != actor.id and not actor.is_admin:
            raise NotAllowed("This is not your place on the waiting list.")
        return _place(conn, entry_id, now)

    return run(db, work)


def leave_waiting_list(
    entry_id: int, *, user_id: int, now: datetime | None = None, db: Engine | None = None
) -> WaitingPlace:
    """Leave the list; an offer not yet taken is given back and goes to the next person."""
    now = moment(now)

    def work(session: Session) -> WaitingPlace:
        conn = session.connection()
        conn.execute(
            select(t.user.c.id).where(t.user.c.id == user_id).with_for_update(key_share=True)
        )
        entry = conn.execute(
            select(entries).where(entries.c.id == entry_id).with_for_update(of=entries)
        ).first()
        if entry is None:
            raise NotFound("No such waiting-list place.")
        if entry.user_id != user_id:
            raise NotAllowed("This is not your place on the waiting list.")
        if entry.status not in OPEN:
            return _place(conn, entry_id, now)
        if entry.status == OFFERED:
            hold = conn.execute(
                select(t.hold.c.status)
                .where(t.hold.c.id == entry.hold_id)
                .with_for_update(key_share=True)
            ).scalar()
            if hold == CONFIRMED:
                raise Conflict("You booked these seats already; cancel the booking instead.")
            if hold == ACTIVE:
                conn.execute(release_statement(entry.hold_id))
                conn.execute(
                    update(t.hold).where(t.hold.c.id == entry.hold_id).values(status="released")
                )
        conn.execute(
            update(entries).where(entries.c.id == entry_id).values(status=LEFT, ended_at=now)
        )
        offer_returned_seats(conn, entry.show_id, now, skip_user_id=user_id)
        return _place(conn, entry_id, now)

    return run(db, work)


def _open_entry(conn: Connection, user_id: int, show_id: int) -> int | None:
    """The customer's open entry: waiting, or an offer that can still be taken."""
    for entry in conn.execute(
        select(entries.c.id, entries.c.status, t.hold.c.status.label("hold_status"))
        .select_from(entries.outerjoin(t.hold, t.hold.c.id == entries.c.hold_id))
        .where(
            entries.c.user_id == user_id,
            entries.c.show_id == show_id,
            entries.c.status.in_(OPEN),
        )
    ).all():
        if entry.status == WAITING or entry.hold_status == ACTIVE:
            return entry.id
    return None


def _effective_status(status: str, hold_status: str | None, expires_at: Any, now: datetime) -> str:
    """An offer's state follows its hold, whether or not the sweeper has written it down."""
    if status != OFFERED:
        return status
    if hold_status == CONFIRMED:
        return BOOKED
    if hold_status != ACTIVE or expires_at is None or expires_at <= now:
        return LAPSED
    return OFFERED


def _place(conn: Connection, entry_id: int, now: datetime) -> WaitingPlace:
    row = conn.execute(
        select(
            entries,
            t.hold.c.status.label("hold_status"),
            t.hold.c.expires_at.label("hold_expires_at"),
            t.category.c.name.label("category_name"),
        )
        .select_from(
            entries.outerjoin(t.hold, t.hold.c.id == entries.c.hold_id).outerjoin(
                t.category, t.category.c.id == entries.c.category_id
            )
        )
        .where(entries.c.id == entry_id)
    ).one()
    status = _effective_status(row.status, row.hold_status, row.hold_expires_at, now)
    position = None
    if status == WAITING:
        position = conn.execute(
            select(func.count(entries.c.id)).where(
                entries.c.show_id == row.show_id,
                entries.c.status == WAITING,
                entries.c.id <= row.id,
            )
        ).scalar_one()
    offered = status == OFFERED
    return WaitingPlace(
        entry_id=row.id,
        show_id=row.show_id,
        quantity=row.quantity,
        category_id=row.category_id,
        category_name=row.category_name or "",
        accessible=row.accessible,
        status=status,
        position=position,
        hold_id=row.hold_id if offered else None,
        offer_expires_at=row.hold_expires_at if offered else None,
        created_at=row.created_at,
    )


# --- the organizer's doors -------------------------------------------------------------------


def waiting_list_summary(
    show_id: int, *, actor: Actor, now: datetime | None = None, db: Engine | None = None
) -> WaitingListSummary:
    """The show's list for its organizer: count, quantities wanted, open offers, the lines."""
    now = moment(now)

    def work(session: Session) -> WaitingListSummary:
        show, _event = managed_show(session, show_id, actor)
        return _summary(session.connection(), show, now)

    return run(db, work)


def set_waiting_list(
    show_id: int,
    *,
    actor: Actor,
    enabled: bool,
    offer_seconds: int | None = None,
    now: datetime | None = None,
    db: Engine | None = None,
) -> WaitingListSummary:
    """Turn the show's list on or off and set the offer window. Turning it off closes the
    places still waiting (offers already made stay valid until they run out)."""
    now = moment(now)
    if offer_seconds is not None and not (MIN_OFFER_SECONDS <= offer_seconds <= MAX_OFFER_SECONDS):
        raise InvalidRequest(
            "The offer window must be between 1 minute and 7 days.", "offer_seconds"
        )

    def work(session: Session) -> WaitingListSummary:
        show, _event = managed_show(session, show_id, actor)
        conn = session.connection()
        conn.execute(
            update(t.show)
            .where(t.show.c.id == show_id)
            .values(
                waiting_list_enabled=bool(enabled),
                waiting_offer_seconds=offer_seconds or show.waiting_offer_seconds,
            )
        )
        if not enabled:
            conn.execute(
                update(entries)
                .where(entries.c.show_id == show_id, entries.c.status == WAITING)
                .values(status=CLOSED, ended_at=now)
            )
        session.expire(show)
        return _summary(conn, session.get(Show, show_id), now)

    return run(db, work)


def _summary(conn: Connection, show: Show, now: datetime) -> WaitingListSummary:
    rows = conn.execute(
        select(
            entries,
            t.user.c.name.label("user_name"),
            t.user.c.email.label("user_email"),
            t.hold.c.status.label("hold_status"),
            t.hold.c.expires_at.label("hold_expires_at"),
            t.category.c.name.label("category_name"),
        )
        .select_from(
            entries.join(t.user, t.user.c.id == entries.c.user_id)
            .outerjoin(t.hold, t.hold.c.id == entries.c.hold_id)
            .outerjoin(t.category, t.category.c.id == entries.c.category_id)
        )
        .where(entries.c.show_id == show.id)
        .order_by(entries.c.id)
    ).all()
    lines = []
    position = 0
    for row in rows:
        status = _effective_status(row.status, row.hold_status, row.hold_expires_at, now)
        if status == WAITING:
            position += 1
        lines.append(
            WaitingListEntry(
                entry_id=row.id,
                position=position if status == WAITING else None,
                customer_name=row.user_name,
                customer_email=row.user_email,
                quantity=row.quantity,
                category_name=row.category_name or "",
                accessible=row.accessible,
                status=status,
                offer_expires_at=row.hold_expires_at if status == OFFERED else None,
                created_at=row.created_at,
            )
        )
    waiting = [line for line in lines if line.status == WAITING]
    return WaitingListSummary(
        show_id=show.id,
        enabled=show.waiting_list_enabled,
        offer_seconds=show.waiting_offer_seconds,
        waiting=len(waiting),
        seats_wanted=sum(line.quantity for line in waiting),
        offers_open=sum(1 for line in lines if line.status == OFFERED),
        entries=tuple(lines),
    )


# --- for the invariant checker ---------------------------------------------------------------


def unserved_fits(session: Session, now: datetime) -> list[str]:
    """Shows where an available seat set fits someone waiting (the list was sold past)."""
    problems = []
    shows = session.scalars(
        select(Show)
        .where(Show.id.in_(select(entries.c.show_id).where(entries.c.status == WAITING)))
        .order_by(Show.id)
    ).all()
    for show in shows:
        if not show.waiting_list_enabled:
            continue
        _show, event = load_show(session, show.id)
        try:
            check_on_sale(show, event, now)
        except SalesClosed:
            continue
        free = session.execute(  # hidden categories' places are never the list's
            select(ShowSeat.category_id, ShowSeat.accessible)
            .join(PriceCategory, PriceCategory.id == ShowSeat.category_id)
            .where(
                ShowSeat.show_id == show.id,
                ShowSeat.status == SeatStatus.AVAILABLE,
                PriceCategory.hidden.is_(False),
            )
        ).all()
        busy = set(
            session.scalars(
                select(Hold.user_id).where(
                    Hold.show_id == show.id, Hold.status == ACTIVE, Hold.expires_at > now
                )
            ).all()
        )
        for entry in session.scalars(
            select(WaitingEntry)
            .where(WaitingEntry.show_id == show.id, WaitingEntry.status == WAITING)
            .order_by(WaitingEntry.id)
        ).all():
            if entry.user_id in busy:
                continue  # passed over while choosing seats themselves
            if session.get(User, entry.user_id).disabled:
                continue
            n = sum(
                1
                for category_id, accessible in free
                if (entry.category_id is None or category_id == entry.category_id)
                and (not entry.accessible or accessible)
            )
            if n >= entry.quantity:
                problems.append(
                    f"sold_past_list: show {show.id} has {n} available seats that fit "
                    f"waiting entry {entry.id} ({entry.quantity} wanted)"
                )
    return problems
