"""Promo codes: an organizer's codes for an event, and the discount each gives.

Invariants:
- A code belongs to one event; customers may type it in any case and with spaces around it.
- A code applies only inside its validity window (`valid_from <= now < valid_until`, either
  end open), only while `uses < max_uses`, and only while the customer's own uses are below
  `max_uses_per_customer`. Its use is claimed at confirm by a conditional UPDATE (see
  `pricing`), never by check-then-write, so 50 buyers racing for 10 uses get exactly 10.
- A cancelled booking gives its use back (to the code and to the customer).
- A code limited to shows, categories (by name) or ticket types (by name) discounts only the
  tickets inside all of its limits; a code that discounts none of the tickets is refused.
- An access code (`unlocks_presale`, usually of kind `access`, which takes nothing off)
  lets its holders hold and buy seats of its shows before their sales open (the presale):
  the code is given when holding and again at confirm, where its use is claimed like any
  code's. It unlocks only the wait for the opening, never a closed, started or cancelled show.
- A code that unlocks hidden categories (`unlocks_hidden`, usually of kind `access`) lets its
  holders hold and buy the places of hidden price categories (`PriceCategory.hidden`, not for
  sale to the public; see `hidden_categories`). Which ones: the hidden categories named in
  its `category_names` limit, or — when it names none — every hidden category of its shows
  (all the event's shows, or those of its `show_ids` limit). Like the presale, the code is
  given when holding (`access_code`) and again at confirm, where its use is claimed; it must
  be usable then (validity window, uses left), or the hold or the confirm is refused.
- An `access` code must unlock something: the presale, hidden categories, or both.
- A refused code (unknown, not yet valid, expired, used up, not for these tickets) changes
  nothing: the confirm is rolled back and the hold stays as it was.

Money and rounding: everything is integer cents, and a discount is computed per ticket:
- `percent` (1..100): the ticket's discount is price x percent / 100, rounded to the nearest
  cent, halves rounded up (`(price * percent + 50) // 100`); 15 % of 3,333 ct is 500 ct.
- `amount`: this many cents off each ticket, never more than the ticket's price.
- `fixed_price`: each ticket costs this many cents; a ticket already cheaper keeps its price.
- `access`: nothing off.
A ticket's price is never below zero, and the booking's discount is the sum of its tickets'.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, select

from ticketapp.booking._tx import moment, run
from ticketapp.booking.access import Actor, managed_event
from ticketapp.booking.errors import Conflict, InvalidRequest, NotFound
from ticketapp.booking.results import PriceInfo, from_row
from ticketapp.booking.sales_status import SalesStatus, sales_status
from ticketapp.models import Event, PriceCategory, PromoCode, Show

MAX_CODE = 40
PER_CUSTOMER_USED = "You have already used this promo code as often as it allows."


class DiscountKind(StrEnum):
    PERCENT = "percent"
    AMOUNT = "amount"
    FIXED_PRICE = "fixed_price"
    ACCESS = "access"  # no discount: the code only unlocks (see unlocks_presale)


class CodeRefused(InvalidRequest):
    """The code cannot be used for this checkout; the message says why, for the customer."""

    code = "promo_code_refused"

    def __init__(self, message: str) -> None:
        super().__init__(message, "promo_code")


@dataclass(frozen=True)
class PromoCodeInfo:
    id: int
    event_id: int
    code: str
    kind: str
    value: int
    show_ids: tuple[int, ...]
    category_names: tuple[str, ...]
    ticket_type_names: tuple[str, ...]
    max_uses: int | None
    max_uses_per_customer: int | None
    uses: int
    valid_from: datetime | None
    valid_until: datetime | None
    unlocks_presale: bool
    unlocks_hidden: bool = False


@dataclass(frozen=True)
class Rule:
    """What a claimed code does to a checkout's tickets (read back from the claim)."""

    id: int
    code: str
    kind: str
    value: int
    show_ids: tuple[int, ...]
    category_names: tuple[str, ...]
    ticket_type_names: tuple[str, ...]
    unlocks_presale: bool = False
    unlocks_hidden: bool = False

    def covers(self, show_id: int, category_name: str, type_name: str) -> bool:
        return (
            (not self.show_ids or show_id in self.show_ids)
            and (not self.category_names or category_name in self.category_names)
            and (not self.ticket_type_names or type_name in self.ticket_type_names)
        )

    def opens_presale(self, show_id: int) -> bool:
        return self.unlocks_presale and (not self.show_ids or show_id in self.show_ids)

    def opens_hidden(self, show_id: int, category_name: str) -> bool:
        """Does this code let its holder buy places of this hidden category of this show?"""
        return (
            self.unlocks_hidden
            and (not self.show_ids or show_id in self.show_ids)
            and (not self.category_names or category_name in self.category_names)
        )

    def discount(self, price_cents: int) -> int:
        """The discount on one ticket of this price (see the module docstring's rounding)."""
        if self.kind == DiscountKind.ACCESS:
            cut = 0
        elif self.kind == DiscountKind.PERCENT:
            cut = (price_cents * self.value + 50) // 100
        elif self.kind == DiscountKind.AMOUNT:
            cut = self.value
        else:
            cut = price_cents - self.value
        return max(0, min(price_cents, cut))


def normalize(code: str) -> str:
    """The code as stored: trimmed, upper case."""
    return (code or "").strip().upper()


def rule_of(row: Any) -> Rule:
    return Rule(
        id=row.id,
        code=row.code,
        kind=row.kind,
        value=row.value,
        show_ids=tuple(row.show_ids or ()),
        category_names=tuple(row.category_names or ()),
        ticket_type_names=tuple(row.ticket_type_names or ()),
        unlocks_presale=bool(row.unlocks_presale),
        unlocks_hidden=bool(row.unlocks_hidden),
    )


def info(row: PromoCode) -> PromoCodeInfo:
    return PromoCodeInfo(
        id=row.id,
        event_id=row.event_id,
        code=row.code,
        kind=row.kind,
        value=row.value,
        show_ids=tuple(row.show_ids or ()),
        category_names=tuple(row.category_names or ()),
        ticket_type_names=tuple(row.ticket_type_names or ()),
        max_uses=row.max_uses,
        max_uses_per_customer=row.max_uses_per_customer,
        uses=row.uses,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        unlocks_presale=bool(row.unlocks_presale),
        unlocks_hidden=bool(row.unlocks_hidden),
    )


def refusal(row: Any | None, customer_uses: int, now: datetime) -> str | None:
    """Why this code cannot be used right now (None: it can). One rule for the checkout's
    preview and for explaining a claim that the database refused."""
    if row is None:
        return "This promo code is unknown."
    if row.valid_from is not None and now < row.valid_from:
        return "This promo code is not valid yet."
    if row.valid_until is not None and now >= row.valid_until:
        return "This promo code has expired."
    if row.max_uses is not None and row.uses >= row.max_uses:
        return "This promo code has been used up."
    per_customer = row.max_uses_per_customer
    if per_customer is not None and customer_uses >= per_customer:
        return PER_CUSTOMER_USED
    return None


def discounts(rule: Rule, show_id: int, lines: Sequence[tuple[str, str, int]]) -> list[int]:
    """The discount on each line (category name, type name, price); refused if none is
    covered by the code's limits."""
    cuts = [
        rule.discount(price) if rule.covers(show_id, category, type_name) else 0
        for category, type_name, price in lines
    ]
    if not any(rule.covers(show_id, category, type_name) for category, type_name, _ in lines):
        raise CodeRefused("This promo code does not apply to these tickets.")
    return cuts


# --- the organizer's codes ---------------------------------------------------------------------


def _clean(
    session: Session,
    event_id: int,
    code: str,
    kind: str,
    value: int,
    show_ids: Sequence[int],
    category_names: Sequence[str],
    ticket_type_names: Sequence[str],
    max_uses: int | None,
    max_uses_per_customer: int | None,
    valid_from: datetime | None,
    valid_until: datetime | None,
    unlocks_presale: bool,
    unlocks_hidden: bool,
) -> dict[str, Any]:
    code = normalize(code)
    if not code or len(code) > MAX_CODE or any(ch.isspace() for ch in code):
        raise InvalidRequest(f"A promo code is 1 to {MAX_CODE} characters without spaces.", "code")
    if kind not in tuple(DiscountKind):
        raise InvalidRequest("The kind is percent, amount, fixed_price or access.", "kind")
    if kind == DiscountKind.ACCESS and not (unlocks_presale or unlocks_hidden):
        raise InvalidRequest(
            "An access code must unlock something (the presale or hidden categories).", "kind"
        )
    if kind == DiscountKind.ACCESS:
        value = 0  # takes nothing off
    if kind == DiscountKind.PERCENT and not 1 <= value <= 100:
        raise InvalidRequest("A percentage is between 1 and 100.", "value")
    if value < 0:
        raise InvalidRequest("The value must be zero or more.", "value")
    for name, limit in (("max_uses", max_uses), ("max_uses_per_customer", max_uses_per_customer)):
        if limit is not None and limit < 1:
            raise InvalidRequest("A limit of uses is at least 1 (or none).", name)
    for moment_ in (valid_from, valid_until):
        if moment_ is not None and moment_.utcoffset() is None:
            raise InvalidRequest("Times must be timezone-aware.", "valid_from")
    if valid_from is not None and valid_until is not None and valid_until <= valid_from:
        raise InvalidRequest("The code must be valid until after it starts.", "valid_until")
    shows = sorted(set(show_ids))
    if shows:
        own = set(session.exec(select(Show.id).where(Show.event_id == event_id)).all())
        if not set(shows) <= own:
            raise InvalidRequest("A code can only be limited to this event's shows.", "show_ids")
    return {
        "code": code,
        "kind": kind,
        "value": value,
        "show_ids": shows,
        "category_names": sorted({n.strip() for n in category_names if n.strip()}),
        "ticket_type_names": sorted({n.strip() for n in ticket_type_names if n.strip()}),
        "max_uses": max_uses,
        "max_uses_per_customer": max_uses_per_customer,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "unlocks_presale": unlocks_presale,
        "unlocks_hidden": unlocks_hidden,
    }


def _code_taken(session: Session, event_id: int, code: str, but: int | None = None) -> None:
    other = session.exec(
        select(PromoCode.id).where(PromoCode.event_id == event_id, PromoCode.code == code)
    ).first()
    if other is not None and other != but:
        raise InvalidRequest(f"This event already has a code {code}.", "code")


def create_promo_code(
    event_id: int,
    code: str,
    kind: str,
    value: int,
    *,
    actor: Actor,
    show_ids: Sequence[int] = (),
    category_names: Sequence[str] = (),
    ticket_type_names: Sequence[str] = (),
    max_uses: int | None = None,
    max_uses_per_customer: int | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    unlocks_presale: bool = False,
    unlocks_hidden: bool = False,
    db: Engine | None = None,
) -> PromoCodeInfo:
    """A new code for the organizer's event."""

    def work(session: Session) -> PromoCodeInfo:
        managed_event(session, event_id, actor)
        fields = _clean(
            session,
            event_id,
            code,
            kind,
            value,
            show_ids,
            category_names,
            ticket_type_names,
            max_uses,
            max_uses_per_customer,
            valid_from,
            valid_until,
            unlocks_presale,
            unlocks_hidden,
        )
        _code_taken(session, event_id, fields["code"])
        row = PromoCode(event_id=event_id, **fields)
        session.add(row)
        session.flush()
        return info(row)

    return run(db, work)


def update_promo_code(
    code_id: int,
    code: str,
    kind: str,
    value: int,
    *,
    actor: Actor,
    show_ids: Sequence[int] = (),
    category_names: Sequence[str] = (),
    ticket_type_names: Sequence[str] = (),
    max_uses: int | None = None,
    max_uses_per_customer: int | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    unlocks_presale: bool = False,
    unlocks_hidden: bool = False,
    db: Engine | None = None,
) -> PromoCodeInfo:
    """Change a code; bookings made with it keep the discount they got."""

    def work(session: Session) -> PromoCodeInfo:
        row = _managed_code(session, code_id, actor)
        fields = _clean(
            session,
            row.event_id,
            code,
            kind,
            value,
            show_ids,
            category_names,
            ticket_type_names,
            max_uses,
            max_uses_per_customer,
            valid_from,
            valid_until,
            unlocks_presale,
            unlocks_hidden,
        )
        _code_taken(session, row.event_id, fields["code"], but=row.id)
        for key, value_ in fields.items():
            setattr(row, key, value_)
        session.add(row)
        session.flush()
        return info(row)

    return run(db, work)


def delete_promo_code(code_id: int, *, actor: Actor, db: Engine | None = None) -> None:
    """Delete a code no live booking uses (cancelled ones keep its text)."""

    def work(session: Session) -> None:
        row = _managed_code(session, code_id, actor)
        if row.uses > 0:
            raise Conflict("Bookings were made with this code; it can no longer be deleted.")
        session.delete(row)

    run(db, work)


def list_promo_codes(
    event_id: int, *, actor: Actor, db: Engine | None = None
) -> list[PromoCodeInfo]:
    """The event's codes, for its organizer."""

    def work(session: Session) -> list[PromoCodeInfo]:
        managed_event(session, event_id, actor)
        rows = session.exec(
            select(PromoCode).where(PromoCode.event_id == event_id).order_by(PromoCode.code)
        ).all()
        return [info(row) for row in rows]

    return run(db, work)


def _managed_code(session: Session, code_id: int, actor: Actor) -> PromoCode:
    row = session.exec(select(PromoCode).where(PromoCode.id == code_id).with_for_update()).first()
    if row is None:
        raise NotFound("No such promo code.")
    managed_event(session, row.event_id, actor)
    return row


def presale_refusal(row: Any | None, show_id: int, now: datetime) -> str | None:
    """Why this code does not let its holder into the presale of this show (None: it does)."""
    reason = refusal(row, 0, now)
    if reason:
        return reason
    if not rule_of(row).opens_presale(show_id):
        return "This code does not unlock the presale of this show."
    return None


class AccessCode:
    """The code a customer gave to get in (the presale, hidden categories) on one show.

    Read at most once per transaction, and only when something asks: a hold of public seats
    in an open sale never reads it.
    """

    __slots__ = ("_conn", "_read", "_row", "code", "now", "show_id")

    def __init__(self, conn: Connection, show_id: int, code: str, now: datetime) -> None:
        self._conn, self.show_id, self.code, self.now = conn, show_id, normalize(code), now
        self._row: Any | None = None
        self._read = False

    def row(self) -> Any | None:
        if not self._read:
            p, s = PromoCode.__table__, Show.__table__
            self._row = self._conn.execute(
                select(p)
                .select_from(p.join(s, s.c.event_id == p.c.event_id))
                .where(s.c.id == self.show_id, p.c.code == self.code)
            ).first()
            self._read = True
        return self._row

    def open_presale(self) -> None:
        """The `presale` gate of `inventory.check_sales_open` (raises `CodeRefused`)."""
        reason = presale_refusal(self.row(), self.show_id, self.now)
        if reason:
            raise CodeRefused(reason)

    def unlocked(self, category_names: Iterable[str]) -> set[str]:
        """The hidden categories among these that the code opens; `CodeRefused` if the code
        cannot be used right now (unknown, not yet valid, expired, used up)."""
        row = self.row()
        reason = refusal(row, 0, self.now)
        if reason:
            raise CodeRefused(reason)
        rule = rule_of(row)
        return {name for name in category_names if rule.opens_hidden(self.show_id, name)}


def access_code(conn: Connection, show_id: int, code: str, now: datetime) -> AccessCode | None:
    """The customer's access code on this show (None when they gave none)."""
    return AccessCode(conn, show_id, code, now) if normalize(code) else None


@dataclass(frozen=True)
class AccessGrant:
    """What an access code opens on one show for its holder, right now."""

    code: str
    presale: bool  # the show is not on sale yet and the code lets its holder in
    categories: tuple[PriceInfo, ...]  # the show's hidden categories it unlocks

    @property
    def hidden_category_ids(self) -> tuple[int, ...]:
        return tuple(c.id for c in self.categories)


def check_access_code(
    show_id: int, code: str, *, now: datetime | None = None, db: Engine | None = None
) -> AccessGrant:
    """What does this access code open on this show: its presale (while the sales have not
    opened) and which hidden categories? `CodeRefused` says why not when it opens nothing
    here. A door asks before the customer picks seats; holding and confirming ask again."""
    now = moment(now)

    def work(session: Session) -> AccessGrant:
        conn = session.connection()
        show = session.get(Show, show_id)
        if show is None:
            raise NotFound("No such show.")
        access = AccessCode(conn, show_id, code, now)
        hidden = session.exec(
            select(PriceCategory)
            .where(PriceCategory.show_id == show_id, PriceCategory.hidden.is_(True))
            .order_by(PriceCategory.rank, PriceCategory.id)
        ).all()
        unlocked = access.unlocked(c.name for c in hidden)  # refuses an unusable code
        ids = tuple(from_row(PriceInfo, c) for c in hidden if c.name in unlocked)
        event_status = session.exec(select(Event.status).where(Event.id == show.event_id)).one()
        not_yet = (
            sales_status(
                show_status=show.status,
                event_status=event_status,
                starts_at=show.starts_at,
                sales_open_at=show.sales_open_at,
                sales_close_at=show.sales_close_at,
                now=now,
            )
            == SalesStatus.NOT_YET
        )
        if not_yet:
            access.open_presale()  # before the opening, the code must open the presale
            return AccessGrant(access.code, True, ids)
        if not ids:
            raise CodeRefused("This code does not unlock any seats of this show.")
        return AccessGrant(access.code, False, ids)

    return run(db, work)
