"""One booking with its tickets and QR codes (the confirmation page, printable), and the
card a booking is shown as in lists."""

from __future__ import annotations

import dataclasses

import reflex as rx
import segno

from ticketapp import booking, routes
from ticketapp.booking.access import Actor
from ticketapp.formatting import money, show_time
from ticketapp.models import BookingStatus, utcnow
from ticketapp.state.session import identity_or_login
from ticketapp.state.show import path_id


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


def booking_card(view: booking.BookingView, now) -> BookingCard:
    live = [t for t in view.tickets if t.live] or list(view.tickets)
    upcoming = view.starts_at > now
    return BookingCard(
        id=view.id,
        code=view.code,
        event_title=view.event_title,
        venue=view.venue_name,
        starts=show_time(view.starts_at),
        status=view.status,
        total=money(view.total_cents, view.currency)
        + (
            f" (after {money(view.discount_cents, view.currency)} off, code {view.promo_code})"
            if view.discount_cents
            else ""
        ),
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
        booking_id = path_id(self.router.url.path, routes.MY_BOOKINGS)
        try:
            view = booking.get_booking(booking_id, actor=Actor.of(identity))
        except booking.BookingError:
            self.error, self.loading = "This booking does not exist.", False
            return None
        self.booking = booking_card(view, utcnow())
        self.tickets = [
            TicketCard(
                code=t.code,
                label=t.label,
                category=f"{t.category_name} · {t.ticket_type}"
                if t.ticket_type
                else t.category_name,
                price=money(t.price_cents, view.currency),
                qr=qr_data_uri(t.code),
                checked_in=show_time(t.checked_in_at) if t.checked_in_at else "",
                live=t.live,
            )
            for t in view.tickets
        ]
        self.loading = False
        return None
