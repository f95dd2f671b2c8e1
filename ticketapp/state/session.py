"""Who is using this browser tab: the JWT kept in localStorage, verified on the server.

The token survives reloads (localStorage, synced across tabs). Every page load re-verifies it
and reloads the user, and every protected handler calls `identity()` again: the UI hiding a
button is never the check.
"""

from __future__ import annotations

import reflex as rx

from ticketapp import auth, routes
from ticketapp.models import Role, User

TOKEN_STORAGE_NAME = "ticketapp_token"


class SessionState(rx.State):
    token: str = rx.LocalStorage("", name=TOKEN_STORAGE_NAME, sync=True)
    user_id: int = 0
    user_name: str = ""
    user_email: str = ""
    user_role: str = ""

    @rx.var
    def logged_in(self) -> bool:
        return self.user_id > 0

    @rx.var
    def is_organizer(self) -> bool:
        return self.user_role in (Role.ORGANIZER, Role.ADMIN)

    def _show_user(self, user: User | None) -> None:
        self.user_id = user.id if user else 0
        self.user_name = user.name if user else ""
        self.user_email = user.email if user else ""
        self.user_role = user.role if user else ""

    def sign_in(self, user: User, token: str) -> None:
        self.token = token
        self._show_user(user)

    def identity(self) -> auth.Identity | None:
        """The verified caller, or None (and the stale token dropped)."""
        if not self.token:
            return None
        try:
            user = auth.user_from_token(self.token)
        except auth.InvalidToken:
            self.token = ""
            self._show_user(None)
            return None
        self._show_user(user)
        return auth.Identity(user_id=user.id, role=user.role)

    @rx.event
    def restore(self) -> None:
        """on_load of every page: trust nothing the browser kept without checking it."""
        self.identity()

    @rx.event
    def log_out(self):
        self.token = ""
        self._show_user(None)
        return [rx.toast.info("You are logged out."), rx.redirect(routes.HOME)]


async def identity_or_login(
    state: rx.State, back_to: str | None = None
) -> tuple[auth.Identity | None, rx.event.EventSpec | None]:
    """The verified user behind this tab, or the redirect that sends a visitor to log in and
    come back (to `back_to`, by default the page they are on). Every handler that needs an
    account starts here, so the check is the server's, never only the UI's."""
    session = await state.get_state(SessionState)
    identity = session.identity()
    if identity is None:
        return None, rx.redirect(routes.login_url(back_to or state.router.url.path))
    return identity, None
