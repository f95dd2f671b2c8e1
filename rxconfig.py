"""Reflex configuration. ticketapp's own settings live in ticketapp/settings.py."""

import reflex as rx

from ticketapp.settings import settings

config = rx.Config(
    app_name="ticketapp",
    db_url=settings.database_url,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    default_color_mode="light",
    # Reflex's own CORS layers; never "*" (they answer with credentials). The websocket asks
    # ticketapp.api.security.origin_allowed instead (set in ticketapp/ticketapp.py).
    cors_allowed_origins=settings.cors_origins,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="iris", gray_color="slate", radius="large")
        ),
        rx.plugins.SitemapPlugin(),
    ],
    disable_plugins=[],
)
