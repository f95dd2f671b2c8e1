"""The new-event form of the dashboard: a draft is created, then its page takes over.

The handler re-checks the caller (`organizer_identity`); the engine checks the fields
(`booking.events`)."""

from __future__ import annotations

import reflex as rx

from ticketapp import booking, routes
from ticketapp.state.messages import friendly
from ticketapp.state.organizer import organizer_identity

EVENT_FIELDS = (
    "title",
    "venue_name",
    "venue_address",
    "timezone",
    "category",
    "banner_url",
    "description",
)


def event_form_fields(form: dict) -> dict[str, str]:
    return {name: str(form.get(name) or "") for name in EVENT_FIELDS}


class NewEventState(rx.State):
    error: str = ""
    error_field: str = ""
    busy: bool = False

    @rx.event
    async def check_access(self):
        _, refusal = await organizer_identity(self)
        return refusal or None

    @rx.event
    async def create(self, form: dict):
        identity, refusal = await organizer_identity(self)
        if refusal:
            yield refusal
            return
        self.busy, self.error, self.error_field = True, "", ""
        yield  # the button shows it is working
        try:
            event = booking.create_event(booking.Actor.of(identity), **event_form_fields(form))
        except booking.InvalidRequest as exc:
            self.busy, self.error, self.error_field = False, friendly(exc), exc.field or ""
            return
        except booking.BookingError as exc:
            self.busy, self.error = False, friendly(exc)
            return
        self.busy = False
        yield [
            rx.toast.success(f"“{event.title}” is saved as a draft. Add its showtimes next."),
            rx.redirect(routes.organizer_event_url(event.id)),
        ]
