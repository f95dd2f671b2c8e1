"""Sign-up and log-in forms: they call ticketapp.auth and show its messages."""

from __future__ import annotations

import asyncio

import reflex as rx

from ticketapp import auth, routes
from ticketapp.state.session import SessionState

# One answer per submit (no intermediate `yield`): with several workers sharing Redis we saw
# the last delta of a yielding handler go missing now and then, leaving a spinner forever.


def client_address(state: rx.State) -> str:
    """The browser's address as the websocket saw it (the auth core's rate limits key on it;
    behind a proxy, Reflex's `trusted_proxy_hops` makes it the forwarded one)."""
    return state.router.session.client_ip or "unknown"


class LogInState(rx.State):
    error: str = ""

    @rx.event
    async def submit(self, form: dict):
        try:
            # bcrypt takes a quarter of a second on purpose: keep it off the event loop.
            user, token = await asyncio.to_thread(
                auth.log_in,
                form.get("email", ""),
                form.get("password", ""),
                client_ip=client_address(self),
            )
        except auth.AuthError as exc:
            self.error = str(exc)
            return None
        self.error = ""
        session = await self.get_state(SessionState)
        session.sign_in(user, token)
        target = routes.safe_next(self.router.url.query_parameters.get("next"))
        return [rx.toast.success(f"Welcome back, {user.name}."), rx.redirect(target)]


class SignUpState(rx.State):
    error: str = ""
    error_field: str = ""

    @rx.event
    async def submit(self, form: dict):
        try:
            user = await asyncio.to_thread(
                auth.sign_up,
                form.get("name", ""),
                form.get("email", ""),
                form.get("password", ""),
                client_ip=client_address(self),
            )
        except auth.InvalidInput as exc:
            self.error, self.error_field = str(exc), exc.field
            return None
        except auth.AuthError as exc:
            self.error, self.error_field = str(exc), "email"
            return None
        self.error, self.error_field = "", ""
        session = await self.get_state(SessionState)
        session.sign_in(user, auth.token_for(user))
        target = routes.safe_next(self.router.url.query_parameters.get("next"))
        return [rx.toast.success(f"Welcome to ticketapp, {user.name}."), rx.redirect(target)]
