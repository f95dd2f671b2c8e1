"""The organizer's side of a show's waiting room: turn it on, set the rate, pause, watch it.

Thin: `booking.configure_queue`, `booking.pause_queue` and `booking.queue_figures` check the
organizer and the input; this state words their answers. The figures refresh every
`REFRESH_SECONDS` while the page is open.
"""

from __future__ import annotations

import asyncio
import time

import reflex as rx

from ticketapp import booking, routes
from ticketapp.queueing import default_waiting_room
from ticketapp.state.messages import friendly
from ticketapp.state.organizer import organizer_identity
from ticketapp.state.show import path_id, tab_connected

REFRESH_SECONDS = 2.0
WATCH_SECONDS = 6 * 3600


def _whole(text: object, field: str) -> int | None:
    raw = str(text or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:
        raise booking.InvalidRequest(f"{field} must be a whole number.", field)
    return int(raw)


class QueueAdminState(rx.State):
    show_id: int = 0
    available: bool = False  # the organizer may manage this show's queue
    enabled: bool = False
    paused: bool = False
    per_minute: str = ""
    max_active: str = ""
    pass_minutes: str = "10"
    waiting: int = 0
    admitted: int = 0
    active: int = 0
    admitted_last_minute: int = 0
    sold_last_minute: int = 0
    store: str = ""
    message: str = ""
    message_is_error: bool = False
    _watching: int = 0

    def _show(self, figures: booking.QueueFigures) -> None:
        s = figures.settings
        self.enabled, self.paused = s.enabled, s.paused
        self.per_minute = str(s.per_minute or "")
        self.max_active = str(s.max_active or "")
        self.pass_minutes = str(max(1, s.pass_seconds // 60))
        self._figures(figures)

    def _figures(self, figures: booking.QueueFigures) -> None:
        self.waiting, self.admitted, self.active = figures.waiting, figures.admitted, figures.active
        self.admitted_last_minute = figures.admitted_last_minute
        self.sold_last_minute = figures.sold_last_minute
        self.store = figures.store

    @rx.event
    async def load(self):
        self.show_id = path_id(self.router.url.path, routes.ORGANIZER_SHOWS)
        self.message, self.available = "", False
        identity, refusal = await organizer_identity(self)
        if refusal:
            return None  # the page's own state sends the visitor away
        try:
            figures = booking.queue_figures(
                self.show_id, actor=booking.Actor.of(identity), store=default_waiting_room()
            )
        except booking.BookingError:
            return None  # the page itself says why (not found, not yours)
        self.available = True
        self._show(figures)
        return QueueAdminState.watch

    @rx.event
    async def save(self, form: dict):
        identity, refusal = await organizer_identity(self)
        if refusal:
            return refusal
        try:
            minutes = _whole(form.get("pass_minutes"), "pass_seconds") or 10
            settings = booking.configure_queue(
                self.show_id,
                actor=booking.Actor.of(identity),
                enabled=bool(form.get("enabled")),
                per_minute=_whole(form.get("per_minute"), "per_minute"),
                max_active=_whole(form.get("max_active"), "max_active"),
                pass_seconds=minutes * 60,
                paused=self.paused,
            )
        except booking.BookingError as exc:
            self.message, self.message_is_error = friendly(exc), True
            return None
        self.enabled, self.paused = settings.enabled, settings.paused
        self.message, self.message_is_error = (
            "Queue on-sale is on." if settings.enabled else "Queue on-sale is off.",
            False,
        )
        return QueueAdminState.watch

    @rx.event
    async def toggle_pause(self):
        identity, refusal = await organizer_identity(self)
        if refusal:
            return refusal
        try:
            settings = booking.pause_queue(
                self.show_id, not self.paused, actor=booking.Actor.of(identity)
            )
        except booking.BookingError as exc:
            self.message, self.message_is_error = friendly(exc), True
            return None
        self.paused = settings.paused
        self.message, self.message_is_error = (
            "Admission paused." if settings.paused else "Admission resumed.",
            False,
        )
        return None

    @rx.event(background=True)
    async def watch(self):
        """Keep the figures live while the page is open."""
        async with self:
            show_id, token = self.show_id, self.router.session.client_token
            if not show_id or self._watching == show_id or not self.available:
                return
            self._watching = show_id
            identity, refusal = await organizer_identity(self)
        if refusal:
            return
        deadline = time.monotonic() + WATCH_SECONDS
        try:
            while time.monotonic() < deadline:
                await asyncio.sleep(REFRESH_SECONDS)
                if not await tab_connected(token):
                    return
                try:
                    figures = await asyncio.to_thread(
                        booking.queue_figures,
                        show_id,
                        actor=booking.Actor.of(identity),
                        store=default_waiting_room(),
                    )
                except booking.BookingError:
                    return
                async with self:
                    if self.show_id != show_id:
                        return
                    self._figures(figures)
        finally:
            async with self:
                if self._watching == show_id:
                    self._watching = 0
