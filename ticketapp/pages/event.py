"""An event: description, venue and its showtimes with availability."""

from __future__ import annotations

import reflex as rx

from ticketapp import routes
from ticketapp.components.common import loading_block, not_found, your_time
from ticketapp.components.layout import template
from ticketapp.pages.registry import page
from ticketapp.state.event import EventState, ShowRow
from ticketapp.state.session import SessionState

STATUS_COLORS = {"On sale": "green", "Few left": "orange", "Sold out": "red"}


def _show_row(show: ShowRow) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.text(
                    show.starts,
                    your_time(show.starts_utc, EventState.timezone),
                    weight="bold",
                    size="3",
                ),
                rx.text(show.prices, size="2", color_scheme="gray"),
                rx.cond(show.note != "", rx.text(show.note, size="2", class_name="sales-note")),
                spacing="1",
            ),
            rx.spacer(),
            rx.badge(
                show.status,
                color_scheme=rx.match(
                    show.status, ("On sale", "green"), ("Few left", "orange"), "gray"
                ),
                size="2",
            ),
            rx.text(
                show.left,
                " of ",
                show.total,
                " left",
                size="2",
                color_scheme="gray",
                display=["none", "block"],
            ),
            rx.cond(
                show.bookable,
                rx.link(rx.button("Choose seats"), href=routes.show_url(show.id)),
                rx.button("Choose seats", disabled=True),
            ),
            align="center",
            gap="4",
            wrap="wrap",
        ),
        class_name="show-row",
        width="100%",
    )


def _content() -> rx.Component:
    return rx.vstack(
        rx.box(
            rx.cond(
                EventState.banner_url != "",
                rx.image(
                    src=EventState.banner_url,
                    alt="",
                    width="100%",
                    height="220px",
                    object_fit="cover",
                    border_radius="12px",
                ),
            ),
            width="100%",
        ),
        rx.text(EventState.category, size="1", color_scheme="gray", text_transform="uppercase"),
        rx.heading(EventState.title, size="8", id="event-title"),
        rx.hstack(
            rx.icon("map-pin", size=16),
            rx.text(EventState.venue, weight="medium"),
            rx.text(EventState.address, color_scheme="gray"),
            align="center",
            wrap="wrap",
        ),
        rx.text(EventState.description, size="3"),
        rx.heading("Showtimes", size="5", as_="h2", margin_top="1em"),
        rx.cond(
            EventState.shows.length() > 0,
            rx.vstack(rx.foreach(EventState.shows, _show_row), width="100%", spacing="3"),
            rx.text("No upcoming showtimes.", color_scheme="gray"),
        ),
        spacing="3",
        width="100%",
    )


@page(
    route=routes.EVENT_PAGE,
    title="Event — ticketapp",
    on_load=[SessionState.restore, EventState.load],
)
@template(max_width="960px")
def event_page() -> rx.Component:
    return rx.cond(
        EventState.loading,
        loading_block(),
        rx.cond(EventState.not_found, not_found("Event"), _content()),
    )
