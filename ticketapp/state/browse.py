"""The event list on the home page: search, filters and "load more" over the booking."""

from __future__ import annotations

import dataclasses
import logging
from datetime import date

import reflex as rx

from ticketapp import booking, routes
from ticketapp.formatting import money, short_date, show_time

PAGE_SIZE = 12
logger = logging.getLogger(__name__)


@dataclasses.dataclass
class EventCard:
    id: int
    title: str
    venue: str
    category: str
    banner_url: str
    next_date: str
    next_date_long: str
    show_count: int
    price_from: str
    sold_out: bool
    few_left: bool
    url: str


def _card(summary: booking.EventSummary) -> EventCard:
    return EventCard(
        id=summary.id,
        title=summary.title,
        venue=summary.venue_name,
        category=summary.category,
        banner_url=summary.banner_url,
        next_date=short_date(summary.next_show_at, summary.timezone),
        next_date_long=show_time(summary.next_show_at, summary.timezone),
        show_count=summary.show_count,
        price_from=(
            money(summary.price_from_cents, summary.currency)
            if summary.price_from_cents is not None
            else ""
        ),
        sold_out=summary.sold_out,
        few_left=summary.few_left,
        url=routes.event_url(summary.id),
    )


def _parse_day(value: str) -> date | None:
    """A date input's value; None when empty or garbled (a hand-edited address)."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


# Query-string names of the filters (routes.home_url): the URL is the search.
FILTER_PARAMS = {
    "query": "q",
    "category": "category",
    "venue": "venue",
    "date_from": "from",
    "date_to": "to",
}


class BrowseState(rx.State):
    """The filters live in the URL: a change navigates (pushing history, or replacing it while
    someone types), and `load` reads them back — so a link shares the search and Back
    returns to the previous one."""

    events: list[EventCard] = []
    total: int = 0
    query: str = ""
    category: str = ""
    venue: str = ""
    date_from: str = ""
    date_to: str = ""
    loading: bool = True
    error: str = ""
    filter_error: str = ""  # a filter that cannot be applied, e.g. a reversed date range
    categories: list[str] = []

    @rx.var
    def has_more(self) -> bool:
        return len(self.events) < self.total

    @rx.var
    def filtered(self) -> bool:
        return bool(self.query or self.category or self.venue or self.date_from or self.date_to)

    def _fetch(self, offset: int) -> tuple[list[EventCard], int]:
        summaries, total = booking.list_upcoming_events(
            text=self.query,
            category=self.category,
            venue=self.venue,
            # Days as each venue's calendar has them (a date picked is a local date).
            day_from=_parse_day(self.date_from),
            day_to=_parse_day(self.date_to),
            limit=PAGE_SIZE,
            offset=offset,
        )
        return [_card(s) for s in summaries], total

    def _url(self) -> str:
        return routes.home_url(
            **{param: getattr(self, name) for name, param in FILTER_PARAMS.items()}
        )

    @rx.event
    def load(self) -> None:
        self.loading, self.error, self.filter_error = True, "", ""
        params = self.router.url.query_parameters
        for name, param in FILTER_PARAMS.items():
            setattr(self, name, str(params.get(param, "")).strip()[:200])
        try:
            self.categories = booking.list_event_categories()
            self.events, self.total = self._fetch(0)
        except booking.InvalidRequest as exc:
            self.events, self.total, self.filter_error = [], 0, str(exc)
        except Exception:  # a broken database must not show a stack trace
            logger.exception("loading events failed")
            self.events, self.total = [], 0
            self.error = "Events could not be loaded. Please try again in a moment."
        finally:
            self.loading = False

    @rx.event
    def load_more(self) -> None:
        more, self.total = self._fetch(len(self.events))
        self.events = self.events + more

    def _apply(self, name: str, value: str, *, typing: bool = False):
        setattr(self, name, str(value or "").strip()[:200])
        # Typing replaces the history entry (no entry per keystroke); a pick adds one.
        return rx.redirect(self._url(), replace=typing)

    @rx.event
    def set_query(self, value: str):
        return self._apply("query", value, typing=True)

    @rx.event
    def set_venue(self, value: str):
        return self._apply("venue", value, typing=True)

    @rx.event
    def set_category(self, value: str):
        return self._apply("category", value)

    @rx.event
    def set_date_from(self, value: str):
        return self._apply("date_from", value)

    @rx.event
    def set_date_to(self, value: str):
        return self._apply("date_to", value)

    @rx.event
    def search(self, form: dict):
        """Enter in the search box: the same as typing, at once."""
        for name in FILTER_PARAMS:
            if name in form:
                setattr(self, name, str(form.get(name) or "").strip()[:200])
        return rx.redirect(self._url())

    @rx.event
    def clear_filters(self):
        self.query = self.category = self.venue = self.date_from = self.date_to = ""
        return rx.redirect(routes.HOME)
