"""The customer's bookings: upcoming and past, and cancelling one."""

from __future__ import annotations

import reflex as rx

from ticketapp import booking, routes
from ticketapp.booking.access import Actor
from ticketapp.models import utcnow
from ticketapp.state.booking_detail import BookingCard, booking_card
from ticketapp.state.messages import friendly
from ticketapp.state.session import identity_or_login


class MyBookingsState(rx.State):
    upcoming: list[BookingCard] = []
    past: list[BookingCard] = []
    loading: bool = True
    error: str = ""

    @rx.event
    async def load(self):
        identity, login = await identity_or_login(self, routes.MY_BOOKINGS)
        if login is not None:
            return login
        now = utcnow()
        cards = [booking_card(v, now) for v in booking.list_user_bookings(identity.user_id)]
        self.upcoming = [c for c in cards if c.upcoming]
        self.past = [c for c in cards if not c.upcoming]
        self.loading = False
        return None

    @rx.event
    async def cancel(self, booking_id: int):
        identity, login = await identity_or_login(self, routes.MY_BOOKINGS)
        if login is not None:
            return login
        try:
            view = booking.cancel_booking(
                int(booking_id),
                actor=Actor.of(identity),
                reason="Cancelled by the customer",
            )
        except booking.BookingError as exc:
            return rx.toast.error(friendly(exc))
        await self.load()
        return rx.toast.success(f"Booking {view.code} is cancelled; its seats are free again.")
