"""The door: the shows to scan, and one show's check-in page (camera, typed code, counts).

For organizers, admins and the door staff an organizer invited. Every handler re-verifies the
caller and asks the engine, which decides who may scan which show (`booking.access`); the page
only words the answers. The answer to a scan is worded once here (`verdict`), for this page
and the organizer's show page alike.
"""

from __future__ import annotations

import dataclasses
import logging

import reflex as rx

from ticketapp import auth, booking, routes
from ticketapp.formatting import show_time
from ticketapp.models import utcnow
from ticketapp.state.messages import friendly
from ticketapp.state.session import identity_or_login
from ticketapp.state.show import path_id

logger = logging.getLogger(__name__)

DENIED = "The door is for organizers and their door staff."


@dataclasses.dataclass(frozen=True)
class Verdict:
    title: str
    detail: str
    color: str


def verdict(result: booking.CheckInResult) -> Verdict:
    """What the steward reads, large: valid (with seat, category and ticket type) or why not."""
    zone = result.timezone
    # The type tells the steward which proof to ask for (a Child or Student ticket).
    ticket = " · ".join(p for p in (result.label, result.category_name, result.ticket_type) if p)
    if result.status == "checked_in":
        return Verdict("Valid — checked in", ticket, "green")
    if result.status == "already_checked_in":
        when = show_time(result.checked_in_at, zone) if result.checked_in_at else "earlier"
        return Verdict("Already checked in", f"at {when} · {ticket}", "orange")
    if result.status == "cancelled":
        return Verdict(
            "Cancelled ticket", f"Booking {result.booking_code} was cancelled: do not admit.", "red"
        )
    if result.status == "wrong_show":
        when = show_time(result.other_starts_at, zone) if result.other_starts_at else ""
        return Verdict(
            "Wrong show", f"This ticket is for {result.other_event_title}, {when}.", "red"
        )
    return Verdict("Unknown ticket", "Not a ticket for this show. Check the code.", "red")


async def door_identity(state: rx.State) -> tuple[auth.Identity | None, list]:
    """The verified caller if they may work doors at all (which shows: the engine decides)."""
    identity, login = await identity_or_login(state)
    if login is not None:
        return None, [login]
    actor = booking.Actor.of(identity)
    if not (actor.is_organizer or actor.is_door_staff):
        logger.info("user %s (%s) refused at the door", identity.user_id, identity.role)
        return None, [rx.toast.error(DENIED, id="door-denied"), rx.redirect(routes.HOME)]
    return identity, []


@dataclasses.dataclass
class DoorShowCard:
    show_id: int
    event_title: str
    venue: str
    starts: str
    cancelled: bool
    url: str


class DoorListState(rx.State):
    shows: list[DoorShowCard] = []
    loading: bool = True
    error: str = ""

    @rx.event
    async def load(self):
        self.loading, self.error, self.shows = True, "", []
        identity, refusal = await door_identity(self)
        if refusal:
            return refusal
        try:
            found = booking.door_shows(actor=booking.Actor.of(identity))
        except booking.BookingError as exc:
            self.error, self.loading = friendly(exc), False
            return None
        self.shows = [
            DoorShowCard(
                show_id=s.show_id,
                event_title=s.event_title,
                venue=s.venue_name,
                starts=show_time(s.starts_at, s.timezone),
                cancelled=s.status == "cancelled",
                url=routes.door_show_url(s.show_id),
            )
            for s in found
        ]
        self.loading = False
        return None


class DoorState(rx.State):
    show_id: int = 0
    event_title: str = ""
    starts: str = ""
    venue: str = ""
    checked_in: int = 0
    sold: int = 0
    loading: bool = True
    error: str = ""
    # The answer to the last scan ("" = none yet); `scans` counts answers, so the feedback
    # (sound, vibration) fires once per answer even when two answers read the same.
    scan_status: str = ""
    scan_title: str = ""
    scan_detail: str = ""
    scan_color: str = "gray"
    scanned_at: str = ""
    scans: int = 0

    @rx.event
    async def load(self):
        self.loading, self.error = True, ""
        self.scan_status, self.scan_title, self.scan_detail = "", "", ""
        self.show_id = path_id(self.router.url.path, routes.DOOR)
        identity, refusal = await door_identity(self)
        if refusal:
            return refusal
        actor = booking.Actor.of(identity)
        try:
            show = booking.door_show(self.show_id, actor=actor)
            counts = booking.check_in_counts(self.show_id, actor=actor)
        except booking.NotAllowed:
            self.error, self.loading = "You cannot check tickets in for this show.", False
            return None
        except booking.BookingError as exc:
            self.error, self.loading = friendly(exc), False
            return None
        self.event_title, self.venue = show.event_title, show.venue_name
        self.starts = show_time(show.starts_at, show.timezone)
        self.checked_in, self.sold = counts.checked_in, counts.sold
        self.loading = False
        return None

    @rx.event
    async def refresh_counts(self):
        identity, _ = await identity_or_login(self)
        if identity is None or not self.show_id or self.error:
            return
        try:
            counts = booking.check_in_counts(self.show_id, actor=booking.Actor.of(identity))
        except booking.BookingError:
            return  # the next scan reports the problem in words
        self.checked_in, self.sold = counts.checked_in, counts.sold

    def _answer(self, status: str, title: str, detail: str, color: str) -> None:
        self.scan_status, self.scan_title, self.scan_detail = status, title, detail
        self.scan_color = color
        self.scanned_at = show_time(utcnow(), "UTC")
        self.scans += 1

    async def _check(self, code: str):
        identity, refusal = await door_identity(self)
        if refusal:
            return refusal
        code = code.strip()
        if not code:
            self._answer("empty", "Type or scan a ticket code first.", "", "gray")
            return None
        actor = booking.Actor.of(identity)
        try:
            result = booking.check_in(code[:64], show_id=self.show_id, actor=actor)
        except booking.BookingError as exc:
            self._answer("error", friendly(exc), "", "red")
            return None
        said = verdict(result)
        self._answer(result.status, said.title, said.detail, said.color)
        if result.admitted:
            self.checked_in += 1
        return None

    @rx.event
    async def scanned(self, code: str):
        """A QR code the camera read."""
        return await self._check(str(code or ""))

    @rx.event
    async def typed(self, form: dict):
        """A code typed by hand (case, dashes and look-alikes are forgiven by the engine)."""
        return await self._check(str(form.get("code") or ""))
