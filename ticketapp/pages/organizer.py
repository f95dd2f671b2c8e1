"""The dashboard's overview, the organizer's events, and the new-event form."""

from __future__ import annotations

import reflex as rx

from ticketapp import routes
from ticketapp.components.layout import template
from ticketapp.components.organizer import (
    category_table,
    dashboard_page,
    data_table,
    empty_state,
    field,
    form_error,
    page_header,
    sales_chart,
    stat_grid,
    status_badge,
)
from ticketapp.pages.registry import page
from ticketapp.state.new_event import NewEventState
from ticketapp.state.organizer import EventLine, EventsState, OverviewState, ShowLine
from ticketapp.state.session import SessionState
from ticketapp.timezones import suggested_names

ZONE_NAMES = suggested_names()


def _new_event_button() -> rx.Component:
    return rx.link(
        rx.button(rx.icon("plus", size=16), "New event", id="new-event"),
        href=routes.ORGANIZER_NEW_EVENT,
    )


def _show_row(show: ShowLine) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(show.event_title, href=show.url), class_name="wrap"),
        rx.table.cell(show.starts),
        rx.table.cell(show.sold),
        rx.table.cell(show.held),
        rx.table.cell(show.available),
        rx.table.cell(
            rx.hstack(
                rx.progress(
                    value=show.occupancy,
                    width="70px",
                    aria_label="Occupancy of " + show.event_title + ", " + show.starts,
                ),
                rx.text(show.occupancy, "%", size="1"),
                align="center",
            )
        ),
        rx.table.cell(show.revenue),
        class_name="upcoming-show",
        data_show_id=show.show_id,
    )


def _upcoming() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Upcoming shows", size="4", as_="h2"),
            rx.cond(
                OverviewState.shows.length() > 0,
                data_table(
                    (
                        "Event",
                        "Starts",
                        "Sold",
                        "Held",
                        "Available",
                        "Occupancy",
                        "Revenue",
                    ),
                    OverviewState.shows,
                    _show_row,
                ),
                empty_state(
                    "calendar-plus",
                    "No upcoming shows. Create an event, then add its showtimes.",
                    _new_event_button(),
                ),
            ),
            width="100%",
            spacing="3",
        ),
        width="100%",
    )


@page(
    route=routes.ORGANIZER,
    title="Dashboard — ticketapp",
    on_load=[SessionState.restore, OverviewState.load],
)
@template()
def overview_page() -> rx.Component:
    return dashboard_page(
        "overview",
        OverviewState,
        rx.vstack(
            page_header("Dashboard", _new_event_button()),
            stat_grid(OverviewState.stats),
            _upcoming(),
            rx.grid(
                sales_chart(OverviewState.daily),
                category_table(OverviewState.categories),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="4",
                width="100%",
            ),
            spacing="4",
            width="100%",
        ),
    )


def _event_row(event: EventLine) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(event.title, href=event.url, weight="medium"),
            rx.text(event.venue, size="1", color_scheme="gray"),
            class_name="wrap",
        ),
        rx.table.cell(status_badge(event.status)),
        rx.table.cell(event.shows),
        rx.table.cell(event.next_show),
        rx.table.cell(event.sold),
        rx.table.cell(event.revenue),
        class_name="event-row",
        data_title=event.title,
    )


@page(
    route=routes.ORGANIZER_EVENTS,
    title="Your events — ticketapp",
    on_load=[SessionState.restore, EventsState.load],
)
@template()
def events_page() -> rx.Component:
    return dashboard_page(
        "events",
        EventsState,
        rx.vstack(
            page_header("Your events", _new_event_button()),
            rx.cond(
                EventsState.events.length() > 0,
                rx.card(
                    data_table(
                        (
                            "Event",
                            "Status",
                            "Shows",
                            "Next show",
                            "Sold",
                            "Revenue",
                        ),
                        EventsState.events,
                        _event_row,
                    ),
                    width="100%",
                ),
                rx.card(
                    empty_state(
                        "calendar-plus",
                        "You have no events yet. Start with a seat layout, or create the "
                        "event first.",
                        _new_event_button(),
                        rx.link(
                            rx.button("Seat layouts", variant="soft"),
                            href=routes.ORGANIZER_LAYOUTS,
                        ),
                    ),
                    width="100%",
                ),
            ),
            spacing="4",
            width="100%",
        ),
    )


def event_fields(
    values: dict[str, rx.Var | str],
    error_field: rx.Var,
    prefix: str = "event",
    error_id: str = "event-form-error",
) -> rx.Component:
    """The inputs of an event's own details, for the new-event and the edit forms; the field
    the form's error (`error_id`) is about is marked aria-invalid."""

    def text(name: str, label: str, placeholder: str = "", **props) -> rx.Component:
        return field(
            label,
            rx.input(
                name=name,
                id=f"{prefix}-{name}",
                default_value=values.get(name, ""),
                placeholder=placeholder,
                color_scheme=rx.cond(error_field == name, "red", "gray"),
                width="100%",
                aria_describedby=error_id,
                aria_invalid=rx.cond(error_field == name, "true", "false"),
                **props,
            ),
        )

    return rx.vstack(
        text("title", "Title", "e.g. Summer Jazz Night", max_length=200),
        rx.flex(
            rx.box(text("venue_name", "Venue", "e.g. Town Hall", max_length=200), flex="1 1 240px"),
            rx.box(text("category", "Category", "concert, theatre, cinema…"), flex="1 1 160px"),
            spacing="3",
            wrap="wrap",
            width="100%",
        ),
        text("venue_address", "Venue address", "Street, city"),
        field(
            "Venue time zone",
            rx.input(
                name="timezone",
                id=f"{prefix}-timezone",
                default_value=values.get("timezone", ""),
                placeholder="e.g. Europe/Vienna (empty: UTC)",
                list="timezone-names",
                auto_complete="off",
                aria_label="Venue time zone",
                color_scheme=rx.cond(error_field == "timezone", "red", "gray"),
                width="100%",
            ),
            "Showtimes are entered and shown on the venue's clock.",
        ),
        rx.el.datalist(*[rx.el.option(value=name) for name in ZONE_NAMES], id="timezone-names"),
        text("banner_url", "Banner image URL", "https://…", type="url"),
        field(
            "Description",
            rx.text_area(
                name="description",
                id=f"{prefix}-description",
                default_value=values.get("description", ""),
                rows="5",
                width="100%",
                aria_describedby=error_id,
                aria_invalid=rx.cond(error_field == "description", "true", "false"),
            ),
        ),
        spacing="3",
        width="100%",
    )


@page(
    route=routes.ORGANIZER_NEW_EVENT,
    title="New event — ticketapp",
    on_load=[SessionState.restore, NewEventState.check_access],
)
@template(max_width="760px")
def new_event_page() -> rx.Component:
    return rx.vstack(
        page_header("New event", back=(routes.ORGANIZER_EVENTS, "Your events")),
        rx.card(
            rx.form(
                rx.vstack(
                    form_error(NewEventState.error, id="event-form-error"),
                    event_fields({}, NewEventState.error_field),
                    rx.text(
                        "The event starts as a draft: customers see it once you publish it. "
                        "Showtimes, prices and seats come next.",
                        size="2",
                        color_scheme="gray",
                    ),
                    rx.button(
                        "Create draft event",
                        type="submit",
                        loading=NewEventState.busy,
                        id="create-event",
                    ),
                    spacing="4",
                ),
                on_submit=NewEventState.create,
                reset_on_submit=False,
            ),
            width="100%",
        ),
        spacing="4",
        width="100%",
    )
