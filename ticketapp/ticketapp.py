"""The Reflex app: every page module is imported here; the REST API rides along."""

import reflex as rx

from ticketapp.pages import account_forms, home  # noqa: F401  (registers the pages)

app = rx.App(
    stylesheets=["/styles.css"],
    head_components=[rx.el.link(rel="icon", href="/favicon.svg")],
)
