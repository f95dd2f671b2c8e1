"""An event's bookings on the dashboard: search, filter, pages, organizer-side cancel, CSV.

The filter lives in the URL's query (`?show=`) and in state; the page holds one page of rows.
The CSV export asks the engine for every booking the same filter matches
(`booking.bookings_csv`), so the file is exactly what the filter shows, all pages of it.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from ticketapp import auth, booking, routes
from ticketapp.booking.access import Actor
from ticketapp.formatting import money, show_time
from ticketapp.models import BookingStatus
from ticketapp.state.messages import friendly
from ticketapp.state.organizer import DashboardPage, guarded, organizer_identity, page_error
from ticketapp.state.show import path_id

PAGE_SIZE = 25
STATUSES = tuple(BookingStatus)


@dataclasses.dataclass
class BookingLine:
    id: int
    code: str
    buyer_name: str
    buyer_email: str
    show: str
    tickets: int
    total: str
    status: str
    booked: str
    cancellable: bool


@dataclasses.dataclass
class ShowOption:
    id: str
    label: str


class BookingsAdminState(DashboardPage, rx.State):
    event_id: int = 0
    event_title: str = ""
    shows: list[ShowOption] = []
    search: str = ""
    status: str = ""
    show_id: str = ""
    page: int = 0
    total: int = 0
    rows: list[BookingLine] = []

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @rx.var
    def range_text(self) -> str:
        if not self.total:
            return "No bookings match."
        first = self.page * PAGE_SIZE + 1
        last = min(self.total, first + PAGE_SIZE - 1)
        return f"{first}–{last} of {self.total}"

    @rx.var
    def event_url(self) -> str:
        return routes.organizer_event_url(self.event_id)

    def _prepare(self) -> str:
        self.event_id = path_id(
            self.router.url.path.removesuffix("/").removesuffix("/bookings"),
            routes.ORGANIZER_EVENTS,
        )
        show = str(self.router.url.query_parameters.get("show") or "")
        self.show_id = show if show.isdigit() else ""
        self.search, self.status, self.page = "", "", 0
        return ""

    @guarded
    async def _load(self, identity: auth.Identity) -> None:
        booking.ensure_can_manage_event(self.event_id, actor=booking.Actor.of(identity))
        event = booking.get_event(self.event_id, viewer=booking.Actor.of(identity))
        self.event_title = event.title
        self.shows = [
            ShowOption(str(s.show.id), show_time(s.show.starts_at, event.timezone))
            for s in booking.list_event_shows(self.event_id, viewer=booking.Actor.of(identity))
        ]
        self._fetch(identity)
        self.loading = False

    def _filters(self) -> dict:
        return {
            "show_id": int(self.show_id) if self.show_id else None,
            "status": self.status or None,
            "search": self.search,
        }

    def _fetch(self, identity: auth.Identity) -> None:
        """One page of rows for the current filter (the engine checks the caller again)."""

        def page() -> tuple[list[booking.BookingRow], int]:
            return booking.event_bookings(
                self.event_id,
                actor=booking.Actor.of(identity),
                limit=PAGE_SIZE,
                offset=self.page * PAGE_SIZE,
                **self._filters(),
            )

        rows, self.total = page()
        if not rows and self.page and self.total:
            self.page = (self.total - 1) // PAGE_SIZE
            rows, self.total = page()
        self.rows = [
            BookingLine(
                id=r.id,
                code=r.code,
                buyer_name=r.buyer_name,
                buyer_email=r.buyer_email,
                show=show_time(r.starts_at, r.timezone),
                tickets=r.ticket_count,
                # The discount is already off the total; the code says why.
                total=money(r.total_cents, r.currency)
                + (
                    f" (−{money(r.discount_cents, r.currency)}, {r.promo_code})"
                    if r.discount_cents
                    else ""
                ),
                status=r.status,
                booked=show_time(r.created_at, r.timezone),
                cancellable=r.cancellable,
            )
            for r in rows
        ]

    async def _refresh(self):
        identity, refusal = await organizer_identity(self)
        if refusal:
            return refusal
        try:
            self._fetch(identity)
        except booking.BookingError as exc:
            self.error = page_error(exc)
        return None

    @rx.event
    async def apply_filter(self, form: dict):
        self.search = str(form.get("search") or "").strip()[:200]
        status = str(form.get("status") or "")
        self.status = status if status in STATUSES else ""
        show = str(form.get("show") or "")
        self.show_id = show if show.isdigit() else ""
        self.page = 0
        return await self._refresh()

    @rx.event
    async def clear_filter(self):
        self.search, self.status, self.show_id, self.page = "", "", "", 0
        return await self._refresh()

    @rx.event
    async def next_page(self):
        if self.page + 1 < self.pages:
            self.page += 1
        return await self._refresh()

    @rx.event
    async def previous_page(self):
        self.page = max(0, self.page - 1)
        return await self._refresh()

    @rx.event
    async def cancel_booking(self, form: dict):
        identity, refusal = await organizer_identity(self)
        if refusal:
            return refusal
        try:
            booking_id = int(form.get("booking_id") or 0)
            view = booking.cancel_booking(
                booking_id,
                actor=Actor.of(identity),
                reason=str(form.get("reason") or "").strip() or "Cancelled by the organizer",
            )
        except ValueError:
            return rx.toast.error("Choose a booking to cancel.")
        except booking.BookingError as exc:
            return rx.toast.error(friendly(exc))
        await self._refresh()
        return rx.toast.success(
            f"Booking {view.code} is cancelled and its seats are free again; the buyer is mailed."
        )

    @rx.event
    async def export_csv(self):
        identity, refusal = await organizer_identity(self)
        if refusal:
            return refusal
        try:
            export = booking.bookings_csv(
                self.event_id,
                actor=booking.Actor.of(identity),
                **self._filters(),
            )
        except booking.BookingError as exc:
            return rx.toast.error(friendly(exc))
        return rx.download(data=export.text, filename=export.filename, mime_type="text/csv")
