"""An event as a card in the list: banner, title, venue, next date, price from, badges."""

from __future__ import annotations

import reflex as rx

from ticketapp.state.browse import EventCard


def event_card(event: EventCard) -> rx.Component:
    return rx.link(
        rx.card(
            rx.inset(
                rx.box(
                    rx.cond(
                        event.banner_url != "",
                        rx.image(
                            src=event.banner_url,
                            alt="",
                            width="100%",
                            height="100%",
                            object_fit="cover",
                        ),
                    ),
                    rx.hstack(
                        rx.cond(event.sold_out, rx.badge("Sold out", color_scheme="red")),
                        rx.cond(
                            event.few_left & ~event.sold_out,
                            rx.badge("Few left", color_scheme="orange"),
                        ),
                        position="absolute",
                        top="0.75em",
                        right="0.75em",
                    ),
                    position="relative",
                    height="150px",
                    background=rx.color("accent", 4),
                ),
                side="top",
                pb="current",
            ),
            rx.vstack(
                rx.text(event.category, size="1", color_scheme="gray", text_transform="uppercase"),
                rx.heading(event.title, size="4", as_="h2", trim="both", class_name="event-title"),
                rx.hstack(
                    rx.icon("map-pin", size=14),
                    rx.text(event.venue, size="2"),
                    spacing="1",
                    align="center",
                    color=rx.color("gray", 11),
                ),
                rx.hstack(
                    rx.icon("calendar", size=14),
                    rx.text(event.next_date_long, size="2"),
                    rx.cond(
                        event.show_count > 1,
                        rx.text(f"+{event.show_count - 1} more", size="1", color_scheme="gray"),
                    ),
                    spacing="1",
                    align="center",
                    color=rx.color("gray", 11),
                ),
                rx.cond(
                    event.price_from != "",
                    rx.text(
                        "from ",
                        rx.text.strong(event.price_from),
                        size="3",
                    ),
                ),
                spacing="2",
                align="start",
            ),
            height="100%",
        ),
        href=event.url,
        underline="none",
        color="inherit",
        class_name="event-card",
        data_testid="event-card",
    )
