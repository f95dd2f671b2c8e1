"""One show: seat map or standing-area picker, selection, best available, hold.

Selecting is a wish kept in this state (nothing is claimed); "Continue" asks the engine to
hold the seats. The browser shows a click at once and sends it with a sequence number; the
answer (`selected`, `ack_seq`) reconciles the map without flicker.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import time

import reflex as rx

from ticketapp import booking, routes
from ticketapp.booking import (
    compact_layout,
    layout_url,
    quote_seats,
    seat_positions,
    unlock_statuses,
)
from ticketapp.formatting import money, plural, show_time
from ticketapp.live import hub
from ticketapp.state.messages import friendly
from ticketapp.state.queue import back_to_queue, keep_pass, queue_pass
from ticketapp.state.sales_words import sales_note
from ticketapp.state.session import identity_or_login, verified_viewer, viewer_args

logger = logging.getLogger(__name__)

TAKEN_CODES = frozenset("hbxr")  # r: a hidden category's place, for access-code holders only
WATCH_SECONDS = 3 * 3600  # a forgotten tab stops being pushed to after three hours


@dataclasses.dataclass
class Pick:
    seat_id: int
    label: str
    category: str
    price: str
    price_cents: int


@dataclasses.dataclass
class Legend:
    id: int
    name: str
    color: str
    price: str


@dataclasses.dataclass
class StandingArea:
    section: str
    category: str
    price: str
    left: int
    left_text: str  # "1 place left", "40 places left"


def _area(area: StandingArea, left: int) -> StandingArea:
    return dataclasses.replace(area, left=left, left_text=f"{plural(left, 'place')} left")


def path_id(path: str, prefix: str) -> int:
    """The numeric id in `/prefix/123`; 0 when there is none."""
    tail = path.rstrip("/").removeprefix(prefix).strip("/")
    return int(tail) if tail.isdigit() and len(tail) < 10 else 0


async def tab_connected(token: str) -> bool:
    """Is the browser tab behind `token` still connected (to any worker)? A watcher that
    outlives its tab would push every change of the hall into the void for hours, and Reflex
    logs each such push as "send delta to disconnected client"."""
    from ticketapp.ticketapp import app  # the app imports this module: resolve at call time

    tokens = getattr(app.event_namespace, "_token_manager", None)
    if tokens is None:
        return True  # not served by a running app (tests): keep watching
    return await tokens.is_token_connected(token)


class ShowState(rx.State):
    current_show_id: int = 0
    event_id: int = 0
    event_title: str = ""
    venue: str = ""
    starts: str = ""  # on the venue's clock
    starts_utc: str = ""  # ISO, for the reader's own clock
    zone: str = "UTC"
    hold_minutes: int = 10
    cap: int = 10
    is_general_admission: bool = False
    on_sale: bool = False  # the engine's sales status: only then is anything offered to buy
    sales_note: str = ""  # why not ("This show was cancelled.", "Sales open on …")
    confirm_replace: bool = False  # asking before best available replaces the held seats
    replace_text: str = ""
    presale: bool = False  # not on sale yet: an access code may let the customer in
    access_code: str = ""  # the access code accepted for this show ("" for none)
    has_hidden: bool = False  # some categories are not on public sale: a code may unlock them
    access_error: str = ""
    legend: list[Legend] = []
    areas: list[StandingArea] = []
    layout_url: str = ""
    statuses: str = ""
    selected: list[int] = []
    picks: list[Pick] = []
    ack_seq: int = 0
    hold_id: int = 0
    message: str = ""
    message_is_error: bool = False
    flash: str = ""
    not_found: bool = False
    loading: bool = True
    busy: bool = False
    currency: str = "EUR"
    _watching: int = 0  # the show this tab's live watcher follows (0: none)
    _held: list[int] = []  # seats of this customer's live hold
    _layout_version: int = 0  # the version of the layout this tab's map was given
    _pending_best: dict = {}  # the best-available request waiting for "replace?"
    _access_show: int = 0  # the show `access_code` was accepted for
    # The hidden categories `access_code` unlocks (Legend.id = category id): their places
    # read available on this viewer's map, an overlay over the shared statuses.
    _unlocked: list[Legend] = []

    @rx.var
    def total(self) -> str:
        return money(sum(p.price_cents for p in self.picks), self.currency)

    @rx.var
    def count(self) -> int:
        return len(self.picks)

    @rx.var
    def rules_text(self) -> str:
        return (
            f"Up to {plural(self.cap, 'place')} per customer. They are held for "
            f"{plural(self.hold_minutes, 'minute')} while you check out."
        )

    @rx.var
    def continue_text(self) -> str:
        if not self.picks:
            return "Continue"
        return f"Continue with {plural(len(self.picks), 'place')}"

    def _say(self, text: str, error: bool = False) -> None:
        self.message, self.message_is_error = text, error

    async def _viewer_id(self) -> int | None:
        identity = await verified_viewer(self)
        return identity.user_id if identity else None

    async def _refresh_statuses(self) -> None:
        if not self.is_general_admission:
            self._apply_statuses(await hub.statuses(self.current_show_id, fresh=True))
        if self.areas:  # a hall may have both seats and standing areas
            left = booking.general_admission_available(self.current_show_id)
            self.areas = [_area(a, left.get(a.section, 0)) for a in self.areas]

    @rx.event
    async def load(self):
        show_id = path_id(self.router.url.path, routes.SHOWS)
        # A message handed over by checkout (expired hold) survives exactly one load.
        self.message, self.message_is_error, self.flash = self.flash, bool(self.flash), ""
        self.loading, self.not_found, self.current_show_id = True, False, show_id
        self.selected, self.picks, self.hold_id, self._held = [], [], 0, []
        self.confirm_replace, self._pending_best = False, {}
        identity = await verified_viewer(self)
        viewer = viewer_args(identity)
        try:
            summary = booking.get_show(show_id, **viewer)
            event = booking.get_event(summary.show.event_id, **viewer)
        except booking.NotFound:
            self.not_found, self.loading = True, False
            return None
        show = summary.show
        self.event_id, self.event_title, self.venue = event.id, event.title, event.venue_name
        self.zone = event.timezone
        self.starts = show_time(show.starts_at, event.timezone)
        self.starts_utc = show.starts_at.isoformat()
        self.hold_minutes = max(1, show.hold_seconds // 60)
        self.cap = show.max_seats_per_customer
        self.on_sale = summary.sales == booking.SalesStatus.ON_SALE
        self.sales_note = sales_note(summary, event.timezone)
        self.presale = summary.sales == booking.SalesStatus.NOT_YET
        if show_id != self._access_show:
            self.access_code, self.access_error, self._access_show = "", "", show_id
            self._unlocked = []
        self.currency = summary.prices[0].currency if summary.prices else "EUR"
        self.legend = [
            Legend(c.id, c.name, c.color, money(c.price_cents, c.currency)) for c in summary.prices
        ] + list(self._unlocked)  # the public prices, and those the access code unlocked
        standing = booking.general_admission_available(show_id)
        # Only shows with standing areas pay for the full map read (it names their category).
        areas = booking.seat_map(show_id).general_admission if standing else ()
        by_id = {c.id: c for c in self.legend}  # a hidden area's category only once unlocked
        self.areas = [
            _area(
                StandingArea(
                    a.section, by_id[a.category_id].name, by_id[a.category_id].price, 0, ""
                ),
                standing.get(a.section, 0),
            )
            for a in areas
            if a.category_id in by_id
        ]
        compact = compact_layout(show_id)
        self.has_hidden = any(c["hidden"] for c in compact["categories"])
        self.is_general_admission = bool(standing) and not compact["seats"]
        self._layout_version = compact["version"]
        self.layout_url = layout_url(show_id, compact["version"])
        if identity is not None and self.on_sale:
            hold = booking.current_hold(identity.user_id, show_id)
            if hold is not None:
                self._take_hold(hold)
                if not self.message:
                    self._say(
                        f"{plural(len(hold.seats), 'place')} held for you until "
                        f"{show_time(hold.expires_at, event.timezone)}: "
                        "continue to check out, or change your selection."
                    )
        await self._refresh_statuses()
        self.loading = False
        # Nothing to buy (cancelled, not yet or no longer on sale): no live map to follow.
        return ShowState.watch_seats if self.on_sale else None

    def _apply_statuses(self, statuses: str) -> None:
        """New statuses; a selected seat someone else just took leaves the selection."""
        version = hub.layout_version(self.current_show_id)
        if version is not None and version != self._layout_version:
            # The organizer changed this hall's seats: the map fetches the new layout.
            self._layout_version = version
            self.layout_url = layout_url(self.current_show_id, version)
        if self._unlocked:  # this viewer's code unlocks hidden categories: no read of its own
            unlocked = frozenset(u.id for u in self._unlocked)
            statuses = unlock_statuses(
                statuses, self.current_show_id, self._layout_version, unlocked
            )
        self.statuses = statuses
        positions = seat_positions(self.current_show_id, self._layout_version)
        held = set(self._held)
        lost = [
            seat_id
            for seat_id in self.selected
            if seat_id not in held
            and positions.get(seat_id, len(statuses)) < len(statuses)
            and statuses[positions[seat_id]] in TAKEN_CODES
        ]
        if not lost:
            return
        labels = [p.label for p in self.picks if p.seat_id in lost]
        self.selected = [s for s in self.selected if s not in lost]
        self.picks = [p for p in self.picks if p.seat_id not in lost]
        self.ack_seq += 1
        self._say(
            f"Just taken by someone else: {', '.join(labels)}. We removed it from your selection.",
            error=True,
        )

    @rx.event(background=True)
    async def watch_seats(self):
        """Keep this viewer's map live until they leave the show or close the page."""
        async with self:
            show_id = self.current_show_id
            if not show_id or self._watching == show_id or self.is_general_admission:
                return
            self._watching = show_id
            token = self.router.session.client_token
        seen = hub.version(show_id)
        deadline = time.monotonic() + WATCH_SECONDS
        try:
            while time.monotonic() < deadline:
                version = await hub.wait_for_change(show_id, seen, timeout=20)
                if not await tab_connected(token):
                    return  # the tab is closed: nobody to push the hall to
                if version is None:
                    async with self:
                        if self.current_show_id != show_id:
                            return
                    continue
                seen = version
                statuses = await hub.statuses(show_id)
                async with self:
                    if self.current_show_id != show_id:
                        return
                    self._apply_statuses(statuses)
        finally:
            async with self:
                if self._watching == show_id:
                    self._watching = 0

    def _take_hold(self, hold: booking.HoldView) -> None:
        self.hold_id = hold.hold_id
        self._held = list(hold.seat_ids)
        self.selected = list(hold.seat_ids)
        self.picks = [
            Pick(
                s.seat_id,
                s.label,
                s.category_name,
                money(s.price_cents, hold.currency),
                s.price_cents,
            )
            for s in hold.seats
        ]

    @rx.event
    async def toggle_seat(self, seat_id: int, seq: int):
        self.ack_seq = max(self.ack_seq, int(seq))
        seat_id = int(seat_id)
        if seat_id in self.selected:
            if self.hold_id and seat_id in self._held:
                try:
                    booking.release_seats(self.hold_id, [seat_id], user_id=await self._viewer_id())
                except booking.BookingError:
                    logger.info("seat %s was no longer in hold %s", seat_id, self.hold_id)
                self._held = [s for s in self._held if s != seat_id]
            self.selected = [s for s in self.selected if s != seat_id]
            self.picks = [p for p in self.picks if p.seat_id != seat_id]
            self.message = ""
            return
        if len(self.selected) >= self.cap:
            self._say(
                f"You can pick at most {plural(self.cap, 'seat')} for this show. This limit keeps "
                "tickets fair for everyone.",
                error=True,
            )
            return
        quotes = quote_seats(self.current_show_id, [seat_id])
        if not quotes or not quotes[0].sellable:
            label = quotes[0].label if quotes else "That seat"
            self._say(f"{label} was just taken by someone else.", error=True)
            await self._refresh_statuses()
            return
        q = quotes[0]
        if q.hidden and q.category_id not in {u.id for u in self._unlocked}:
            self._say(f"{q.label} is not for sale without an access code.", error=True)
            return
        self.selected = [*self.selected, seat_id]
        self.picks = [
            *self.picks,
            Pick(q.seat_id, q.label, q.category, money(q.price_cents, q.currency), q.price_cents),
        ]
        self.message = ""

    @rx.event
    async def clear_selection(self):
        if self.hold_id:
            with contextlib.suppress(booking.BookingError):
                booking.release_hold(self.hold_id, user_id=await self._viewer_id())
        self.selected, self.picks, self.hold_id, self.message = [], [], 0, ""
        self._held = []
        self.ack_seq += 1
        await self._refresh_statuses()

    @rx.event
    async def hold_selection(self):
        identity, redirect = await identity_or_login(self)
        if redirect:
            yield redirect
            return
        if not self.selected:
            if not self.message:  # keep a "just taken" message that emptied the selection
                self._say("Pick at least one seat first.", error=True)
            return
        self.busy = True
        yield
        held = set()
        if self.hold_id:
            current = booking.current_hold(identity.user_id, self.current_show_id)
            held = set(current.seat_ids) if current else set()
            if current is None:
                self.hold_id = 0
        wanted = [s for s in self.selected if s not in held]
        try:
            if wanted:
                result = booking.hold_seats(
                    identity.user_id,
                    self.current_show_id,
                    wanted,
                    access_code=self.access_code,
                    queue_pass=await queue_pass(self),
                )
                self.hold_id, self._held = result.hold_id, list(result.seat_ids)
                await keep_pass(self, result)
        except booking.QueuePassRequired as exc:
            self._say(friendly(exc), error=True)
            self.busy = False
            yield await back_to_queue(self)
            return
        except booking.SeatsUnavailable as exc:
            lost = set(exc.seat_ids)
            self.selected = [s for s in self.selected if s not in lost]
            self.picks = [p for p in self.picks if p.seat_id not in lost]
            self.ack_seq += 1
            text = friendly(exc)
            if not self.selected:
                text = text.replace(" Your other seats are still selected.", " Please pick again.")
            self._say(text, error=True)
            await self._refresh_statuses()
            self.busy = False
            return
        except booking.BookingError as exc:
            self._say(friendly(exc), error=True)
            self.busy = False
            return
        self.busy = False
        yield rx.redirect(routes.checkout_url(self.hold_id))

    @rx.event
    async def best_available(self, form: dict):
        identity, redirect = await identity_or_login(self)
        if redirect:
            return redirect
        try:
            quantity = int(form.get("quantity") or 0)
            accessible = int(form.get("accessible") or 0)
            category_id = int(form.get("category") or 0) or None
        except ValueError:
            self._say("Please choose a number of seats.", error=True)
            return None
        live = booking.current_hold(identity.user_id, self.current_show_id)
        if live is not None and live.seats:
            # Finding new seats lets the held ones go: ask first, never silently.
            self._pending_best = {
                "quantity": quantity,
                "accessible": accessible,
                "category_id": category_id,
            }
            labels = ", ".join(s.label for s in live.seats)
            self.replace_text = (
                f"You are holding {plural(len(live.seats), 'place')} ({labels}). Finding the "
                f"best {plural(quantity, 'seat')} lets them go, and a checkout page open for "
                "them will no longer work."
            )
            self.confirm_replace = True
            return None
        return await self._find_best(identity, quantity, accessible, category_id)

    @rx.event
    async def replace_with_best(self):
        identity, redirect = await identity_or_login(self)
        if redirect:
            return redirect
        pending, self._pending_best, self.confirm_replace = self._pending_best, {}, False
        if not pending:
            return None
        return await self._find_best(
            identity, pending["quantity"], pending["accessible"], pending["category_id"]
        )

    @rx.event
    def keep_held(self):
        self._pending_best, self.confirm_replace = {}, False

    async def _find_best(
        self, identity, quantity: int, accessible: int, category_id: int | None
    ) -> None:
        try:
            # Best available starts a fresh cart; the engine lets go of what was held before
            # only if it finds the new seats.
            result = booking.hold_best_available(
                identity.user_id,
                self.current_show_id,
                quantity,
                category_id=category_id,
                accessible=accessible,
                replace_hold=True,
                access_code=self.access_code,
                queue_pass=await queue_pass(self),
            )
        except booking.QueuePassRequired as exc:
            self._say(friendly(exc), error=True)
            return await back_to_queue(self)
        except booking.BookingError as exc:
            self._say(friendly(exc), error=True)
            return None
        await keep_pass(self, result)
        hold = booking.get_hold(result.hold_id, actor=booking.Actor.of(identity))
        self._take_hold(hold)
        self.ack_seq += 1
        self._say(
            f"We found {plural(len(hold.seats), 'seat')} for you: {', '.join(result.labels)}. "
            f"They are held for {plural(self.hold_minutes, 'minute')}: continue to check out."
        )
        await self._refresh_statuses()
        return None

    @rx.event
    async def hold_standing(self, form: dict):
        identity, redirect = await identity_or_login(self)
        if redirect:
            return redirect
        try:
            quantity = int(form.get("quantity") or 0)
        except ValueError:
            quantity = 0
        try:
            result = booking.hold_general_admission(
                identity.user_id,
                self.current_show_id,
                quantity,
                section=form.get("section") or None,
                access_code=self.access_code,
                queue_pass=await queue_pass(self),
            )
        except booking.QueuePassRequired as exc:
            self._say(friendly(exc), error=True)
            return await back_to_queue(self)
        except booking.BookingError as exc:
            self._say(friendly(exc), error=True)
            await self._refresh_statuses()
            return None
        # The places join the customer's cart (one hold per show); one Continue checks out.
        self._take_hold(booking.get_hold(result.hold_id, actor=booking.Actor.of(identity)))
        self.ack_seq += 1
        self._say(
            f"{plural(len(result.added_seat_ids), 'standing place')} added to your places; "
            "continue to check out."
        )
        await self._refresh_statuses()
        return None

    @rx.event
    async def refresh(self) -> None:
        await self._refresh_statuses()

    @rx.event
    async def use_access_code(self, form: dict):
        typed = str(form.get("access_code") or "").strip()
        if not typed:
            self.access_error = "Enter your access code first."
            return
        try:
            # The engine decides what the code opens here: the presale, hidden categories
            # (booking.promo_codes).
            grant = booking.check_access_code(self.current_show_id, typed)
        except booking.BookingError as exc:
            self.access_error = friendly(exc)
            return
        self.access_code, self.access_error = grant.code, ""
        self._access_show = self.current_show_id
        self._unlocked = [
            Legend(c.id, c.name, c.color, money(c.price_cents, c.currency))
            for c in grant.categories
        ]
        if self._unlocked:  # the legend, standing areas and map gain what the code unlocks
            return ShowState.load
        return None
