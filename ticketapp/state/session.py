"""Who is using this browser tab: the JWT kept in localStorage, verified on the server.

The token survives reloads (localStorage, synced across tabs). Every protected handler calls
`identity()`, which re-verifies the token against the database (token version, disabled
flag): the UI hiding a button is never the check, and neither are the `user_*` vars, which
only label the page.

Reflex keeps this state on the server under the tab's *client token*, and anyone who learns a
client token can open a websocket of their own that presents it. So the JWT counts only on the
connection that delivered it: the browser sends localStorage with the first event of every
(re)connect (`hydrate_and_load`) and whenever another tab changes it (`update_vars_internal`),
and the log-in handler sets it on its own connection. Each of those writes records the
socket's session id (`_token_sid`, set by the server from the socket, never by the client);
`identity()` on any other connection answers "not logged in". A second websocket reusing a
tab's client token without the JWT therefore gets nothing, and a reconnecting tab proves
itself again with the token it holds.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from ticketapp import auth, routes
from ticketapp.booking import Actor
from ticketapp.models import User

TOKEN_STORAGE_NAME = "ticketapp_token"


class SessionState(rx.State):
    token: str = rx.LocalStorage("", name=TOKEN_STORAGE_NAME, sync=True)
    user_id: int = 0
    user_name: str = ""
    user_email: str = ""
    user_role: str = ""
    # The websocket connection that delivered `token` (see the module docstring).
    _token_sid: str = ""
    # The connection that last hydrated this tab's state (ticketapp/state/connection.py).
    _hydrated_sid: str = ""

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name == "token":
            # Whoever writes the token — the browser's hydrate or storage sync, the log-in
            # handler, a log-out — does so on the connection of the event being processed.
            super().__setattr__("_token_sid", self._connection())

    def _connection(self) -> str:
        return self.router.session.session_id or ""

    @rx.var
    def logged_in(self) -> bool:
        return self.user_id > 0

    @rx.var
    def is_organizer(self) -> bool:
        return Actor(self.user_id, self.user_role).is_organizer

    @rx.var
    def works_doors(self) -> bool:
        """Organizers, admins and door staff see the door (the engine decides which shows)."""
        actor = Actor(self.user_id, self.user_role)
        return actor.is_organizer or actor.is_door_staff

    def _show_user(self, user: User | Actor | None) -> None:
        self.user_id = user.id if user else 0
        self.user_name = user.name if user else ""
        self.user_email = user.email if user else ""
        self.user_role = user.role if user else ""

    def sign_in(self, user: User, token: str) -> None:
        self.token = token
        self._show_user(user)

    def identity(self) -> auth.Identity | None:
        """The verified caller, or None (and a stale token dropped)."""
        if not self.token or self._token_sid != self._connection():
            # Nothing here, or a token this connection never presented: another socket
            # reusing the tab's client token. Leave the tab's own session alone.
            return None
        try:
            actor = auth.actor_from_token(self.token)
        except auth.InvalidToken:
            self.token = ""
            self._show_user(None)
            return None
        self._show_user(actor)
        return auth.Identity(user_id=actor.id, role=actor.role)

    @rx.event
    def restore(self) -> None:
        """on_load of every page: trust nothing the browser kept without checking it."""
        if self.identity() is None and self._token_sid == self._connection():
            self._show_user(None)

    @rx.event
    def log_out(self):
        self.token = ""
        self._show_user(None)
        return [rx.toast.info("You are logged out."), rx.redirect(routes.HOME)]


async def verified_viewer(state: rx.State) -> auth.Identity | None:
    """The verified user behind this tab, or None for a visitor: for pages that show more to
    a logged-in user but do not need one."""
    return (await state.get_state(SessionState)).identity()


def viewer_args(identity: auth.Identity | None) -> dict[str, Actor | None]:
    """The engine's `viewer` keyword for `identity` (None: a visitor)."""
    return {"viewer": Actor.of(identity) if identity is not None else None}


async def identity_or_login(
    state: rx.State, back_to: str | None = None
) -> tuple[auth.Identity | None, rx.event.EventSpec | None]:
    """The verified user behind this tab, or the redirect that sends a visitor to log in and
    come back (to `back_to`, by default the page they are on). Every handler that needs an
    account starts here, so the check is the server's, never only the UI's."""
    identity = await verified_viewer(state)
    if identity is None:
        return None, rx.redirect(routes.login_url(back_to or state.router.url.path))
    return identity, None
