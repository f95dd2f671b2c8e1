"""The organizer's dashboard: the gate every dashboard handler passes, the overview, the events.

Who may do what is decided on the server, on every event: each handler starts with
`organizer_identity`, which re-verifies the token (`SessionState.identity`) and refuses anyone
who is not an organizer or an admin; the engine then refuses another organizer's events and
layouts (`NotAllowed`). Hiding the dashboard link from customers is only a courtesy.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

import reflex as rx

from ticketapp import auth, booking, routes
from ticketapp.booking import OrganizerOverview, SalesCounts
from ticketapp.formatting import money, percent, plural, show_time
from ticketapp.state.messages import friendly
from ticketapp.state.session import identity_or_login

logger = logging.getLogger(__name__)

DENIED = "The organizer dashboard is for organizer accounts."
NOT_YOURS = "You can only manage your own events."


async def organizer_identity(state: rx.State) -> tuple[auth.Identity | None, list[Any]]:
    """The verified organizer (or admin) behind this tab, or the events that send anyone else
    away: visitors to log in (and back), customers home with a message."""
    identity, login = await identity_or_login(state)
    if login is not None:
        return None, [login]
    if not booking.Actor.of(identity).is_organizer:
        logger.info("user %s (%s) refused at %s", identity.user_id, identity.role, "dashboard")
        return None, [rx.toast.error(DENIED, id="dashboard-denied"), rx.redirect(routes.HOME)]
    return identity, []


def page_error(exc: Exception) -> str:
    """What a dashboard page says instead of its content when the engine refuses it."""
    if isinstance(exc, booking.NotAllowed):
        return NOT_YOURS
    if isinstance(exc, booking.NotFound):
        return "This page does not exist (or is not one of yours)."
    return friendly(exc)


def guarded(load: Callable) -> Callable:
    """Wrap a page's loading work: an unexpected error becomes a message, never a trace."""

    async def run(self, *args: Any) -> Any:
        try:
            return await load(self, *args)
        except booking.BookingError as exc:
            self.error, self.loading = page_error(exc), False
        except Exception:
            logger.exception("dashboard page failed to load")
            self.error = "This page could not be loaded. Please try again in a moment."
            self.loading = False
        return None

    run.__name__ = load.__name__
    return run


class DashboardPage(rx.State, mixin=True):
    """What every dashboard page's state does on load, written once: read the address,
    re-verify the organizer (`organizer_identity`), then load under `guarded`.

    A page overrides `_prepare` (read its ids from the address, reset its form; return a
    message if the address names nothing) and `_load`, decorated `@guarded` (fetch through
    the engine, which checks ownership again).
    """

    loading: bool = True
    error: str = ""

    def _prepare(self) -> str:
        return ""

    async def _load(self, identity: auth.Identity) -> None:
        raise NotImplementedError

    def _then(self) -> Any:
        """An event to run once the page has loaded (e.g. a live watcher); None by default."""
        return None

    @rx.event
    async def load(self):
        self.loading, self.error = True, ""
        problem = self._prepare()
        identity, refusal = await organizer_identity(self)
        if refusal:
            return refusal
        if problem:
            self.error, self.loading = problem, False
            return None
        await self._load(identity)
        # Chained, not listed in on_load: a background event listed there may start before
        # the load has read the page's ids.
        return None if self.error else self._then()


@dataclasses.dataclass
class Stat:
    label: str
    value: str
    note: str = ""


def stats_of(counts: SalesCounts, currency: str) -> list[Stat]:
    places = counts.total - counts.blocked
    return [
        Stat(
            "Revenue",
            money(counts.revenue_cents, currency),
            f"{plural(counts.sold, 'ticket')} sold",
        ),
        Stat("Sold", str(counts.sold), f"of {plural(places, 'place')}"),
        Stat("Held now", str(counts.held), "in customers' carts"),
        Stat("Available", str(counts.available), f"{counts.blocked} blocked"),
        Stat("Occupancy", f"{percent(counts.sold, places)}%", "sold of sellable places"),
    ]


def chart_days(daily: tuple[booking.DailySales, ...] | list[booking.DailySales]) -> list[dict]:
    """Sales per day for rx.recharts (revenue in whole currency units, for the axis)."""
    return [
        {
            "day": d.day.strftime("%d %b"),
            "revenue": round(d.revenue_cents / 100, 2),
            "tickets": d.tickets,
            "bookings": d.bookings,
        }
        for d in daily
    ]


@dataclasses.dataclass
class CategoryLine:
    name: str
    sold: int
    places: int
    occupancy: int
    revenue: str


def category_lines(categories: tuple[booking.CategoryTotal, ...]) -> list[CategoryLine]:
    return [
        CategoryLine(
            c.name, c.sold, c.total, percent(c.sold, c.total), money(c.revenue_cents, c.currency)
        )
        for c in categories
    ]


@dataclasses.dataclass
class ShowLine:
    show_id: int
    event_title: str
    starts: str
    sold: int
    held: int
    available: int
    places: int
    occupancy: int
    revenue: str
    url: str


class OverviewState(DashboardPage, rx.State):
    stats: list[Stat] = []
    shows: list[ShowLine] = []
    daily: list[dict] = []
    categories: list[CategoryLine] = []

    @guarded
    async def _load(self, identity: auth.Identity) -> None:
        overview: OrganizerOverview = booking.organizer_overview(actor=booking.Actor.of(identity))
        currency = overview.currency
        self.stats = stats_of(overview.counts, currency)
        self.shows = [
            ShowLine(
                show_id=s.show_id,
                event_title=s.event_title,
                starts=show_time(s.starts_at, s.timezone),
                sold=s.counts.sold,
                held=s.counts.held,
                available=s.counts.available,
                places=s.counts.total - s.counts.blocked,
                occupancy=percent(s.counts.sold, s.counts.total - s.counts.blocked),
                revenue=money(s.counts.revenue_cents, s.currency),
                url=routes.organizer_show_url(s.show_id),
            )
            for s in overview.shows
        ]
        self.daily = chart_days(overview.daily)
        self.categories = category_lines(overview.categories)
        self.loading = False


@dataclasses.dataclass
class EventLine:
    id: int
    title: str
    venue: str
    status: str
    shows: int
    next_show: str
    sold: int
    revenue: str
    url: str


class EventsState(DashboardPage, rx.State):
    events: list[EventLine] = []

    @guarded
    async def _load(self, identity: auth.Identity) -> None:
        rows = booking.organizer_events(actor=booking.Actor.of(identity))
        self.events = [
            EventLine(
                id=e.id,
                title=e.title,
                venue=e.venue_name,
                status=e.status,
                shows=e.show_count,
                next_show=show_time(e.next_show_at, e.timezone) if e.next_show_at else "—",
                sold=e.sold,
                revenue=money(e.revenue_cents, e.currency),
                url=routes.organizer_event_url(e.id),
            )
            for e in rows
        ]
        self.loading = False
