"""The Reflex app: every page module is imported here; the REST API rides along, and so does
the mail sender unless TICKETAPP_MAILER=external (then run `python -m ticketapp.mailer`)."""

import reflex as rx

from ticketapp import mailer
from ticketapp.api import app as api_app
from ticketapp.api.security import websocket_origin_allowed
from ticketapp.live import run_live_updates
from ticketapp.logredact import install_log_redaction
from ticketapp.pages import (  # noqa: F401  (importing a page module records its pages)
    account_forms,
    bookings,
    checkout,
    door,
    event,
    home,
    organizer,
    organizer_bookings,
    organizer_event,
    organizer_layouts,
    organizer_show,
    show,
)
from ticketapp.pages.registry import register_pages
from ticketapp.queueing import run_admission_ticks
from ticketapp.settings import settings
from ticketapp.state.connection import NewConnectionMiddleware
from ticketapp.state_locks import install as install_state_lock_fix

app = rx.App(
    stylesheets=["/styles.css"],
    head_components=[
        rx.el.link(rel="icon", href="/favicon.svg"),
        # Fills the "your time" beside a venue's time (components.common.your_time).
        rx.el.script(src="/your_time.js", defer=True),
    ],
    api_transformer=api_app,
)
register_pages(app)  # once per process, whatever compiles the app again (pages/registry.py)
# The websocket admits the app's own origin and CORS_ORIGINS, nothing else (no cross-site
# websocket hijacking); Reflex would otherwise pass socket.io the bare CORS list.
if app.sio is not None:
    app.sio.eio.cors_allowed_origins = websocket_origin_allowed
# A websocket that reuses a client token does not inherit the page state of another.
app.add_middleware(NewConnectionMiddleware())
# A tab's events never wait 10 s for a free state lock (ticketapp/state_locks.py).
install_state_lock_fix()
# Client tokens and JWTs never reach the logs (Reflex names the token in lock warnings).
install_log_redaction()
# One seat-change listener and one hold sweeper per backend process (see ticketapp/live.py).
app.register_lifespan_task(run_live_updates)
# One admission tick per backend process; the store makes each tick single across workers.
app.register_lifespan_task(run_admission_ticks)
# One outbox mail sender per backend process; senders never send a mail twice (ticketapp/mail).
if settings.mailer == "in-process":
    app.register_lifespan_task(mailer.background_sender)


def asgi():
    """What the production server serves (ticketapp/server.py, an ASGI factory per worker).

    Reflex's ASGI app wraps ours in its own stack (error handling, CORS, context middleware,
    a router) before our API's own middleware runs again; for an /api request none of that
    outer stack does anything, and it cost ~7% of the server's CPU per booking. So /api
    requests go straight to the API app — security headers, admission control, CORS and
    error handling are its own (ticketapp/api) — and everything else, lifespan included,
    to Reflex as before.
    """
    reflex_asgi = app()

    async def serve(scope, receive, send):
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            await api_app(scope, receive, send)
        else:
            await reflex_asgi(scope, receive, send)

    return serve
