"""One event's page: its details and showtimes, each with its sales status."""

from __future__ import annotations

import dataclasses

import reflex as rx

from ticketapp import booking, routes
from ticketapp.formatting import money, show_time
from ticketapp.models import utcnow
from ticketapp.state.sales_words import sales_note
from ticketapp.state.session import verified_viewer, viewer_args
from ticketapp.state.show import path_id


@dataclasses.dataclass
class ShowRow:
    id: int
    starts: str  # on the venue's clock
    starts_utc: str  # ISO, for the reader's own clock (components.common.your_time)
    note: str  # why it cannot be bought now, e.g. "Sales open on …" ("" while on sale)
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
    timezone: str = "UTC"
    shows: list[ShowRow] = []
    not_found: bool = False
    loading: bool = True

    @rx.event
    async def load(self) -> None:
        self.loading, self.not_found = True, False
        self.event_id = path_id(self.router.url.path, routes.EVENTS)
        viewer = viewer_args(await verified_viewer(self))
        try:
            event = booking.get_event(self.event_id, **viewer)
            summaries = booking.list_event_shows(self.event_id, **viewer)
        except booking.NotFound:
            self.not_found, self.loading = True, False
            return
        self.title, self.description = event.title, event.description
        self.venue, self.address = event.venue_name, event.venue_address
        self.category, self.banner_url = event.category, event.banner_url
        self.timezone = event.timezone
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
                    starts=show_time(show.starts_at, event.timezone),
                    starts_utc=show.starts_at.isoformat(),
                    note=sales_note(summary, event.timezone),
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
