"""The waiting list on a show's page: join when sold out, see and leave one's place, follow
an offer to checkout. The rules (who may join, what an offer is) are the engine's
(`booking.waiting_list`); this state only words them."""

from __future__ import annotations

import dataclasses

import reflex as rx

from ticketapp import booking, routes
from ticketapp.formatting import show_time
from ticketapp.state.messages import friendly
from ticketapp.state.organizer import organizer_identity
from ticketapp.state.session import identity_or_login, verified_viewer
from ticketapp.state.show import path_id


@dataclasses.dataclass
class CategoryChoice:
    id: int
    name: str


@dataclasses.dataclass
class QuantityChoice:
    value: int
    label: str


def quantity_choices(cap: int) -> list[QuantityChoice]:
    return [QuantityChoice(n, f"{n} seat{'s' if n > 1 else ''}") for n in range(1, cap + 1)]


class WaitingListState(rx.State):
    show_id: int = 0
    joinable: bool = False  # the list can be joined (on, show on sale, something sold out)
    sold_out: bool = False
    offer_minutes: int = 30
    quantities: list[QuantityChoice] = quantity_choices(10)  # 1 .. the show's cap
    categories: list[CategoryChoice] = []  # the sold-out ones, to wait for
    entry_id: int = 0
    status: str = ""  # the customer's place: waiting|offered|booked|lapsed|left|closed
    position: int = 0
    quantity: int = 0
    wish: str = ""  # "2 seats, Premium, wheelchair-accessible"
    offer_until: str = ""
    offer_url: str = ""
    message: str = ""
    message_is_error: bool = False

    @rx.var
    def can_join(self) -> bool:
        return self.joinable and self.status not in ("waiting", "offered")

    def _say(self, text: str, error: bool = False) -> None:
        self.message, self.message_is_error = text, error

    @rx.event
    async def load(self):
        self.show_id = path_id(self.router.url.path, routes.SHOWS)
        self.message = ""
        identity = await verified_viewer(self)
        try:
            self._show(
                booking.waiting_list_status(
                    self.show_id, user_id=identity.user_id if identity else None
                )
            )
        except booking.BookingError:
            self.joinable, self.status = False, ""

    def _show(self, status: booking.WaitingListStatus) -> None:
        summary = booking.get_show(self.show_id)
        sold_out = set(status.sold_out_category_ids)
        self.quantities = quantity_choices(summary.show.max_seats_per_customer)
        self.categories = [CategoryChoice(p.id, p.name) for p in summary.prices if p.id in sold_out]
        self.sold_out = status.sold_out
        self.joinable = status.enabled and bool(sold_out)
        self.offer_minutes = max(1, status.offer_seconds // 60)
        self._place(status.place)

    def _place(self, place: booking.WaitingPlace | None) -> None:
        if place is None:
            self.entry_id, self.status, self.position, self.quantity = 0, "", 0, 0
            self.wish = self.offer_until = self.offer_url = ""
            return
        self.entry_id, self.status = place.entry_id, place.status
        self.position, self.quantity = place.position or 0, place.quantity
        parts = [f"{place.quantity} seat{'s' if place.quantity > 1 else ''}"]
        if place.category_name:
            parts.append(place.category_name)
        if place.accessible:
            parts.append("wheelchair-accessible")
        self.wish = ", ".join(parts)
        self.offer_until = show_time(place.offer_expires_at) if place.offer_expires_at else ""
        self.offer_url = routes.checkout_url(place.hold_id) if place.hold_id else ""

    @rx.event
    async def join(self, form: dict):
        identity, redirect = await identity_or_login(self)
        if redirect:
            return redirect
        try:
            quantity = int(form.get("quantity") or 0)
            category_id = int(form.get("category") or 0) or None
        except ValueError:
            self._say("Please choose a number of seats.", error=True)
            return None
        accessible = form.get("accessible") in ("on", "true", True)
        try:
            place = booking.join_waiting_list(
                identity.user_id,
                self.show_id,
                quantity,
                category_id=category_id,
                accessible=accessible,
            )
        except booking.BookingError as exc:
            self._say(friendly(exc), error=True)
            return None
        self._place(place)
        self._say(
            f"You joined the waiting list. When seats come back we hold them for you for "
            f"{self.offer_minutes} minutes and e-mail you a link."
        )
        return None

    @rx.event
    async def leave(self):
        identity, redirect = await identity_or_login(self)
        if redirect:
            return redirect
        try:
            place = booking.leave_waiting_list(self.entry_id, user_id=identity.user_id)
        except booking.BookingError as exc:
            self._say(friendly(exc), error=True)
            return None
        self._place(place)
        self._say("You have left the waiting list.")
        return None


@dataclasses.dataclass
class WaitingRow:
    position: str
    customer: str
    email: str
    wish: str
    status: str
    offer_until: str


class WaitingListAdminState(rx.State):
    """The organizer's view of one show's list (the show page of the dashboard)."""

    show_id: int = 0
    enabled: bool = True
    offer_minutes: int = 30
    waiting: int = 0
    seats_wanted: int = 0
    offers_open: int = 0
    rows: list[WaitingRow] = []
    message: str = ""
    message_is_error: bool = False

    def _show(self, summary: booking.WaitingListSummary) -> None:
        self.enabled, self.offer_minutes = summary.enabled, max(1, summary.offer_seconds // 60)
        self.waiting, self.seats_wanted = summary.waiting, summary.seats_wanted
        self.offers_open = summary.offers_open
        self.rows = [
            WaitingRow(
                position=str(e.position or ""),
                customer=e.customer_name,
                email=e.customer_email,
                wish=", ".join(
                    p
                    for p in (
                        f"{e.quantity} seat{'s' if e.quantity > 1 else ''}",
                        e.category_name,
                        "wheelchair-accessible" if e.accessible else "",
                    )
                    if p
                ),
                status=e.status,
                offer_until=show_time(e.offer_expires_at) if e.offer_expires_at else "",
            )
            for e in summary.entries
        ]

    async def _organizer(self):
        return await organizer_identity(self)  # the dashboard's own gate

    @rx.event
    async def load(self):
        self.show_id = path_id(self.router.url.path, routes.ORGANIZER_SHOWS)
        self.message = ""
        identity, refusal = await self._organizer()
        if refusal:
            return None  # the page's own state sends them away
        try:
            self._show(booking.waiting_list_summary(self.show_id, actor=booking.Actor.of(identity)))
        except booking.BookingError:
            self.rows = []
        return None

    @rx.event
    async def save(self, form: dict):
        identity, refusal = await self._organizer()
        if refusal:
            return refusal
        try:
            minutes = int(form.get("offer_minutes") or 0)
        except ValueError:
            minutes = 0
        if minutes < 1:
            self.message, self.message_is_error = "The offer window is a number of minutes.", True
            return None
        try:
            summary = booking.set_waiting_list(
                self.show_id,
                actor=booking.Actor.of(identity),
                enabled=form.get("enabled") in ("on", "true", True),
                offer_seconds=minutes * 60,
            )
        except booking.BookingError as exc:
            self.message, self.message_is_error = friendly(exc), True
            return None
        self._show(summary)
        self.message, self.message_is_error = (
            ("Waiting list saved." if summary.enabled else "Waiting list turned off."),
            False,
        )
        return None
