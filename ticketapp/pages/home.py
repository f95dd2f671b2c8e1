"""Home: upcoming events with search and filters."""

from __future__ import annotations

import reflex as rx

from ticketapp.components.event_card import event_card
from ticketapp.components.layout import template
from ticketapp.pages.registry import page
from ticketapp.state.browse import BrowseState
from ticketapp.state.session import SessionState


def _filters() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.input(
                rx.input.slot(rx.icon("search", size=16)),
                name="query",
                placeholder="Search events, artists, venues…",
                aria_label="Search events, artists, venues",
                default_value=BrowseState.query,
                flex="2 1 240px",
                size="3",
                id="search-input",
            ),
            rx.el.select(
                rx.el.option("All categories", value=""),
                rx.foreach(BrowseState.categories, lambda c: rx.el.option(c, value=c)),
                name="category",
                aria_label="Category",
                class_name="native-select",
            ),
            rx.input(
                name="venue", placeholder="Venue", aria_label="Venue", flex="1 1 140px", size="3"
            ),
            rx.input(name="date_from", type="date", aria_label="From date", size="3"),
            rx.input(name="date_to", type="date", aria_label="To date", size="3"),
            rx.button("Search", type="submit", size="3", id="search-button"),
            gap="2",
            wrap="wrap",
            align="center",
        ),
        on_submit=BrowseState.search,
        reset_on_submit=False,
        width="100%",
    )


def _empty() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon("calendar-x", size=40, color=rx.color("gray", 9)),
            rx.cond(
                BrowseState.filtered,
                rx.vstack(
                    rx.text("No events match your search.", size="4", weight="medium"),
                    rx.button("Clear filters", variant="soft", on_click=BrowseState.clear_filters),
                    align="center",
                ),
                rx.text("No upcoming events yet — check back soon.", size="4"),
            ),
            align="center",
            spacing="3",
        ),
        padding="4em 1em",
        id="events-empty",
    )


def _grid() -> rx.Component:
    return rx.vstack(
        rx.text(
            BrowseState.total,
            rx.cond(BrowseState.total == 1, " event", " events"),
            size="2",
            color_scheme="gray",
            id="events-count",
        ),
        rx.grid(
            rx.foreach(BrowseState.events, event_card),
            columns=rx.breakpoints(initial="1", sm="2", md="3"),
            spacing="4",
            width="100%",
        ),
        rx.cond(
            BrowseState.has_more,
            rx.center(
                rx.button("Load more", variant="soft", on_click=BrowseState.load_more),
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )


def _skeleton() -> rx.Component:
    return rx.grid(
        *[rx.skeleton(rx.box(height="280px"), loading=True) for _ in range(6)],
        columns=rx.breakpoints(initial="1", sm="2", md="3"),
        spacing="4",
        width="100%",
    )


@page(
    route="/",
    title="ticketapp — upcoming events",
    on_load=[SessionState.restore, BrowseState.load],
)
@template()
def home() -> rx.Component:
    return rx.vstack(
        rx.vstack(
            rx.heading("Upcoming events", size="8"),
            rx.text(
                "Pick your seats on a live map, hold them while you check out.",
                color_scheme="gray",
                size="3",
            ),
            spacing="1",
        ),
        _filters(),
        rx.cond(
            BrowseState.error != "",
            rx.callout(BrowseState.error, icon="triangle-alert", color_scheme="red"),
        ),
        rx.cond(
            BrowseState.loading,
            _skeleton(),
            rx.cond(BrowseState.events.length() > 0, _grid(), _empty()),
        ),
        spacing="5",
        width="100%",
    )
