"""One booking with its tickets and QR codes (the confirmation page, printable), and the
card a booking is shown as in lists."""

from __future__ import annotations

import dataclasses

import reflex as rx
import segno

from ticketapp import booking, routes
from ticketapp.booking.access import Actor
from ticketapp.documents import booking_calendar, choose_paper, tickets_pdf
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
    starts: str  # on the venue's clock
    starts_utc: str  # ISO, for the reader's own clock
    zone: str
    status: str
    total: str
    seats: str
    upcoming: bool
    cancellable: bool
    cancelled: str  # when it was cancelled, on the venue's clock ("" while confirmed)
    cancel_reason: str


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
        starts=show_time(view.starts_at, view.timezone),
        starts_utc=view.starts_at.isoformat(),
        zone=view.timezone,
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
        cancelled=show_time(view.cancelled_at, view.timezone) if view.cancelled_at else "",
        cancel_reason=view.cancel_reason,
    )


class BookingState(rx.State):
    """One booking with its tickets (the confirmation page, printable)."""

    booking: BookingCard | None = None
    tickets: list[TicketCard] = []
    error: str = ""
    loading: bool = True
    offers_files: bool = False  # PDF and calendar file (never for a cancelled booking)
    file_error: str = ""

    @rx.event
    async def load(self):
        self.loading, self.error, self.booking, self.tickets = True, "", None, []
        self.offers_files, self.file_error = False, ""
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
        self.offers_files = booking.offers_ticket_files(view)
        self.tickets = [
            TicketCard(
                code=booking.grouped_ticket_code(t.code),
                label=t.label,
                category=f"{t.category_name} · {t.ticket_type}"
                if t.ticket_type
                else t.category_name,
                price=money(t.price_cents, view.currency),
                # A void ticket gets no code to scan: only a live one admits anybody.
                qr=qr_data_uri(t.code) if t.live else "",
                checked_in=show_time(t.checked_in_at, view.timezone) if t.checked_in_at else "",
                live=t.live,
            )
            for t in view.tickets
        ]
        self.loading = False
        return None

    async def _ticket_files_view(self) -> booking.BookingView | None:
        """The booking to render files of, asked of the engine again (it may have been
        cancelled since the page loaded; the engine's access rule decides)."""
        self.file_error = ""
        identity, _ = await identity_or_login(self)
        if identity is None or self.booking is None:
            self.file_error = "Please log in again to download your tickets."
            return None
        try:
            return booking.booking_for_ticket_files(self.booking.id, actor=Actor.of(identity))
        except booking.BookingError as exc:
            self.file_error = str(exc)
            self.offers_files = False
            return None

    @rx.event
    async def download_pdf(self, paper: str = ""):
        """The tickets as a PDF: on the paper asked for, else the browser's locale's."""
        view = await self._ticket_files_view()
        if view is None:
            return None
        chosen = choose_paper(paper, self.router.headers.accept_language)
        return rx.download(
            data=tickets_pdf(view, chosen),
            filename=f"tickets-{view.code}.pdf",
            mime_type="application/pdf",
        )

    @rx.event
    async def download_calendar(self):
        view = await self._ticket_files_view()
        if view is None:
            return None
        return rx.download(
            data=booking_calendar(view, now=utcnow()),
            filename=f"booking-{view.code}.ics",
            mime_type="text/calendar",
        )
