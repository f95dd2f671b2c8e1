"""The customer's account page: change name and password."""

from __future__ import annotations

import asyncio

import reflex as rx

from ticketapp import auth, routes
from ticketapp.state.session import SessionState, identity_or_login


class AccountState(rx.State):
    name_message: str = ""
    password_message: str = ""
    password_error: str = ""
    name_error: str = ""
    # Which password field the error is about ("current_password" | "new_password"): that
    # field is marked aria-invalid.
    password_error_field: str = ""

    @rx.event
    async def load(self):
        self.name_message = self.password_message = self.password_error = self.name_error = ""
        self.password_error_field = ""
        _, login = await identity_or_login(self, routes.ACCOUNT)
        return login

    @rx.event
    async def change_name(self, form: dict):
        identity, login = await identity_or_login(self, routes.ACCOUNT)
        if login is not None:
            return login
        try:
            user = auth.update_name(identity.user_id, form.get("name", ""))
        except auth.AuthError as exc:
            self.name_error, self.name_message = str(exc), ""
            return None
        (await self.get_state(SessionState)).user_name = user.name
        self.name_error, self.name_message = "", "Your name is updated."
        return None

    @rx.event
    async def change_password(self, form: dict):
        identity, login = await identity_or_login(self, routes.ACCOUNT)
        if login is not None:
            return login
        try:
            token = await asyncio.to_thread(
                auth.change_password,
                identity.user_id,
                form.get("current_password", ""),
                form.get("new_password", ""),
            )
        except auth.InvalidCredentials as exc:
            self.password_error, self.password_message = str(exc), ""
            self.password_error_field = "current_password"
            return None
        except auth.AuthError as exc:
            self.password_error, self.password_message = str(exc), ""
            self.password_error_field = "new_password"
            return None
        # Every other session of this account has just ended; this tab goes on with a new one.
        (await self.get_state(SessionState)).token = token
        self.password_error = self.password_error_field = ""
        self.password_message = "Your password is changed; other devices are logged out."
        # The fields keep what was typed after an error (reset_on_submit=False); emptied here.
        return [rx.set_value("current-password", ""), rx.set_value("new-password", "")]

    @rx.event
    async def log_out_everywhere(self):
        identity, login = await identity_or_login(self, routes.ACCOUNT)
        if login is not None:
            return login
        auth.log_out_everywhere(identity.user_id)
        session = await self.get_state(SessionState)
        return session.log_out()
