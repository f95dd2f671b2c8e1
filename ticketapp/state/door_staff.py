"""The organizer's door staff: invite an account that may check tickets in for your events and
do nothing else, see who has one, revoke it. The rules are the engine's and auth's
(`auth.invite_door_staff`, `booking.door_staff`)."""

from __future__ import annotations

import dataclasses

import reflex as rx

from ticketapp import auth, booking
from ticketapp.formatting import short_date
from ticketapp.state.messages import friendly
from ticketapp.state.organizer import DashboardPage, guarded, organizer_identity


@dataclasses.dataclass
class StaffLine:
    user_id: int
    name: str
    email: str
    since: str


class DoorStaffState(DashboardPage, rx.State):
    staff: list[StaffLine] = []
    form_error: str = ""
    message: str = ""
    form_key: int = 0  # bumped after a successful invite: the form is drawn anew, empty

    @guarded
    async def _load(self, identity: auth.Identity) -> None:
        self._show(booking.list_door_staff(actor=booking.Actor.of(identity)))
        self.loading = False

    def _show(self, members: list[booking.DoorStaffMember]) -> None:
        self.staff = [
            StaffLine(m.user_id, m.name, m.email, short_date(m.granted_at)) for m in members
        ]

    @rx.event
    async def invite(self, form: dict):
        identity, refusal = await organizer_identity(self)
        if refusal:
            return refusal
        self.form_error, self.message = "", ""
        actor = booking.Actor.of(identity)
        try:
            user = auth.invite_door_staff(
                actor,
                str(form.get("name") or ""),
                str(form.get("email") or ""),
                str(form.get("password") or ""),
            )
        except (auth.AuthError, booking.BookingError) as exc:
            self.form_error = friendly(exc)
            return None
        self._show(booking.list_door_staff(actor=actor))
        self.message = f"{user.email} can now check tickets in for your events."
        self.form_key += 1
        return None

    @rx.event
    async def revoke(self, user_id: int):
        identity, refusal = await organizer_identity(self)
        if refusal:
            return refusal
        actor = booking.Actor.of(identity)
        self.form_error, self.message = "", ""
        try:
            booking.revoke_door_staff(int(user_id), actor=actor)
        except booking.BookingError as exc:
            self.form_error = friendly(exc)
        self._show(booking.list_door_staff(actor=actor))
        return None
