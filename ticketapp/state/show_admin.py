"""One show on the dashboard: its figures, its seat map as customers see it, and check-in.

Check-in is the engine's `check_in`: one conditional UPDATE, so of two stewards scanning the
same ticket at the same moment exactly one reads "checked in" and the other "already checked
in". The page only words the answer.
"""

from __future__ import annotations

import dataclasses
import logging
import time

import reflex as rx

from ticketapp import auth, booking, routes
from ticketapp.booking import compact_layout, layout_url, status_string
from ticketapp.formatting import money, percent, show_time
from ticketapp.live import hub
from ticketapp.models import ShowStatus, utcnow
from ticketapp.state.door import verdict
from ticketapp.state.messages import friendly
from ticketapp.state.organizer import DashboardPage, Stat, guarded, organizer_identity, stats_of
from ticketapp.state.show import WATCH_SECONDS, path_id, tab_connected

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class CategoryRow:
    name: str
    price: str
    sold: int
    held: int
    available: int
    places: int
    occupancy: int
    revenue: str


class ShowAdminState(DashboardPage, rx.State):
    show_id: int = 0
    event_id: int = 0
    event_title: str = ""
    starts: str = ""
    zone: str = "UTC"  # the venue's: every time on this page is on its clock
    status: str = ""
    stats: list[Stat] = []
    categories: list[CategoryRow] = []
    has_seat_map: bool = False
    layout_url: str = ""
    statuses: str = ""
    # The answer to the last scan, worded for the steward at the door ("" = no scan yet).
    scan_status: str = ""
    scan_title: str = ""
    scan_detail: str = ""
    scan_color: str = "gray"
    scans: int = 0  # bumped on every scan: the code input is cleared for the next ticket
    _watching: int = 0  # the show this tab's live watcher follows (0: none)
    _actor: booking.Actor | None = None  # who loaded the page: the watcher reads as them

    @rx.var
    def event_url(self) -> str:
        return routes.organizer_event_url(self.event_id)

    @rx.var
    def bookings_url(self) -> str:
        return routes.organizer_bookings_url(self.event_id, self.show_id)

    def _prepare(self) -> str:
        self._scanned("", "", "", "gray")
        self.show_id = path_id(self.router.url.path, routes.ORGANIZER_SHOWS)
        return ""

    @guarded
    async def _load(self, identity: auth.Identity) -> None:
        sales = booking.show_sales(self.show_id, actor=booking.Actor.of(identity))
        self._actor = booking.Actor.of(identity)
        summary = booking.get_show(self.show_id, viewer=booking.Actor.of(identity))
        event = booking.get_event(summary.show.event_id, viewer=booking.Actor.of(identity))
        self.event_id, self.event_title = event.id, event.title
        self.zone = event.timezone
        self.starts = show_time(sales.starts_at, event.timezone)
        self.status = sales.status
        if sales.status == ShowStatus.SCHEDULED and sales.starts_at <= utcnow():
            self.status = "started"
        self._apply_sales(sales)
        compact = compact_layout(self.show_id)
        self.has_seat_map = bool(compact["seats"])
        self.layout_url = layout_url(self.show_id, compact["version"])
        self.statuses = status_string(self.show_id) if self.has_seat_map else ""
        self.loading = False

    def _apply_sales(self, sales: booking.ShowSales) -> None:
        self.stats = stats_of(sales.counts, sales.currency)
        self.categories = [
            CategoryRow(
                name=c.name,
                price=money(c.price_cents, c.currency),
                sold=c.counts.sold,
                held=c.counts.held,
                available=c.counts.available,
                places=c.counts.total - c.counts.blocked,
                occupancy=percent(c.counts.sold, c.counts.total - c.counts.blocked),
                revenue=money(c.counts.revenue_cents, c.currency),
            )
            for c in sales.categories
        ]

    def _then(self):
        return ShowAdminState.watch_hall

    @rx.event(background=True)
    async def watch_hall(self):
        """Follow the hall like the customers' map does (`ShowState.watch_seats`): every hold,
        booking, cancellation or expiry anywhere updates the map and the figures at once."""
        async with self:
            show_id, actor = self.show_id, self._actor
            if not show_id or actor is None or self._watching == show_id or self.error:
                return
            self._watching = show_id
            token = self.router.session.client_token
        seen = hub.version(show_id)
        deadline = time.monotonic() + WATCH_SECONDS
        try:
            while time.monotonic() < deadline:
                version = await hub.wait_for_change(show_id, seen, timeout=20)
                if not await tab_connected(token):
                    return
                if version is None:
                    async with self:
                        if self.show_id != show_id:
                            return
                    continue
                seen = version
                # The engine checks the organizer again on every read.
                sales = booking.show_sales(show_id, actor=actor)
                statuses = await hub.statuses(show_id)
                async with self:
                    if self.show_id != show_id:
                        return
                    self._apply_sales(sales)
                    if self.has_seat_map:
                        self.statuses = statuses
        except booking.BookingError:
            logger.info("stopped following show %s: no longer allowed", show_id)
        finally:
            async with self:
                if self._watching == show_id:
                    self._watching = 0

    @rx.event
    async def refresh(self):
        identity, refusal = await organizer_identity(self)
        if refusal:
            return refusal
        await self._load(identity)
        return None

    def _scanned(self, status: str, title: str, detail: str, color: str) -> None:
        self.scan_status, self.scan_title = status, title
        self.scan_detail, self.scan_color = detail, color

    @rx.event
    async def check_in(self, form: dict):
        identity, refusal = await organizer_identity(self)
        if refusal:
            return refusal
        code = str(form.get("code") or "").strip()
        self.scans += 1
        if not code:
            self._scanned("empty", "Type or paste a ticket code first.", "", "gray")
            return None
        try:
            result = booking.check_in(code, show_id=self.show_id, actor=booking.Actor.of(identity))
        except booking.BookingError as exc:
            self._scanned("error", friendly(exc), "", "red")
            return None
        said = verdict(result)
        self._scanned(result.status, said.title, said.detail, said.color)
        if result.admitted:
            await self._load(identity)
        return None
