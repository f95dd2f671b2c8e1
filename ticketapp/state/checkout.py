"""Checkout of a hold: the buyer's name and e-mail, confirm, or let the seats go."""

from __future__ import annotations

import contextlib
import dataclasses
from datetime import UTC

import reflex as rx

from ticketapp import booking, routes
from ticketapp.formatting import money, show_time
from ticketapp.models import utcnow
from ticketapp.state.messages import friendly
from ticketapp.state.session import SessionState, identity_or_login, verified_viewer
from ticketapp.state.show import ShowState, path_id


@dataclasses.dataclass
class TypeOption:
    value: str  # the ticket type's id
    label: str  # "Child — €25.00"


@dataclasses.dataclass
class Line:
    label: str
    category: str
    price: str
    seat_id: int = 0
    type_id: str = ""  # the chosen ticket type's id; "" when the category has none
    options: list[TypeOption] = dataclasses.field(default_factory=list)
    discount: str = ""  # "-€4.50" when the promo code takes something off this seat
    proof: str = ""  # the chosen type's "proof at the door" note, e.g. "Student ID"


# Why a checkout link no longer works, by the hold's status (never "expired" for seats the
# customer let go or replaced themselves).
GONE = {
    "expired": "Your hold has expired; please pick again.",
    "released": "These seats are no longer held for you: they were released or replaced by "
    "other seats. Please pick again.",
    "confirmed": "These seats are already booked: see My bookings.",
}


class CheckoutState(rx.State):
    hold_id: int = 0
    show_id: int = 0
    event_title: str = ""
    venue: str = ""
    starts: str = ""
    expires_at: str = ""
    starts_utc: str = ""
    zone: str = "UTC"
    last_minute: bool = False  # the countdown entered its last minute
    extendable: bool = False  # the engine would extend the hold now (once per hold)
    lines: list[Line] = []
    total: str = ""
    subtotal: str = ""
    discount: str = ""  # the discount line ("-€7.00"); "" without a code
    promo_code: str = ""  # the code applied (as the engine normalized it)
    promo_error: str = ""
    # Seat id -> chosen ticket type id (backend only: the engine checks the choice again).
    _chosen: dict[int, int] = {}
    _currency: str = "EUR"
    buyer_name: str = ""
    buyer_email: str = ""
    error: str = ""
    loading: bool = True
    busy: bool = False

    @rx.event
    async def load(self):
        self.loading, self.error = True, ""
        self.hold_id = path_id(self.router.url.path, routes.CHECKOUT)
        identity, login = await identity_or_login(self)
        if login is not None:
            return login
        try:
            hold = booking.get_hold(self.hold_id, actor=booking.Actor.of(identity))
        except booking.BookingError:
            self.loading = False
            self.error = "This checkout does not exist."
            return None
        if not hold.live:
            return await self._back_to_map(hold.show_id, GONE.get(hold.status, GONE["expired"]))
        self._fill_hold(hold)
        self.show_id = hold.show_id
        self.event_title, self.venue = hold.event_title, hold.venue_name
        self.zone, self.starts_utc = hold.timezone, hold.starts_at.isoformat()
        self.starts = show_time(hold.starts_at, hold.timezone)
        self._chosen, self.promo_code, self.promo_error = {}, "", ""
        show = await self.get_state(ShowState)
        if show.access_code and show._access_show == hold.show_id:
            self.promo_code = show.access_code  # a presale hold confirms with its code
        try:
            self._price(self._quote(identity))
        except booking.BookingError as exc:
            self.promo_code, self.promo_error = "", friendly(exc)
            self._price(self._quote(identity))
        session = await self.get_state(SessionState)  # identity() just refreshed these
        self.buyer_name, self.buyer_email = session.user_name, session.user_email
        self.loading = False
        return None

    def _fill_hold(self, hold: booking.HoldView) -> None:
        self.expires_at = hold.expires_at.astimezone(UTC).isoformat()
        self.last_minute = hold.expires_at - utcnow() <= booking.EXTEND_WINDOW
        self.extendable = hold.extendable

    @rx.event
    async def warn(self):
        """The countdown's last minute: say so, and offer the extension if the engine allows."""
        self.last_minute = True
        identity = await verified_viewer(self)
        if identity is None:
            return
        with contextlib.suppress(booking.BookingError):
            hold = booking.get_hold(self.hold_id, actor=booking.Actor.of(identity))
            self.extendable = hold.extendable

    @rx.event
    async def extend(self):
        identity, login = await identity_or_login(self)
        if login is not None:
            return login
        try:
            hold = booking.extend_hold(self.hold_id, user_id=identity.user_id)
        except booking.HoldExpired:
            return await self._back_to_map(
                self.show_id, "Your hold expired; the seats were released."
            )
        except booking.BookingError as exc:
            self.extendable = False
            return rx.toast.error(friendly(exc))
        self._fill_hold(hold)
        return rx.toast.success(
            f"Your seats are held until {show_time(hold.expires_at, hold.timezone)}."
        )

    def _quote(self, identity, promo_code: str | None = None) -> booking.CheckoutQuote:
        return booking.quote_checkout(
            self.hold_id,
            actor=booking.Actor.of(identity),
            ticket_types=self._chosen,
            promo_code=self.promo_code if promo_code is None else promo_code,
        )

    def _price(self, quote: booking.CheckoutQuote) -> None:
        """Show the engine's prices: one line per seat, the discount line and the total."""
        cur = self._currency = quote.currency
        self.lines = [
            Line(
                line.label,
                line.category_name,
                money(line.price_cents, cur),
                seat_id=line.seat_id,
                type_id=str(line.type_id) if line.type_id is not None else "",
                options=[
                    TypeOption(str(o.type_id), f"{o.name} — {money(o.price_cents, cur)}")
                    for o in line.options
                ],
                discount=f"-{money(line.discount_cents, cur)}" if line.discount_cents else "",
                proof=next((o.proof_note for o in line.options if o.type_id == line.type_id), ""),
            )
            for line in quote.lines
        ]
        self.promo_code = quote.promo_code
        self.subtotal = money(quote.subtotal_cents, cur)
        self.discount = f"-{money(quote.discount_cents, cur)}" if quote.discount_cents else ""
        self.total = money(quote.total_cents, cur)

    @rx.event
    async def choose_type(self, seat_id: int, type_id: str):
        identity, login = await identity_or_login(self)
        if login is not None:
            return login
        before = dict(self._chosen)
        self._chosen = {**self._chosen, int(seat_id): int(type_id)}
        try:
            self._price(self._quote(identity))
            self.error = ""
        except booking.BookingError as exc:
            self._chosen = before  # the choice the engine refused is not kept
            self.error = friendly(exc)
        return None

    @rx.event
    async def apply_code(self, form: dict):
        identity, login = await identity_or_login(self)
        if login is not None:
            return login
        typed = (form.get("promo_code") or "").strip()
        if not typed:
            self.promo_error = "Enter a promo code first."
            return None
        try:
            # The engine decides whether the code applies (booking.promo_codes): one rule.
            self._price(self._quote(identity, typed))
            self.promo_error = ""
        except booking.BookingError as exc:
            self.promo_error = friendly(exc)  # unknown, expired, used up: nothing changes
        return None

    @rx.event
    async def remove_code(self):
        identity, login = await identity_or_login(self)
        if login is not None:
            return login
        self.promo_error = ""
        with contextlib.suppress(booking.BookingError):
            self._price(self._quote(identity, ""))
        return None

    async def _back_to_map(self, show_id: int, text: str):
        show = await self.get_state(ShowState)
        show.flash = text
        return [rx.toast.warning(text), rx.redirect(routes.show_url(show_id))]

    @rx.event
    async def confirm(self, form: dict):
        identity, login = await identity_or_login(self)
        if login is not None:
            yield login
            return
        self.busy, self.error = True, ""
        yield  # the button shows it is working while the booking is made
        try:
            # The engine checks the buyer's name and address (booking.buyers): one rule.
            result = booking.confirm_hold(
                self.hold_id,
                user_id=identity.user_id,
                buyer_name=form.get("buyer_name") or "",
                buyer_email=form.get("buyer_email") or "",
                ticket_types=self._chosen,
                promo_code=self.promo_code,
            )
        except booking.HoldExpired:
            self.busy = False
            yield await self._back_to_map(
                self.show_id, "Your hold expired; the seats were released."
            )
            return
        except booking.BookingError as exc:
            self.busy, self.error = False, friendly(exc)
            return
        self.busy = False
        yield [
            rx.toast.success("Booked! Your tickets are below."),
            rx.redirect(routes.booking_url(result.id)),
        ]

    @rx.event
    async def expired(self):
        if identity := await verified_viewer(self):
            # Already released or confirmed: nothing left to free.
            with contextlib.suppress(booking.BookingError):
                booking.release_hold(self.hold_id, user_id=identity.user_id)
        return await self._back_to_map(
            self.show_id, "Your hold expired and the seats were released. Please pick again."
        )

    @rx.event
    async def give_up(self):
        """Let the seats go on purpose (the "Release my seats" button)."""
        if identity := await verified_viewer(self):
            with contextlib.suppress(booking.BookingError):
                booking.release_hold(self.hold_id, user_id=identity.user_id)
        return rx.redirect(routes.show_url(self.show_id))
