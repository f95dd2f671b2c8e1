"""Small shared pieces: messages, empty and loading states, not-found."""

from __future__ import annotations

import reflex as rx

from ticketapp import routes


def message_box(
    text: rx.Var, is_error: rx.Var | bool = False, id: str = "page-message"
) -> rx.Component:
    return rx.cond(
        text != "",
        rx.callout(
            text,
            icon=rx.cond(is_error, "circle-alert", "info"),
            color_scheme=rx.cond(is_error, "red", "blue"),
            role="status",
            id=id,
            width="100%",
        ),
    )


def loading_block(height: str = "240px") -> rx.Component:
    return rx.center(rx.spinner(size="3"), height=height, width="100%")


def not_found(what: str) -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon("search-x", size=40, color=rx.color("gray", 9)),
            rx.heading(f"{what} not found", size="5"),
            rx.link("Back to all events", href=routes.HOME),
            align="center",
        ),
        padding="4em",
    )


def your_time(utc_iso: rx.Var | str, zone: rx.Var | str) -> rx.Component:
    """Beside a time shown on the venue's clock (`zone`): the same moment on the reader's own
    clock when that reads differently (filled in the browser by assets/your_time.js, which
    knows the reader's zone); empty otherwise."""
    return rx.el.span(data_utc=utc_iso, data_zone=zone, class_name="your-time")
