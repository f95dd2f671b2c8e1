"""The waiting room of a show page: join on arrival, follow the place live, shop once admitted.

Thin: `booking.join_queue` / `booking.queue_place` decide everything; this state only shows
the answer and keeps the tab's pass, which the show page's hold handlers hand to the engine
(which checks it). Positions update every `POLL_SECONDS` without a reload; the screen-reader
announcement changes at most every `ANNOUNCE_SECONDS`, so a listener is not talked over.
"""

from __future__ import annotations

import asyncio
import time

import reflex as rx

from ticketapp import booking, routes
from ticketapp.booking import QueuePlace, QueueState
from ticketapp.formatting import show_time
from ticketapp.models import utcnow
from ticketapp.queueing import default_waiting_room
from ticketapp.state.session import verified_viewer

POLL_SECONDS = 2.0
ANNOUNCE_SECONDS = 30.0
WATCH_SECONDS = 6 * 3600


def wait_words(seconds: int | None) -> str:
    if seconds is None:
        return "We will let you know as soon as it is your turn."
    if seconds < 60:
        return "Less than a minute to go."
    minutes = (seconds + 59) // 60
    return f"About {minutes} minute{'s' if minutes != 1 else ''} to go."


class WaitingRoomState(rx.State):
    active: bool = False  # the page shows the queue instead of the seat map
    needs_login: bool = False
    phase: str = ""  # booking.QueueState
    position: int = 0
    waiting: int = 0
    estimate: str = ""
    progress: int = 0  # 0..100: how much of the line ahead of you has gone in
    opens: str = ""
    announcement: str = ""
    login_url: str = ""
    _show_id: int = 0
    _pass: str = ""
    _first_position: int = 0
    _announced_at: float = 0.0
    _watching: int = 0

    @rx.event
    async def enter(self):
        """On the show page's load: join the queue if the show has one (log-in required)."""
        from ticketapp.state.show import ShowState, path_id

        show_id = path_id(self.router.url.path, routes.SHOWS)
        self._show_id, self._first_position, self._announced_at = show_id, 0, 0.0
        self.announcement = ""
        identity = await verified_viewer(self)
        try:
            if identity is None:
                place = booking.queue_place(0, show_id, store=default_waiting_room())
                self.active = place.state != QueueState.NO_QUEUE
                self.needs_login = self.active
                self.login_url = routes.login_url(self.router.url.path)
                self._pass = ""
                return None
            self.needs_login = False
            place = booking.queue_place(identity.user_id, show_id, store=default_waiting_room())
            if place.state not in (QueueState.NO_QUEUE, QueueState.ADMITTED):
                place = booking.join_queue(identity.user_id, show_id, store=default_waiting_room())
        except booking.BookingError as exc:
            # The show is not on sale (or gone): the show page says why; no queue to show.
            self.active = False
            show = await self.get_state(ShowState)
            if not show.message:
                show._say(str(exc), error=True)
            return None
        self._apply(place, admitted_now=False)
        return None if not self.active else WaitingRoomState.watch

    def _apply(self, place: QueuePlace, *, admitted_now: bool) -> None:
        self.phase = place.state
        self.waiting = place.waiting
        self.opens = show_time(place.opens_at) if place.opens_at else ""
        if place.state in (QueueState.NO_QUEUE, QueueState.ADMITTED):
            self.active = False
            self._pass = place.pass_token or ""
            return
        self.active = True
        self._pass = ""
        self.position = place.position or 0
        self.estimate = wait_words(place.estimate_seconds)
        if self.position and not self._first_position:
            self._first_position = self.position
        if self._first_position and self.position:
            gone = self._first_position - self.position
            self.progress = max(0, min(100, round(100 * gone / self._first_position)))
        now = time.monotonic()
        if now - self._announced_at >= ANNOUNCE_SECONDS:
            self._announced_at = now
            self.announcement = self._spoken()

    def _spoken(self) -> str:
        if self.phase == QueueState.BEFORE_SALE:
            return f"You are in the queue. Sales open {self.opens}."
        if self.phase == QueueState.WAITING:
            return f"You are number {self.position} in the queue. {self.estimate}"
        return ""

    @rx.event(background=True)
    async def watch(self):
        """Follow this tab's place until it is admitted, the tab leaves the show, or closes."""
        from ticketapp.state.show import ShowState, tab_connected

        async with self:
            show_id, token = self._show_id, self.router.session.client_token
            if not show_id or self._watching == show_id:
                return
            self._watching = show_id
            identity = await verified_viewer(self)
        if identity is None:
            return
        deadline = time.monotonic() + WATCH_SECONDS
        try:
            while time.monotonic() < deadline:
                await asyncio.sleep(POLL_SECONDS)
                if not await tab_connected(token):
                    return
                place = await asyncio.to_thread(
                    booking.queue_place, identity.user_id, show_id, store=default_waiting_room()
                )
                async with self:
                    if self._show_id != show_id:
                        return
                    if place.state == QueueState.EXPIRED:  # e.g. the organizer's rules changed
                        place = booking.join_queue(
                            identity.user_id, show_id, store=default_waiting_room()
                        )
                    self._apply(place, admitted_now=True)
                    if place.state == QueueState.ADMITTED:
                        show = await self.get_state(ShowState)
                        left = (place.pass_expires_at or utcnow()) - utcnow()
                        minutes = max(1, round(left.total_seconds() / 60))
                        show._say(
                            f"It's your turn! Choose your seats: you have {minutes} minutes "
                            "to shop."
                        )
                        return
        finally:
            async with self:
                if self._watching == show_id:
                    self._watching = 0


async def queue_pass(state: rx.State) -> str | None:
    """The tab's pass for the engine's hold functions (None: no pass; the engine decides)."""
    return (await state.get_state(WaitingRoomState))._pass or None


async def keep_pass(state: rx.State, result: booking.HoldResult) -> None:
    """Holding seats renews the pass: keep the new one."""
    if result.queue_pass:
        (await state.get_state(WaitingRoomState))._pass = result.queue_pass


async def back_to_queue(state: rx.State) -> rx.event.EventSpec:
    """The engine refused for want of a valid pass: show the queue again (a new place)."""
    room = await state.get_state(WaitingRoomState)
    room._pass, room.active = "", True
    return WaitingRoomState.enter
