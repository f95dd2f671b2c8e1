"""The queue a customer sees instead of the seat map until it is their turn."""

from __future__ import annotations

import reflex as rx

from ticketapp.state.queue import WaitingRoomState
from ticketapp.state.show import ShowState

# Read by screen readers, not drawn: the polite announcement of the place.
VISUALLY_HIDDEN = {
    "position": "absolute",
    "width": "1px",
    "height": "1px",
    "overflow": "hidden",
    "clip": "rect(0 0 0 0)",
    "white_space": "nowrap",
}


def _place() -> rx.Component:
    return rx.cond(
        WaitingRoomState.phase == "before_sale",
        rx.vstack(
            rx.heading("You're in the queue", size="5"),
            rx.text(
                "Sales open ",
                rx.text.strong(WaitingRoomState.opens),
                ". Everyone who is here before then gets a random place in the line at that "
                "moment, so there is no need to refresh.",
            ),
            rx.text(WaitingRoomState.waiting, " people waiting so far.", color_scheme="gray"),
            spacing="2",
        ),
        rx.vstack(
            rx.heading(
                "You are number ",
                rx.el.span(WaitingRoomState.position, id="queue-position"),
                " in line",
                size="5",
            ),
            rx.text(WaitingRoomState.estimate, id="queue-estimate"),
            rx.progress(
                value=WaitingRoomState.progress,
                max=100,
                aria_label="Your progress through the queue",
                width="100%",
                id="queue-progress",
            ),
            rx.text(
                "Keep this page open: it moves on to the seat map by itself when it is your turn.",
                color_scheme="gray",
                size="2",
            ),
            spacing="3",
            width="100%",
        ),
    )


def waiting_room_panel() -> rx.Component:
    return rx.vstack(
        rx.heading(ShowState.event_title, size="7"),
        rx.text(ShowState.starts, " · ", ShowState.venue, color_scheme="gray"),
        rx.card(
            rx.cond(
                WaitingRoomState.needs_login,
                rx.vstack(
                    rx.heading("This on-sale has a queue", size="5"),
                    rx.text("Log in to take your place in the line: one place per account."),
                    rx.link(rx.button("Log in to join the queue"), href=WaitingRoomState.login_url),
                    spacing="3",
                ),
                _place(),
            ),
            width="100%",
            max_width="560px",
            id="waiting-room",
        ),
        rx.el.div(
            WaitingRoomState.announcement,
            aria_live="polite",
            role="status",
            id="queue-announcement",
            style=VISUALLY_HIDDEN,
        ),
        spacing="4",
        width="100%",
    )
