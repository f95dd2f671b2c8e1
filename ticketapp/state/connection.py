"""A new websocket connection starts from a blank page state.

Reflex keys a tab's server-side state by the tab's client token, and the first event of every
(re)connect (`hydrate_and_load`) answers with a snapshot of the whole state tree. Whoever
presents a client token seen before — a closed tab's, or one read from a log or a shared
screen — would get what that tab last showed: names, e-mail addresses, booking codes. So when
a connection other than the one that last hydrated this state hydrates it, every ticketapp
state is reset first; the browser then hands over its own localStorage (the JWT, if it holds
one) and the page's on_load handlers load what this caller may see. A real tab that merely
reconnected loses nothing it cannot reload: every page loads its data on load.
"""

from __future__ import annotations

import dataclasses

from reflex.middleware.middleware import Middleware
from reflex.state import BaseState, StateUpdate
from reflex_base.constants import CompileVars
from reflex_base.event import Event

from ticketapp.state.session import SessionState

_HYDRATE_EVENTS = (f".{CompileVars.HYDRATE}", f".{CompileVars.HYDRATE_AND_LOAD}")


def _ours(state: BaseState) -> bool:
    return type(state).__module__.startswith("ticketapp.")


def forget_other_connections(root: BaseState, session: SessionState) -> None:
    """Reset every ticketapp state of `root` unless this connection hydrated it last."""
    connection = root.router.session.session_id or ""
    if session._hydrated_sid == connection:
        return
    if session._hydrated_sid:
        for substate in root.substates.values():
            if _ours(substate):
                substate.reset()
    session._hydrated_sid = connection


@dataclasses.dataclass
class NewConnectionMiddleware(Middleware):
    async def preprocess(self, app, state: BaseState, event: Event) -> StateUpdate | None:
        if event.name.endswith(_HYDRATE_EVENTS):
            session = await state.get_state(SessionState)
            forget_other_connections(state._get_root_state(), session)
        return None
