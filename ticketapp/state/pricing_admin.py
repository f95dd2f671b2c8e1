"""The organizer's ticket types (on a show's page) and promo codes (on an event's page).

Thin: every rule (ownership, names, limits, validity) is the engine's (`booking.ticket_types`,
`booking.promo_codes`); these states read forms, call it and word its refusals.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from ticketapp import booking, routes
from ticketapp.formatting import input_time, money, parse_input_time, parse_money
from ticketapp.state.messages import friendly
from ticketapp.state.organizer import organizer_identity
from ticketapp.state.show import path_id
from ticketapp.timezones import TimeZoneError


@dataclasses.dataclass
class CategoryChoice:
    value: str  # the price category's id
    label: str  # "Premium (€50.00)"


@dataclasses.dataclass
class TypeRow:
    id: int
    category: str
    name: str
    price: str
    limit: str  # "" for no limit
    sold: int
    proof_note: str


@dataclasses.dataclass
class CodeRow:
    id: int
    code: str
    discount: str  # "15 %", "€5.00 off", "€10.00 each"
    limits: str  # "Shows 3, 4 · Categories Premium" or "All tickets"
    uses: str  # "3 of 10"
    valid: str  # "until 2031-03-01 18:00" or "always"


def _optional_int(text: str, field: str) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise booking.InvalidRequest(f"{field} must be a whole number.", field)
    return int(text)


def _money(text: str, field: str) -> int:
    try:
        return parse_money(text)
    except ValueError as exc:
        raise booking.InvalidRequest(f"{field}: enter an amount such as 12.50.", field) from exc


def _names(text: str) -> list[str]:
    return [n.strip() for n in (text or "").split(",") if n.strip()]


class TicketTypesState(rx.State):
    """The ticket types of the show on the organizer's show page."""

    show_id: int = 0
    categories: list[CategoryChoice] = []
    types: list[TypeRow] = []
    message: str = ""
    message_color: str = "gray"

    @rx.event
    async def load(self):
        self.show_id = path_id(self.router.url.path, routes.ORGANIZER_SHOWS)
        self.message = ""
        identity, refusal = await organizer_identity(self)
        if refusal:
            return None  # the page's own state sends the visitor away
        self._reload(identity)
        return None

    def _reload(self, identity) -> None:
        actor = booking.Actor.of(identity)
        try:
            summary = booking.get_show(self.show_id, viewer=actor)
            types = booking.list_ticket_types(self.show_id, actor=actor)
        except booking.BookingError:
            self.categories, self.types = [], []
            return
        names = {p.id: (p.name, p.currency) for p in summary.prices}
        self.categories = [
            CategoryChoice(str(p.id), f"{p.name} ({money(p.price_cents, p.currency)})")
            for p in summary.prices
        ]
        self.types = [
            TypeRow(
                id=t.id,
                category=names.get(t.category_id, ("?", "EUR"))[0],
                name=t.name,
                price=money(t.price_cents, names.get(t.category_id, ("?", "EUR"))[1]),
                limit="" if t.quantity_limit is None else str(t.quantity_limit),
                sold=t.sold,
                proof_note=t.proof_note,
            )
            for t in types
        ]

    def _say(self, text: str, color: str) -> None:
        self.message, self.message_color = text, color

    @rx.event
    async def add_type(self, form: dict):
        identity, refusal = await organizer_identity(self)
        if refusal:
            return refusal
        try:
            created = booking.create_ticket_type(
                int(form.get("category_id") or 0),
                str(form.get("name") or ""),
                _money(str(form.get("price") or ""), "price"),
                actor=booking.Actor.of(identity),
                quantity_limit=_optional_int(str(form.get("limit") or ""), "quantity_limit"),
                proof_note=str(form.get("proof_note") or ""),
            )
        except (booking.BookingError, ValueError) as exc:
            self._say(friendly(exc) if isinstance(exc, booking.BookingError) else str(exc), "red")
            return None
        self._say(f"Ticket type {created.name} added.", "green")
        self._reload(identity)
        return None

    @rx.event
    async def delete_type(self, type_id: int):
        identity, refusal = await organizer_identity(self)
        if refusal:
            return refusal
        try:
            booking.delete_ticket_type(int(type_id), actor=booking.Actor.of(identity))
        except booking.BookingError as exc:
            self._say(friendly(exc), "red")
            return None
        self._say("Ticket type deleted.", "green")
        self._reload(identity)
        return None


class PromoCodesState(rx.State):
    """The promo codes of the event on the organizer's event page."""

    event_id: int = 0
    codes: list[CodeRow] = []
    message: str = ""
    message_color: str = "gray"
    _zone: str = "UTC"

    @rx.event
    async def load(self):
        self.event_id = path_id(self.router.url.path, routes.ORGANIZER_EVENTS)
        self.message = ""
        identity, refusal = await organizer_identity(self)
        if refusal:
            return None  # the page's own state sends the visitor away
        self._reload(identity)
        return None

    def _reload(self, identity) -> None:
        actor = booking.Actor.of(identity)
        try:
            event = booking.get_event(self.event_id, viewer=actor)
            codes = booking.list_promo_codes(self.event_id, actor=actor)
        except booking.BookingError:
            self.codes = []
            return
        # The venue's zone, once EventDetails carries it (the time-zone work); until then
        # UTC, which is how this branch shows every event's times.
        self._zone = getattr(event, "timezone", "UTC") or "UTC"
        self.codes = [self._row(c) for c in codes]

    def _row(self, c: booking.PromoCodeInfo) -> CodeRow:
        discount = {
            "percent": f"{c.value} %",
            "amount": f"{money(c.value)} off each ticket",
            "fixed_price": f"{money(c.value)} per ticket",
            "access": "none (access code)",
        }.get(c.kind, c.kind)
        if c.unlocks_presale:
            discount += " · opens the presale"
        if c.unlocks_hidden:
            discount += " · unlocks hidden categories"
        limits = []
        if c.show_ids:
            limits.append("Shows " + ", ".join(map(str, c.show_ids)))
        if c.category_names:
            limits.append("Categories " + ", ".join(c.category_names))
        if c.ticket_type_names:
            limits.append("Types " + ", ".join(c.ticket_type_names))
        per = f", {c.max_uses_per_customer} per customer" if c.max_uses_per_customer else ""
        uses = f"{c.uses} of {c.max_uses}" if c.max_uses else f"{c.uses}"
        window = []
        if c.valid_from:
            window.append("from " + input_time(c.valid_from, self._zone).replace("T", " "))
        if c.valid_until:
            window.append("until " + input_time(c.valid_until, self._zone).replace("T", " "))
        return CodeRow(
            id=c.id,
            code=c.code,
            discount=discount,
            limits=" · ".join(limits) or "All tickets",
            uses=uses + per,
            valid=" ".join(window) or "always",
        )

    def _say(self, text: str, color: str) -> None:
        self.message, self.message_color = text, color

    @rx.event
    async def add_code(self, form: dict):
        identity, refusal = await organizer_identity(self)
        if refusal:
            return refusal
        kind = str(form.get("kind") or "percent")
        raw_value = str(form.get("value") or "")
        try:
            if kind == "access":
                value = 0
            elif kind == "percent":
                value = _optional_int(raw_value, "value")
                if value is None:
                    raise booking.InvalidRequest("Enter the percentage off.", "value")
            else:
                value = _money(raw_value, "value")
            shows = [int(s) for s in _names(str(form.get("show_ids") or "")) if s.isdigit()]
            created = booking.create_promo_code(
                self.event_id,
                str(form.get("code") or ""),
                kind,
                value,
                actor=booking.Actor.of(identity),
                show_ids=shows,
                category_names=_names(str(form.get("category_names") or "")),
                ticket_type_names=_names(str(form.get("ticket_type_names") or "")),
                max_uses=_optional_int(str(form.get("max_uses") or ""), "max_uses"),
                max_uses_per_customer=_optional_int(
                    str(form.get("max_uses_per_customer") or ""), "max_uses_per_customer"
                ),
                valid_from=parse_input_time(str(form.get("valid_from") or ""), self._zone),
                valid_until=parse_input_time(str(form.get("valid_until") or ""), self._zone),
                unlocks_presale=bool(form.get("unlocks_presale")),
                unlocks_hidden=bool(form.get("unlocks_hidden")),
            )
        except booking.BookingError as exc:
            self._say(friendly(exc), "red")
            return None
        except (TimeZoneError, ValueError):
            self._say("Enter the dates as shown by the date picker.", "red")
            return None
        self._say(f"Promo code {created.code} created.", "green")
        self._reload(identity)
        return None

    @rx.event
    async def delete_code(self, code_id: int):
        identity, refusal = await organizer_identity(self)
        if refusal:
            return refusal
        try:
            booking.delete_promo_code(int(code_id), actor=booking.Actor.of(identity))
        except booking.BookingError as exc:
            self._say(friendly(exc), "red")
            return None
        self._say("Promo code deleted.", "green")
        self._reload(identity)
        return None
