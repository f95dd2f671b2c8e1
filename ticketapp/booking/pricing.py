"""What each ticket of a checkout costs: the ticket type chosen per seat, less the promo code's
discount; the claim of the code's use and of the types' quantities; giving them back.

Invariants:
- With no ticket types and no code, a ticket costs its category's price and nothing is
  claimed: the confirm runs exactly the statements it ran before ticket types existed.
- Otherwise the confirm claims, in ONE statement on PostgreSQL (data-modifying CTEs), the
  code's use (`UPDATE promo_code SET uses = uses + 1 WHERE ... AND uses < max_uses`), the
  customer's use (an upsert on promo_code_use whose DO UPDATE is guarded by the per-customer
  limit) and every chosen type's quantity (`UPDATE ticket_type SET sold = sold + n WHERE
  sold + n <= quantity_limit`). Each is a conditional write on one row: concurrent buyers
  queue on that row's lock and PostgreSQL re-checks the condition on the newest version, so a
  limit can never be overrun, and no buyer waits for buyers of other codes or types.
- Anything the claim refuses raises a typed error, which rolls the whole confirm back: the
  hold, the code's count and the types' counts are as they were.
- Cancelling a booking gives back its code use and its types' quantities (`release_in`).
- The checkout's preview (`quote_checkout`) applies the same rules (`ticket_types.choose`,
  `promo_codes.refusal`, `promo_codes.discounts`) without claiming anything.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import JSON, Integer, bindparam, func, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, select

from ticketapp.booking._tx import moment, run
from ticketapp.booking.access import Actor
from ticketapp.booking.errors import Conflict, InvalidRequest, NotAllowed, NotFound
from ticketapp.booking.promo_codes import (
    PER_CUSTOMER_USED,
    CodeRefused,
    Rule,
    discounts,
    normalize,
    refusal,
    rule_of,
)
from ticketapp.booking.ticket_types import Choice, choose
from ticketapp.models import (
    Booking,
    Event,
    Hold,
    PriceCategory,
    PromoCode,
    PromoCodeUse,
    SeatStatus,
    Show,
    ShowSeat,
    Ticket,
    TicketType,
)


class TypeSoldOut(InvalidRequest):
    """A chosen ticket type has fewer tickets left than asked."""

    code = "ticket_type_sold_out"

    def __init__(self, name: str, left: int) -> None:
        super().__init__(
            f"Only {left} '{name}' ticket(s) are left; choose another type.", "ticket_types"
        )


@dataclass(frozen=True)
class Line:
    """One seat of a checkout, priced."""

    seat_id: int
    label: str
    section: str
    category_name: str
    type_id: int | None
    type_name: str  # "" for a category's implicit type
    list_price_cents: int  # the type's (or the category's) price
    discount_cents: int
    options: tuple[Choice, ...]  # the category's types (empty: it has none)

    @property
    def price_cents(self) -> int:
        return self.list_price_cents - self.discount_cents


@dataclass(frozen=True)
class Priced:
    lines: tuple[Line, ...]
    rule: Rule | None

    @property
    def discount_cents(self) -> int:
        return sum(line.discount_cents for line in self.lines)

    @property
    def total_cents(self) -> int:
        return sum(line.price_cents for line in self.lines)


def group_types(rows: Sequence[Any]) -> list[tuple[Any, tuple[Choice, ...]]]:
    """Seat rows joined to their category's types (one row per type, NULLs for none), in
    seat order then type order -> (the seat's first row, its types)."""
    seats: dict[int, tuple[Any, list[Choice]]] = {}
    for row in rows:
        _, types = seats.setdefault(row.id, (row, []))
        if row.type_id is not None:
            types.append(
                Choice(row.type_id, row.type_name, row.type_price_cents, row.type_proof_note)
            )
    return [(first, tuple(types)) for first, types in seats.values()]


def price(
    seats: Sequence[tuple[Any, tuple[Choice, ...]]],
    chosen: Mapping[int, int] | None,
    rule: Rule | None,
    show_id: int,
) -> Priced:
    """Price the seats (rows with id, label, section, category_name, price_cents)."""
    picks = choose([(s.id, s.label, s.price_cents, types) for s, types in seats], chosen)
    cuts = (
        discounts(
            rule,
            show_id,
            [
                (s.category_name, p.name, p.price_cents)
                for (s, _), p in zip(seats, picks, strict=True)
            ],
        )
        if rule is not None
        else [0] * len(picks)
    )
    return Priced(
        tuple(
            Line(
                s.id,
                s.label,
                s.section,
                s.category_name,
                p.type_id,
                p.name,
                p.price_cents,
                cut,
                types,
            )
            for (s, types), p, cut in zip(seats, picks, cuts, strict=True)
        ),
        rule,
    )


def price_confirm(
    conn: Connection,
    seats: Sequence[tuple[Any, tuple[Choice, ...]]],
    *,
    chosen: Mapping[int, int] | None,
    promo_code: str,
    show_id: int,
    event_id: int,
    user_id: int,
    now: datetime,
) -> Priced:
    """Price the confirm's seats, claiming the code's use and the types' quantities (one
    statement, and only when a code is given or a seat sells as an explicit type)."""
    unclaimed = price(seats, chosen, None, show_id)  # validates the choice before any claim
    code = normalize(promo_code)
    counts = Counter(line.type_id for line in unclaimed.lines if line.type_id is not None)
    if not code and not counts:
        return unclaimed
    rule = _claim(conn, event_id, user_id, code, counts, now)
    return price(seats, chosen, rule, show_id) if rule is not None else unclaimed


def _claim(
    conn: Connection,
    event_id: int,
    user_id: int,
    code: str,
    counts: Counter,
    now: datetime,
) -> Rule | None:
    type_ids, type_counts = list(counts), [counts[i] for i in counts]
    params = {
        "p_event_id": event_id,
        "p_user_id": user_id,
        "p_code": code or None,
        "p_now": now,
        "p_type_ids": type_ids,
        "p_type_counts": type_counts,
    }
    if conn.dialect.name == "postgresql":
        row = conn.execute(_claim_statement(), params).one()
        types_claimed, customer_claimed, code_row = row.types_claimed, row.customer_claimed, row
        code_claimed = row.id is not None
    else:  # SQLite: writers are serialized (BEGIN IMMEDIATE), one step after the other
        code_row = conn.execute(_CODE_CLAIM, params).first() if code else None
        code_claimed = code_row is not None
        customer_claimed = (
            conn.execute(_CUSTOMER_CLAIM, {**params, "p_code_id": code_row.id}).first() is not None
            if code_claimed
            else 0
        )
        types_claimed = sum(
            conn.execute(_TYPE_CLAIM, {"p_type_id": i, "p_n": n}).rowcount
            for i, n in counts.items()
        )
    if types_claimed != len(type_ids):
        _explain_types(conn, counts)
    if not code:
        return None
    if code_claimed and not customer_claimed:  # (the read below would see our own claim)
        raise CodeRefused(PER_CUSTOMER_USED)
    if not code_claimed:
        _explain_code(conn, event_id, user_id, code, now)
    return rule_of(code_row)


_CODE_CLAIM_SQL = """
    UPDATE promo_code SET uses = uses + 1
    WHERE event_id = :p_event_id AND code = :p_code
      AND (valid_from IS NULL OR valid_from <= :p_now)
      AND (valid_until IS NULL OR valid_until > :p_now)
      AND (max_uses IS NULL OR uses < max_uses)
    RETURNING id, code, kind, value, show_ids, category_names, ticket_type_names, unlocks_presale,
              unlocks_hidden
"""
_CUSTOMER_CLAIM_SQL = """
    INSERT INTO promo_code_use (code_id, user_id, uses) {source}
    ON CONFLICT (code_id, user_id) DO UPDATE SET uses = promo_code_use.uses + 1
    WHERE promo_code_use.uses < coalesce(
        (SELECT p.max_uses_per_customer FROM promo_code p WHERE p.id = promo_code_use.code_id),
        2147483647)
    RETURNING uses
"""
_TYPE_CLAIM_SQL = """
    UPDATE ticket_type SET sold = sold + {n}
    {source}
    WHERE ticket_type.id = {type_id}
      AND (ticket_type.quantity_limit IS NULL
           OR ticket_type.sold + {n} <= ticket_type.quantity_limit)
"""
# By name: positional columns would be matched to the result's first columns.
_JSON_COLUMNS = {"show_ids": JSON, "category_names": JSON, "ticket_type_names": JSON}
# Typed as the column it is compared with: SQLite compares times as the text it stores.
_NOW = bindparam("p_now", type_=PromoCode.__table__.c.valid_until.type)
_CODE_CLAIM = text(_CODE_CLAIM_SQL).bindparams(_NOW).columns(**_JSON_COLUMNS)
# `WHERE true` keeps SQLite's parser from reading ON CONFLICT as part of the SELECT's join.
_CUSTOMER_CLAIM = text(
    _CUSTOMER_CLAIM_SQL.format(source="SELECT :p_code_id, :p_user_id, 1 WHERE true")
)
_TYPE_CLAIM = text(_TYPE_CLAIM_SQL.format(n=":p_n", type_id=":p_type_id", source=""))


@cache
def _claim_statement() -> Any:
    """PostgreSQL: the code's, the customer's and the types' claims in one round trip. It
    always answers one row: the counts of what was claimed and the code's rule (NULLs when no
    code was given or it was refused)."""
    sql = f"""
        WITH code_claim AS ({_CODE_CLAIM_SQL}),
        customer_claim AS ({
        _CUSTOMER_CLAIM_SQL.format(
            source="SELECT id, CAST(:p_user_id AS INTEGER), 1 FROM code_claim WHERE true"
        )
    }),
        type_claim AS ({
        _TYPE_CLAIM_SQL.format(
            n="wanted.n",
            type_id="wanted.id",
            source="FROM unnest(CAST(:p_type_ids AS INTEGER[]), CAST(:p_type_counts AS INTEGER[]))"
            " AS wanted(id, n)",
        )
    } RETURNING ticket_type.id)
        SELECT (SELECT count(*) FROM type_claim) AS types_claimed,
               (SELECT count(*) FROM customer_claim) AS customer_claimed,
               code_claim.*
        FROM (SELECT 1) AS one LEFT JOIN code_claim ON true
    """
    return (
        text(sql)
        .bindparams(
            _NOW,
            bindparam("p_type_ids", type_=ARRAY(Integer)),
            bindparam("p_type_counts", type_=ARRAY(Integer)),
        )
        .columns(**_JSON_COLUMNS)
    )


def _explain_code(conn: Connection, event_id: int, user_id: int, code: str, now: datetime) -> None:
    """The database refused the code's claim: say why (a read after the refusal)."""
    with Session(bind=conn) as session:
        row = session.exec(
            select(PromoCode).where(PromoCode.event_id == event_id, PromoCode.code == code)
        ).first()
        uses = _customer_uses(session, row, user_id)
        raise CodeRefused(refusal(row, uses, now) or "This promo code cannot be used right now.")


def _explain_types(conn: Connection, counts: Counter) -> None:
    with Session(bind=conn) as session:
        for row in session.exec(select(TicketType).where(TicketType.id.in_(list(counts)))):
            left = type_left(row)
            if left is not None and left < counts[row.id]:
                raise TypeSoldOut(row.name, left)
    # Every type had room: one was deleted between our read and the claim.
    raise Conflict("A ticket type was just changed by the organizer; please choose again.")


def type_left(row: TicketType) -> int | None:
    """Tickets of this type still for sale (None: no limit)."""
    return None if row.quantity_limit is None else max(0, row.quantity_limit - row.sold)


def _customer_uses(session: Session, row: PromoCode | None, user_id: int) -> int:
    if row is None:
        return 0
    use = session.get(PromoCodeUse, (row.id, user_id))
    return use.uses if use else 0


# --- giving back -------------------------------------------------------------------------------


def release_in(session: Session, bookings: Sequence[Booking]) -> None:
    """Give back the code uses and type quantities of these bookings, which are being
    cancelled (call it while their tickets are still live)."""
    ids = [b.id for b in bookings]
    if not ids:
        return
    sold = session.exec(
        select(Ticket.ticket_type_id, func.count())
        .where(
            Ticket.booking_id.in_(ids), Ticket.live.is_(True), Ticket.ticket_type_id.is_not(None)
        )
        .group_by(Ticket.ticket_type_id)
        .order_by(Ticket.ticket_type_id)
    ).all()
    for type_id, count in sold:
        session.exec(
            update(TicketType)
            .where(TicketType.id == type_id)
            .values(sold=TicketType.sold - count)
            .execution_options(synchronize_session=False)
        )
    uses = Counter((b.promo_code_id, b.user_id) for b in bookings if b.promo_code_id is not None)
    for code_id in sorted({code_id for code_id, _ in uses}):
        session.exec(
            update(PromoCode)
            .where(PromoCode.id == code_id)
            .values(uses=PromoCode.uses - sum(n for (c, _), n in uses.items() if c == code_id))
            .execution_options(synchronize_session=False)
        )
    for (code_id, user_id), n in sorted(uses.items()):
        session.exec(
            update(PromoCodeUse)
            .where(PromoCodeUse.code_id == code_id, PromoCodeUse.user_id == user_id)
            .values(uses=PromoCodeUse.uses - n)
            .execution_options(synchronize_session=False)
        )


# --- the checkout's preview ---------------------------------------------------------------------


@dataclass(frozen=True)
class CheckoutQuote:
    """What confirming the hold would cost with these choices (nothing claimed)."""

    hold_id: int
    lines: tuple[Line, ...]
    currency: str
    promo_code: str  # as normalized; "" when none was given
    subtotal_cents: int
    discount_cents: int
    total_cents: int


def quote_checkout(
    hold_id: int,
    *,
    actor: Actor,
    ticket_types: Mapping[int, int] | None = None,
    promo_code: str = "",
    now: datetime | None = None,
    db: Engine | None = None,
) -> CheckoutQuote:
    """Price the hold's seats with these types and this code; a code that cannot be used
    right now is refused (`CodeRefused`), a type with too few tickets left too."""
    now = moment(now)
    code = normalize(promo_code)

    def work(session: Session) -> CheckoutQuote:
        hold = session.get(Hold, hold_id)
        if hold is None:
            raise NotFound("No such hold.")
        if hold.user_id != actor.id and not actor.is_admin:
            raise NotAllowed("This is not your hold.")
        event_id = session.exec(select(Show.event_id).where(Show.id == hold.show_id)).one()
        rows = session.exec(seat_rows_of_hold(hold_id)).all()
        seats = group_types(rows)
        rule = None
        if code:
            row = session.exec(
                select(PromoCode).where(PromoCode.event_id == event_id, PromoCode.code == code)
            ).first()
            reason = refusal(row, _customer_uses(session, row, hold.user_id), now)
            if reason:
                raise CodeRefused(reason)
            rule = rule_of(row)
        priced = price(seats, ticket_types, rule, hold.show_id)
        _check_types_left(session, priced)
        currency = rows[0].currency if rows else _event_currency(session, event_id)
        return CheckoutQuote(
            hold_id=hold_id,
            lines=priced.lines,
            currency=currency,
            promo_code=code,
            subtotal_cents=sum(line.list_price_cents for line in priced.lines),
            discount_cents=priced.discount_cents,
            total_cents=priced.total_cents,
        )

    return run(db, work)


def _check_types_left(session: Session, priced: Priced) -> None:
    counts = Counter(line.type_id for line in priced.lines if line.type_id is not None)
    if not counts:
        return
    for row in session.exec(select(TicketType).where(TicketType.id.in_(list(counts)))):
        left = type_left(row)
        if left is not None and left < counts[row.id]:
            raise TypeSoldOut(row.name, left)


def _event_currency(session: Session, event_id: int) -> str:
    currency = session.exec(
        select(PriceCategory.currency)
        .join(Show, Show.id == PriceCategory.show_id)
        .join(Event, Event.id == Show.event_id)
        .where(Event.id == event_id)
    ).first()
    return currency or "EUR"


def seat_rows_of_hold(hold_id: int) -> Any:
    """The held seats with their category and its types (one row per type), in seat order."""
    st, c, tt = ShowSeat.__table__, PriceCategory.__table__, TicketType.__table__
    return (
        select(
            st.c.id,
            st.c.label,
            st.c.section,
            c.c.name.label("category_name"),
            c.c.price_cents,
            c.c.currency,
            tt.c.id.label("type_id"),
            tt.c.name.label("type_name"),
            tt.c.price_cents.label("type_price_cents"),
            tt.c.proof_note.label("type_proof_note"),
        )
        .select_from(
            st.join(c, c.c.id == st.c.category_id).outerjoin(tt, tt.c.category_id == c.c.id)
        )
        .where(st.c.hold_id == hold_id, st.c.status == SeatStatus.HELD)
        .order_by(
            st.c.section, st.c.y, st.c.row_label, st.c.x, st.c.number, tt.c.sort_order, tt.c.id
        )
    )
