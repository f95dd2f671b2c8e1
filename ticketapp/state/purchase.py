"""Checkout of a hold, the booking with its tickets, my bookings, my account."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from datetime import UTC

import reflex as rx
import segno

from ticketapp import auth, booking, routes
from ticketapp.formatting import money, show_time
from ticketapp.models import BookingStatus, utcnow
from ticketapp.state.messages import friendly
from ticketapp.state.session import SessionState, identity_or_login
from ticketapp.state.show import ShowState, path_id


@dataclasses.dataclass
class Line:
    label: str
    category: str
    price: str


@dataclasses.dataclass
class TicketCard:
    code: str
    label: str
    category: str
    price: str
    qr: str  # data URI of an SVG QR code carrying the ticket code
    checked_in: str
    live: bool


@dataclasses.dataclass
class BookingCard:
    id: int
    code: str
    event_title: str
    venue: str
    starts: str
    status: str
    total: str
    seats: str
    upcoming: bool
    cancellable: bool


def qr_data_uri(code: str) -> str:
    return segno.make_qr(code, error="m").svg_data_uri(scale=4, border=2)


class CheckoutState(rx.State):
    hold_id: int = 0
    show_id: int = 0
    event_title: str = ""
    venue: str = ""
    starts: str = ""
    expires_at: str = ""
    lines: list[Line] = []
    total: str = ""
    buyer_name: str = ""
    buyer_email: str = ""
    error: str = ""
    loading: bool = True
    busy: bool = False

    @rx.event
    async def load(self):
        self.loading, self.error = True, ""
        self.hold_id = path_id(self.router.url.path, "/checkout")
        identity, login = await identity_or_login(self)
        if login is not None:
            return login
        try:
            hold = booking.get_hold(self.hold_id, user_id=identity.user_id)
        except booking.BookingError:
            self.loading = False
            self.error = "This checkout does not exist."
            return None
        if not hold.live:
            return await self._back_to_map(
                hold.show_id, "Your hold has expired; please pick again."
            )
        self.show_id = hold.show_id
        self.event_title, self.venue = hold.event_title, hold.venue_name
        self.starts = show_time(hold.starts_at)
        self.expires_at = hold.expires_at.astimezone(UTC).isoformat()
        self.lines = [
            Line(s.label, s.category_name, money(s.price_cents, hold.currency)) for s in hold.seats
        ]
        self.total = money(hold.total_cents, hold.currency)
        session = await self.get_state(SessionState)  # identity() just refreshed these
        self.buyer_name, self.buyer_email = session.user_name, session.user_email
        self.loading = False
        return None

    async def _back_to_map(self, show_id: int, text: str):
        show = await self.get_state(ShowState)
        show.flash = text
        return [rx.toast.warning(text), rx.redirect(f"/shows/{show_id}")]

    @rx.event
    async def confirm(self, form: dict):
        identity, login = await identity_or_login(self)
        if login is not None:
            yield login
            return
        name = (form.get("buyer_name") or "").strip()
        try:
            email = auth.normalize_email(form.get("buyer_email") or "")
            name = auth.clean_name(name)
        except auth.InvalidInput as exc:
            self.error = str(exc)
            return
        self.busy, self.error = True, ""
        yield  # the button shows it is working while the booking is made
        try:
            result = booking.confirm_hold(
                self.hold_id, user_id=identity.user_id, buyer_name=name, buyer_email=email
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
            rx.redirect(f"/bookings/{result.id}"),
        ]

    @rx.event
    async def expired(self):
        session = await self.get_state(SessionState)
        if session.user_id:
            # Already released or confirmed: nothing left to free.
            with contextlib.suppress(booking.BookingError):
                booking.release_hold(self.hold_id, user_id=session.user_id)
        return await self._back_to_map(
            self.show_id, "Your hold expired and the seats were released. Please pick again."
        )

    @rx.event
    async def give_up(self):
        session = await self.get_state(SessionState)
        if session.user_id:
            with contextlib.suppress(booking.BookingError):
                booking.release_hold(self.hold_id, user_id=session.user_id)
        return rx.redirect(f"/shows/{self.show_id}")


def _booking_card(view: booking.BookingView, now) -> BookingCard:
    live = [t for t in view.tickets if t.live] or list(view.tickets)
    upcoming = view.starts_at > now
    return BookingCard(
        id=view.id,
        code=view.code,
        event_title=view.event_title,
        venue=view.venue_name,
        starts=show_time(view.starts_at),
        status=view.status,
        total=money(view.total_cents, view.currency),
        seats=", ".join(t.label for t in live),
        upcoming=upcoming,
        cancellable=upcoming and view.status == BookingStatus.CONFIRMED,
    )


class BookingState(rx.State):
    """One booking with its tickets (the confirmation page, printable)."""

    booking: BookingCard | None = None
    tickets: list[TicketCard] = []
    error: str = ""
    loading: bool = True

    @rx.event
    async def load(self):
        self.loading, self.error, self.booking, self.tickets = True, "", None, []
        identity, login = await identity_or_login(self)
        if login is not None:
            return login
        booking_id = path_id(self.router.url.path, "/bookings")
        try:
            view = booking.get_booking(
                booking_id, actor_id=identity.user_id, actor_role=identity.role
            )
        except booking.BookingError:
            self.error, self.loading = "This booking does not exist.", False
            return None
        self.booking = _booking_card(view, utcnow())
        self.tickets = [
            TicketCard(
                code=t.code,
                label=t.label,
                category=t.category_name,
                price=money(t.price_cents, view.currency),
                qr=qr_data_uri(t.code),
                checked_in=show_time(t.checked_in_at) if t.checked_in_at else "",
                live=t.live,
            )
            for t in view.tickets
        ]
        self.loading = False
        return None


class MyBookingsState(rx.State):
    upcoming: list[BookingCard] = []
    past: list[BookingCard] = []
    loading: bool = True
    error: str = ""

    @rx.event
    async def load(self):
        identity, login = await identity_or_login(self, routes.MY_BOOKINGS)
        if login is not None:
            return login
        now = utcnow()
        cards = [_booking_card(v, now) for v in booking.list_user_bookings(identity.user_id)]
        self.upcoming = [c for c in cards if c.upcoming]
        self.past = [c for c in cards if not c.upcoming]
        self.loading = False
        return None

    @rx.event
    async def cancel(self, booking_id: int):
        identity, login = await identity_or_login(self, routes.MY_BOOKINGS)
        if login is not None:
            return login
        try:
            view = booking.cancel_booking(
                int(booking_id),
                actor_id=identity.user_id,
                actor_role=identity.role,
                reason="Cancelled by the customer",
            )
        except booking.BookingError as exc:
            return rx.toast.error(friendly(exc))
        await self.load()
        return rx.toast.success(f"Booking {view.code} is cancelled; its seats are free again.")


class AccountState(rx.State):
    name_message: str = ""
    password_message: str = ""
    password_error: str = ""
    name_error: str = ""

    @rx.event
    async def load(self):
        self.name_message = self.password_message = self.password_error = self.name_error = ""
        _, login = await identity_or_login(self, routes.ACCOUNT)
        return login

    @rx.event
    async def change_name(self, form: dict):
        identity, login = await identity_or_login(self, routes.ACCOUNT)
        if login is not None:
            return login
        try:
            user = auth.update_name(identity.user_id, form.get("name", ""))
        except auth.AuthError as exc:
            self.name_error, self.name_message = str(exc), ""
            return None
        (await self.get_state(SessionState)).user_name = user.name
        self.name_error, self.name_message = "", "Your name is updated."
        return None

    @rx.event
    async def change_password(self, form: dict):
        identity, login = await identity_or_login(self, routes.ACCOUNT)
        if login is not None:
            return login
        try:
            await asyncio.to_thread(
                auth.change_password,
                identity.user_id,
                form.get("current_password", ""),
                form.get("new_password", ""),
            )
        except auth.AuthError as exc:
            self.password_error, self.password_message = str(exc), ""
            return None
        self.password_error, self.password_message = "", "Your password is changed."
        return None


@dataclasses.dataclass
class ShowRow:
    id: int
    starts: str
    prices: str
    left: int
    total: int
    status: str  # on sale | few left | sold out | cancelled | past | not yet on sale
    bookable: bool


class EventState(rx.State):
    event_id: int = 0
    title: str = ""
    description: str = ""
    venue: str = ""
    address: str = ""
    category: str = ""
    banner_url: str = ""
    shows: list[ShowRow] = []
    not_found: bool = False
    loading: bool = True

    @rx.event
    async def load(self) -> None:
        self.loading, self.not_found = True, False
        self.event_id = path_id(self.router.url.path, "/events")
        session = await self.get_state(SessionState)
        viewer = {
            "viewer": booking.Actor(session.user_id, session.user_role) if session.user_id else None
        }
        try:
            event = booking.get_event(self.event_id, **viewer)
            summaries = booking.list_event_shows(self.event_id, **viewer)
        except booking.NotFound:
            self.not_found, self.loading = True, False
            return
        self.title, self.description = event.title, event.description
        self.venue, self.address = event.venue_name, event.venue_address
        self.category, self.banner_url = event.category, event.banner_url
        now = utcnow()
        rows = []
        for summary in summaries:
            show = summary.show
            if show.starts_at <= now:
                continue
            prices = sorted({p.price_cents for p in summary.prices})
            currency = summary.prices[0].currency if summary.prices else "EUR"
            price_text = (
                (
                    money(prices[0], currency)
                    if len(prices) == 1
                    else f"{money(prices[0], currency)} – {money(prices[-1], currency)}"
                )
                if prices
                else ""
            )
            rows.append(
                ShowRow(
                    id=show.id,
                    starts=show_time(show.starts_at),
                    prices=price_text,
                    left=summary.places_left,
                    total=summary.places_total,
                    status=_show_status(summary),
                    bookable=summary.sales == booking.SalesStatus.ON_SALE
                    and summary.places_left > 0,
                )
            )
        self.shows = rows
        self.loading = False


def _show_status(summary: booking.ShowSummary) -> str:
    """The engine's sales status, and how full the show is, as the event page words it."""
    if summary.sales != booking.SalesStatus.ON_SALE:
        return SHOW_STATUS_LABELS[summary.sales]
    if summary.places_left == 0:
        return "Sold out"
    if summary.few_left:
        return "Few left"
    return "On sale"


SHOW_STATUS_LABELS = {
    booking.SalesStatus.CANCELLED: "Cancelled",
    booking.SalesStatus.NOT_YET: "Not yet on sale",
    booking.SalesStatus.CLOSED: "Sales closed",
    booking.SalesStatus.STARTED: "Sales closed",
    booking.SalesStatus.NOT_PUBLISHED: "Draft — not on sale",
}
