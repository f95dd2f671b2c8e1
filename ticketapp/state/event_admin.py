"""One event on the dashboard: its details, publishing, delete or cancel, its showtimes and
figures, and the showtime form. Every handler re-checks the caller (`organizer_identity`)
and leaves every rule to the engine (`booking.events`, `booking.shows`, `booking.reports`)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import reflex as rx

from ticketapp import auth, booking, routes
from ticketapp.booking import category_color
from ticketapp.formatting import (
    input_time,
    money,
    money_input,
    parse_input_time,
    parse_money,
    percent,
    plural,
    show_time,
)
from ticketapp.models import EventStatus, ShowStatus, utcnow
from ticketapp.state.messages import friendly
from ticketapp.state.new_event import event_form_fields
from ticketapp.state.organizer import (
    CategoryLine,
    DashboardPage,
    Stat,
    category_lines,
    chart_days,
    guarded,
    organizer_identity,
    stats_of,
)
from ticketapp.state.show import path_id
from ticketapp.timezones import TimeZoneError, to_local


@dataclasses.dataclass
class ShowAdminLine:
    id: int
    starts: str
    status: str  # scheduled|cancelled|past
    sold: int
    places: int
    occupancy: int
    revenue: str
    prices: str
    url: str
    bookings_url: str
    editable: bool


class EventAdminState(DashboardPage, rx.State):
    event_id: int = 0
    title: str = ""
    venue_name: str = ""
    venue_address: str = ""
    timezone: str = "UTC"  # the venue's: showtimes are shown and entered on its clock
    category: str = ""
    banner_url: str = ""
    description: str = ""
    status: str = ""
    bookings_count: int = 0  # any status: one makes the event undeletable
    live_bookings: int = 0
    stats: list[Stat] = []
    daily: list[dict] = []
    categories: list[CategoryLine] = []
    shows: list[ShowAdminLine] = []
    form_key: int = 0  # bumped to reset the details form to the saved values
    details_error: str = ""
    details_error_field: str = ""

    @rx.var
    def public_url(self) -> str:
        return routes.event_url(self.event_id)

    @rx.var
    def bookings_url(self) -> str:
        return routes.organizer_bookings_url(self.event_id)

    def _prepare(self) -> str:
        self.details_error = self.details_error_field = ""
        self.event_id = path_id(self.router.url.path, routes.ORGANIZER_EVENTS)
        return ""

    @guarded
    async def _load(self, identity: auth.Identity) -> None:
        self._fill(identity)

    def _fill(self, identity: auth.Identity) -> None:
        """Read the event, its shows and figures (the engine checks the caller first)."""
        who = {"actor": booking.Actor.of(identity)}
        report = booking.event_report(self.event_id, **who)
        event = booking.get_event(self.event_id, viewer=booking.Actor.of(identity))
        summaries = booking.list_event_shows(self.event_id, viewer=booking.Actor.of(identity))
        self.title, self.status = event.title, event.status
        self.venue_name, self.venue_address = event.venue_name, event.venue_address
        self.timezone = event.timezone
        self.category, self.banner_url = event.category, event.banner_url
        self.description = event.description
        sales = report.sales
        self.stats = stats_of(report.counts, sales.currency)
        self.daily = chart_days(report.daily)
        self.categories = category_lines(report.categories)
        by_show = {s.show_id: s for s in sales.shows}
        now = utcnow()
        self.shows = []
        for summary in summaries:
            show, figures = summary.show, by_show[summary.show.id].counts
            places = figures.total - figures.blocked
            status = show.status
            if status == ShowStatus.SCHEDULED and show.starts_at <= now:
                status = "past"
            self.shows.append(
                ShowAdminLine(
                    id=show.id,
                    starts=show_time(show.starts_at, event.timezone),
                    status=status,
                    sold=figures.sold,
                    places=places,
                    occupancy=percent(figures.sold, places),
                    revenue=money(figures.revenue_cents, sales.currency),
                    prices=", ".join(
                        f"{p.name} {money(p.price_cents, p.currency)}" for p in summary.prices
                    ),
                    url=routes.organizer_show_url(show.id),
                    bookings_url=routes.organizer_bookings_url(self.event_id, show.id),
                    editable=summary.editable and status != "past",
                )
            )
        self.bookings_count, self.live_bookings = report.bookings, report.live_bookings
        self.loading = False

    async def _act(self, action, success: str):
        """Run one engine action for the verified organizer, then reload the page's figures."""
        identity, refusal = await organizer_identity(self)
        if refusal:
            return refusal
        try:
            result = action(identity)
        except booking.BookingError as exc:
            return rx.toast.error(friendly(exc))
        await self._load(identity)
        return rx.toast.success(success if isinstance(success, str) else success(result))

    @rx.event
    async def save_details(self, form: dict):
        identity, refusal = await organizer_identity(self)
        if refusal:
            return refusal
        self.details_error = self.details_error_field = ""
        try:
            booking.update_event(
                self.event_id,
                actor=booking.Actor.of(identity),
                **event_form_fields(form),
            )
        except booking.InvalidRequest as exc:
            self.details_error, self.details_error_field = friendly(exc), exc.field or ""
            return None
        except booking.BookingError as exc:
            self.details_error = friendly(exc)
            return None
        await self._load(identity)
        self.form_key += 1
        return rx.toast.success("Event details saved.")

    @rx.event
    async def publish(self):
        return await self._act(
            lambda who: booking.update_event(
                self.event_id, actor=booking.Actor.of(who), status=EventStatus.PUBLISHED
            ),
            "Published: customers can now find the event and book.",
        )

    @rx.event
    async def unpublish(self):
        return await self._act(
            lambda who: booking.update_event(
                self.event_id, actor=booking.Actor.of(who), status=EventStatus.DRAFT
            ),
            "Back to draft: the event is hidden from customers.",
        )

    @rx.event
    async def delete_event(self):
        identity, refusal = await organizer_identity(self)
        if refusal:
            return refusal
        try:
            booking.delete_event(self.event_id, actor=booking.Actor.of(identity))
        except booking.BookingError as exc:
            return rx.toast.error(friendly(exc))
        return [
            rx.toast.success(f"“{self.title}” was deleted."),
            rx.redirect(routes.ORGANIZER_EVENTS),
        ]

    @rx.event
    async def cancel_event(self, form: dict):
        def cancel(who: auth.Identity) -> booking.Cancellation:
            # The engine writes every buyer's "cancelled" mail in the same transaction.
            return booking.cancel_event(
                self.event_id,
                actor=booking.Actor.of(who),
                reason=str(form.get("reason") or ""),
            )

        return await self._act(
            cancel,
            lambda result: (
                f"The event is cancelled; {plural(len(result.bookings), 'booking')} cancelled, "
                "their seats released and their buyers mailed."
            ),
        )

    @rx.event
    async def cancel_show(self, form: dict):
        try:
            show_id = int(form.get("show_id") or 0)
        except ValueError:
            return rx.toast.error("Choose a show to cancel.")

        def cancel(who: auth.Identity) -> booking.Cancellation:
            return booking.cancel_show(
                show_id,
                actor=booking.Actor.of(who),
                reason=str(form.get("reason") or ""),
            )

        return await self._act(
            cancel,
            lambda result: (
                f"The show is cancelled, with {plural(len(result.bookings), 'booking')}; "
                "the buyers are mailed."
            ),
        )


@dataclasses.dataclass
class LayoutOption:
    id: str
    name: str


@dataclasses.dataclass
class PriceRow:
    name: str
    price: str
    hidden: bool = False  # not for public sale: only an access code that unlocks it sells it


class ShowFormState(rx.State):
    """The add / edit showtime dialog of the event page."""

    open: bool = False
    show_id: int = 0  # 0: a new show
    layouts: list[LayoutOption] = []
    layout_id: str = ""
    prices: list[PriceRow] = []
    starts: str = ""  # datetime-local values: the venue's wall clock (`zone`)
    sales_open: str = ""
    sales_close: str = ""
    zone: str = "UTC"
    hold_minutes: str = "10"
    cap: str = "10"
    error: str = ""
    busy: bool = False

    @rx.var
    def title(self) -> str:
        return "Edit showtime" if self.show_id else "Add a showtime"

    def _layouts(self, identity: auth.Identity) -> None:
        self.layouts = [
            LayoutOption(
                str(item.id), f"{item.name} ({plural(item.seats + item.standing, 'place')})"
            )
            for item in booking.list_layouts(actor=booking.Actor.of(identity))
        ]

    def _price_rows(
        self,
        identity: auth.Identity,
        keep: dict[str, str],
        *,
        only_layout: bool = False,
        hidden: set[str] | frozenset[str] = frozenset(),
    ) -> None:
        """A price input per category of the chosen layout, filled from `keep`; an existing
        show also keeps its other categories (a show never loses a price)."""
        names = (
            booking.layout_categories(int(self.layout_id), actor=booking.Actor.of(identity))
            if self.layout_id
            else []
        )
        if not only_layout:
            names += [name for name in keep if name not in names]
        self.prices = [PriceRow(name, keep.get(name, ""), name in hidden) for name in names]

    @rx.event
    async def open_new(self):
        identity, refusal = await organizer_identity(self)
        if refusal:
            return refusal
        self.show_id, self.error, self.busy = 0, "", False
        event_state = await self.get_state(EventAdminState)
        try:
            self._layouts(identity)
            shows = booking.list_event_shows(
                event_state.event_id, viewer=booking.Actor.of(identity)
            )
        except booking.BookingError as exc:
            return rx.toast.error(friendly(exc))
        # Another showtime of the same event most likely repeats the last one's hall and prices.
        last = shows[-1] if shows else None
        known = {o.id for o in self.layouts}
        if last is not None and str(last.show.layout_id) in known:
            self.layout_id = str(last.show.layout_id)
        else:
            self.layout_id = self.layouts[0].id if self.layouts else ""
        self.zone = event_state.timezone
        # A fortnight ahead at 19:30 on the venue's clock (as the organizer will read it).
        day = to_local(utcnow() + timedelta(days=14), self.zone).date()
        self.starts, self.sales_open, self.sales_close = f"{day.isoformat()}T19:30", "", ""
        defaults = booking.new_show_defaults()
        self.hold_minutes = str(max(1, defaults.hold_seconds // 60))
        self.cap = str(defaults.max_seats_per_customer)
        if last is not None:
            self.hold_minutes = str(max(1, last.show.hold_seconds // 60))
            self.cap = str(last.show.max_seats_per_customer)
        prices = {p.name: money_input(p.price_cents) for p in last.prices} if last else {}
        try:
            self._price_rows(
                identity,
                prices,
                only_layout=True,
                hidden={p.name for p in last.prices if p.hidden} if last else set(),
            )
        except booking.BookingError as exc:
            return rx.toast.error(friendly(exc))
        self.open = True
        return None

    @rx.event
    async def open_edit(self, show_id: int):
        identity, refusal = await organizer_identity(self)
        if refusal:
            return refusal
        self.error, self.busy = "", False
        try:
            summary = booking.get_show(int(show_id), viewer=booking.Actor.of(identity))
            self._layouts(identity)
        except booking.BookingError as exc:
            return rx.toast.error(friendly(exc))
        show = summary.show
        self.zone = (await self.get_state(EventAdminState)).timezone
        self.show_id = show.id
        self.layout_id = str(show.layout_id or "")
        self.starts = input_time(show.starts_at, self.zone)
        self.sales_open = input_time(show.sales_open_at, self.zone)
        self.sales_close = (
            ""
            if show.sales_close_at == show.starts_at
            else input_time(show.sales_close_at, self.zone)
        )
        self.hold_minutes = str(max(1, show.hold_seconds // 60))
        self.cap = str(show.max_seats_per_customer)
        try:
            self._price_rows(
                identity,
                {p.name: money_input(p.price_cents) for p in summary.prices},
                hidden={p.name for p in summary.prices if p.hidden},
            )
        except booking.BookingError as exc:
            return rx.toast.error(friendly(exc))
        self.open = True
        return None

    @rx.event
    def set_open(self, value: bool) -> None:
        self.open = bool(value)

    @rx.event
    async def pick_layout(self, value: str):
        identity, refusal = await organizer_identity(self)
        if refusal:
            return refusal
        current = {p.name: p.price for p in self.prices}
        hidden = {p.name for p in self.prices if p.hidden}
        self.layout_id = str(value)
        try:
            self._price_rows(identity, current, only_layout=not self.show_id, hidden=hidden)
        except booking.BookingError as exc:
            self.error = friendly(exc)
        return None

    @rx.event
    async def submit(self, form: dict):
        identity, refusal = await organizer_identity(self)
        if refusal:
            yield refusal
            return
        self.error = ""
        parsed = self._parse(form)
        if isinstance(parsed, str):
            self.error = parsed
            return
        starts_at, sales_open_at, sales_close_at, hold_seconds, cap, prices = parsed
        event_state = await self.get_state(EventAdminState)
        who = {"actor": booking.Actor.of(identity)}
        self.busy = True
        yield  # the button shows it is working (a big hall takes a moment to materialize)
        try:
            if self.show_id:
                booking.edit_show(
                    self.show_id,
                    prices=prices,
                    layout_id=int(self.layout_id) if self.layout_id else None,
                    starts_at=starts_at,
                    sales_open_at=sales_open_at,
                    sales_close_at=sales_close_at or starts_at,
                    hold_seconds=hold_seconds,
                    max_seats_per_customer=cap,
                    **who,
                )
                done = "Showtime updated."
            else:
                if not self.layout_id:
                    self.busy, self.error = False, "Choose a seat layout (or create one first)."
                    return
                booking.create_show(
                    event_state.event_id,
                    starts_at,
                    int(self.layout_id),
                    prices,
                    sales_open_at=sales_open_at,
                    sales_close_at=sales_close_at,
                    hold_seconds=hold_seconds,
                    max_seats_per_customer=cap,
                    **who,
                )
                done = "Showtime added: its seats are ready to sell."
        except booking.BookingError as exc:
            self.busy, self.error = False, friendly(exc)
            return
        self.busy, self.open = False, False
        await event_state._load(identity)
        yield rx.toast.success(done)

    def _parse(self, form: dict):
        """Form text -> values, or the message saying which field is not understood."""
        try:
            starts_at = parse_input_time(form.get("starts_at", ""), self.zone)
        except TimeZoneError as exc:
            return exc.message
        except ValueError:
            return "The start time is not a date and time."
        if starts_at is None:
            return "The start time is required."
        try:
            sales_open_at = parse_input_time(form.get("sales_open_at", ""), self.zone)
            sales_close_at = parse_input_time(form.get("sales_close_at", ""), self.zone)
        except TimeZoneError as exc:
            return exc.message
        except ValueError:
            return "The sales window must be dates and times."
        try:
            hold_seconds = int(str(form.get("hold_minutes") or "0").strip()) * 60
            cap = int(str(form.get("cap") or "0").strip())
        except ValueError:
            return "Hold minutes and seats per customer must be whole numbers."
        prices = []
        for rank, row in enumerate(self.prices):
            text = str(form.get(f"price__{row.name}") or "")
            try:
                cents = parse_money(text)
            except ValueError:
                return f"Enter a price for {row.name} (for example 25.00)."
            hidden = bool(form.get(f"hidden__{row.name}"))
            prices.append(
                booking.PriceSpec(
                    row.name, cents, rank=rank, color=category_color(rank), hidden=hidden
                )
            )
        if not prices:
            return "This layout has no price categories."
        return starts_at, sales_open_at, sales_close_at, hold_seconds, cap, prices
