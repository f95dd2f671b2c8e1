"""Sign-up and log-in forms: they call ticketapp.auth and show its messages."""

from __future__ import annotations

import asyncio

import reflex as rx

from ticketapp import auth, routes
from ticketapp.state.session import SessionState


class LogInState(rx.State):
    error: str = ""
    busy: bool = False

    @rx.event
    async def submit(self, form: dict):
        self.busy, self.error = True, ""
        yield
        try:
            # bcrypt takes a quarter of a second on purpose: keep it off the event loop.
            user, token = await asyncio.to_thread(
                auth.log_in, form.get("email", ""), form.get("password", "")
            )
        except auth.AuthError as exc:
            self.busy, self.error = False, str(exc)
            return
        session = await self.get_state(SessionState)
        session.sign_in(user, token)
        self.busy = False
        target = routes.safe_next(self.router.url.query_parameters.get("next"))
        yield [rx.toast.success(f"Welcome back, {user.name}."), rx.redirect(target)]


class SignUpState(rx.State):
    error: str = ""
    error_field: str = ""
    busy: bool = False

    @rx.event
    async def submit(self, form: dict):
        self.busy, self.error, self.error_field = True, "", ""
        yield
        try:
            user = await asyncio.to_thread(
                auth.sign_up, form.get("name", ""), form.get("email", ""), form.get("password", "")
            )
        except auth.InvalidInput as exc:
            self.busy, self.error, self.error_field = False, str(exc), exc.field
            return
        except auth.AuthError as exc:
            self.busy, self.error, self.error_field = False, str(exc), "email"
            return
        session = await self.get_state(SessionState)
        session.sign_in(user, auth.issue_token(user.id, user.role))
        self.busy = False
        target = routes.safe_next(self.router.url.query_parameters.get("next"))
        yield [rx.toast.success(f"Welcome to ticketapp, {user.name}."), rx.redirect(target)]
