"""One event on the dashboard: figures, showtimes (add, edit, cancel), details, publishing,
delete or cancel."""

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
from ticketapp.components.pricing_admin import promo_codes_card
from ticketapp.models import EventStatus
from ticketapp.pages.organizer import event_fields
from ticketapp.pages.registry import page
from ticketapp.state.event_admin import (
    EventAdminState,
    PriceRow,
    ShowAdminLine,
    ShowFormState,
)
from ticketapp.state.pricing_admin import PromoCodesState
from ticketapp.state.session import SessionState

S = EventAdminState


def _show_form() -> rx.Component:
    def price(row: PriceRow) -> rx.Component:
        return rx.hstack(
            rx.text(row.name, size="2", width="40%", weight="medium"),
            rx.input(
                name="price__" + row.name,
                default_value=row.price,
                placeholder="0.00",
                input_mode="decimal",
                width="40%",
                aria_label="Price for " + row.name,
                aria_describedby="show-form-error",
                class_name="price-input",
                data_category=row.name,
            ),
            rx.hstack(
                rx.el.input(
                    type="checkbox",
                    id="hidden__" + row.name,
                    name="hidden__" + row.name,
                    default_checked=row.hidden,
                    aria_label="Hide " + row.name + " from public sale",
                ),
                rx.el.label(
                    "Hidden",
                    html_for="hidden__" + row.name,
                    title="Not for public sale: only an access code that unlocks it sells it",
                    style={"font_size": "14px"},
                ),
                align="center",
                spacing="1",
            ),
            width="100%",
            align="center",
        )

    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(ShowFormState.title),
            rx.form(
                rx.vstack(
                    form_error(ShowFormState.error, id="show-form-error"),
                    field(
                        "Starts (" + ShowFormState.zone + " time)",
                        rx.input(
                            type="datetime-local",
                            name="starts_at",
                            default_value=ShowFormState.starts,
                            id="show-starts",
                            aria_describedby="show-form-error",
                            width="100%",
                        ),
                    ),
                    field(
                        "Seat layout",
                        rx.el.select(
                            rx.foreach(
                                ShowFormState.layouts,
                                lambda o: rx.el.option(o.name, value=o.id),
                            ),
                            value=ShowFormState.layout_id,
                            on_change=ShowFormState.pick_layout,
                            class_name="native-select",
                            name="layout_id",
                            id="show-layout",
                            aria_describedby="show-form-error",
                            width="100%",
                        ),
                        "Prices are asked for each category of the layout.",
                    ),
                    rx.cond(
                        ShowFormState.layouts.length() == 0,
                        rx.callout(
                            rx.text(
                                "You have no seat layouts yet. ",
                                rx.link("Create one", href=routes.ORGANIZER_NEW_LAYOUT),
                                " first.",
                            ),
                            icon="info",
                        ),
                    ),
                    rx.vstack(
                        rx.text("Prices (EUR)", size="2", weight="medium"),
                        rx.foreach(ShowFormState.prices, price),
                        width="100%",
                        spacing="2",
                        id="show-prices",
                    ),
                    rx.flex(
                        rx.box(
                            field(
                                "Sales open (optional)",
                                rx.input(
                                    type="datetime-local",
                                    name="sales_open_at",
                                    default_value=ShowFormState.sales_open,
                                    id="show-sales-open",
                                    aria_describedby="show-form-error",
                                ),
                            ),
                            flex="1 1 200px",
                        ),
                        rx.box(
                            field(
                                "Sales close (default: the start)",
                                rx.input(
                                    type="datetime-local",
                                    name="sales_close_at",
                                    default_value=ShowFormState.sales_close,
                                    id="show-sales-close",
                                    aria_describedby="show-form-error",
                                ),
                            ),
                            flex="1 1 200px",
                        ),
                        spacing="3",
                        wrap="wrap",
                        width="100%",
                    ),
                    rx.flex(
                        rx.box(
                            field(
                                "Hold minutes",
                                rx.input(
                                    type="number",
                                    name="hold_minutes",
                                    min="1",
                                    default_value=ShowFormState.hold_minutes,
                                    id="show-hold-minutes",
                                    aria_describedby="show-form-error",
                                ),
                                "How long a customer's seats are kept at checkout.",
                            ),
                            flex="1 1 200px",
                        ),
                        rx.box(
                            field(
                                "Seats per customer",
                                rx.input(
                                    type="number",
                                    name="cap",
                                    min="1",
                                    default_value=ShowFormState.cap,
                                    id="show-cap",
                                    aria_describedby="show-form-error",
                                ),
                            ),
                            flex="1 1 200px",
                        ),
                        spacing="3",
                        wrap="wrap",
                        width="100%",
                    ),
                    rx.hstack(
                        rx.dialog.close(rx.button("Close", variant="soft", type="button")),
                        rx.button(
                            "Save showtime",
                            type="submit",
                            loading=ShowFormState.busy,
                            id="save-show",
                        ),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=ShowFormState.submit,
                reset_on_submit=False,
            ),
            max_width="560px",
        ),
        open=ShowFormState.open,
        on_open_change=ShowFormState.set_open,
    )


def _cancel_show_dialog(show: ShowAdminLine) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                "Cancel", size="1", color_scheme="red", variant="soft", class_name="cancel-show"
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Cancel this showtime?"),
            rx.alert_dialog.description(
                "The show on ",
                show.starts,
                " and all its ",
                show.sold,
                " sold seats' bookings will be cancelled; buyers will be told.",
            ),
            rx.form(
                rx.el.input(type="hidden", name="show_id", value=show.id.to_string()),
                rx.input(
                    name="reason",
                    placeholder="Reason (shown to buyers)",
                    aria_label="Reason (shown to buyers)",
                    margin_top="1em",
                ),
                rx.flex(
                    rx.alert_dialog.cancel(rx.button("Keep it", variant="soft", type="button")),
                    rx.alert_dialog.action(
                        rx.button("Cancel show", color_scheme="red", type="submit")
                    ),
                    spacing="3",
                    justify="end",
                    margin_top="1em",
                ),
                on_submit=S.cancel_show,
            ),
        ),
    )


def _show_row(show: ShowAdminLine) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(show.starts, href=show.url, weight="medium")),
        rx.table.cell(status_badge(show.status)),
        rx.table.cell(show.sold, " / ", show.places),
        rx.table.cell(
            rx.hstack(
                rx.progress(
                    value=show.occupancy, width="60px", aria_label="Occupancy on " + show.starts
                ),
                rx.text(show.occupancy, "%", size="1"),
                align="center",
            )
        ),
        rx.table.cell(show.revenue),
        rx.table.cell(show.prices, class_name="wrap"),
        rx.table.cell(
            rx.hstack(
                rx.link(rx.button("Manage", size="1", variant="soft"), href=show.url),
                rx.link(rx.button("Bookings", size="1", variant="soft"), href=show.bookings_url),
                rx.cond(
                    show.editable,
                    rx.hstack(
                        rx.button(
                            "Edit",
                            size="1",
                            variant="soft",
                            on_click=ShowFormState.open_edit(show.id),
                            class_name="edit-show",
                        ),
                        _cancel_show_dialog(show),
                        spacing="2",
                    ),
                ),
                spacing="2",
            )
        ),
        class_name="show-admin-row",
        data_show_id=show.id,
    )


def _showtimes() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Showtimes", size="4", as_="h2"),
                rx.spacer(),
                rx.cond(
                    S.status != EventStatus.CANCELLED.value,
                    rx.button(
                        rx.icon("plus", size=16),
                        "Add showtime",
                        on_click=ShowFormState.open_new,
                        id="add-show",
                    ),
                ),
                width="100%",
                align="center",
            ),
            rx.cond(
                S.shows.length() > 0,
                data_table(
                    (
                        "Starts",
                        "Status",
                        "Sold",
                        "Occupancy",
                        "Revenue",
                        "Prices",
                        "",
                    ),
                    S.shows,
                    _show_row,
                ),
                empty_state(
                    "clock",
                    "No showtimes yet: add one to put seats on sale.",
                ),
            ),
            width="100%",
            spacing="3",
        ),
        width="100%",
        id="showtimes",
    )


def _details() -> rx.Component:
    values = {
        "title": S.title,
        "venue_name": S.venue_name,
        "venue_address": S.venue_address,
        "timezone": S.timezone,
        "category": S.category,
        "banner_url": S.banner_url,
        "description": S.description,
    }
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Details", size="4", as_="h2"),
                form_error(S.details_error, id="details-error"),
                event_fields(
                    values, S.details_error_field, prefix="edit", error_id="details-error"
                ),
                rx.button(
                    "Save details",
                    type="submit",
                    id="save-details",
                    disabled=S.status == EventStatus.CANCELLED.value,
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=S.save_details,
            reset_on_submit=False,
            key=S.form_key.to_string(),
        ),
        width="100%",
    )


def _danger_zone() -> rx.Component:
    delete = rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button("Delete event", color_scheme="red", variant="outline", id="delete-event")
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete this event?"),
            rx.alert_dialog.description(
                "The event, its showtimes and their seats are removed for good."
            ),
            rx.flex(
                rx.alert_dialog.cancel(rx.button("Keep it", variant="soft")),
                rx.alert_dialog.action(
                    rx.button(
                        "Delete", color_scheme="red", on_click=S.delete_event, id="confirm-delete"
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="1em",
            ),
        ),
    )
    cancel = rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button("Cancel event", color_scheme="red", id="cancel-event")),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Cancel this event?"),
            rx.alert_dialog.description(
                "Every showtime still to come is cancelled, with all its bookings (",
                S.live_bookings,
                " confirmed now): their seats are released and the buyers are told. "
                "This cannot be undone.",
            ),
            rx.form(
                rx.input(
                    name="reason",
                    placeholder="Reason (shown to buyers)",
                    aria_label="Reason (shown to buyers)",
                    margin_top="1em",
                    id="cancel-event-reason",
                ),
                rx.flex(
                    rx.alert_dialog.cancel(rx.button("Keep it", variant="soft", type="button")),
                    rx.alert_dialog.action(
                        rx.button(
                            "Cancel event",
                            color_scheme="red",
                            type="submit",
                            id="confirm-cancel-event",
                        )
                    ),
                    spacing="3",
                    justify="end",
                    margin_top="1em",
                ),
                on_submit=S.cancel_event,
            ),
        ),
    )
    return rx.cond(
        S.status == EventStatus.CANCELLED.value,
        rx.callout(
            "This event is cancelled: it is off sale and its bookings were cancelled.",
            icon="ban",
            color_scheme="red",
            width="100%",
        ),
        rx.card(
            rx.flex(
                rx.vstack(
                    rx.heading("Delete or cancel", size="4", as_="h2"),
                    rx.text(
                        rx.cond(
                            S.bookings_count == 0,
                            "Nothing was ever sold, so the event can still be deleted.",
                            "The event has bookings: it can be cancelled (refund the buyers), "
                            "not deleted.",
                        ),
                        size="2",
                        color_scheme="gray",
                    ),
                    spacing="1",
                ),
                rx.spacer(),
                rx.cond(S.bookings_count == 0, delete, cancel),
                spacing="3",
                wrap="wrap",
                align="center",
                width="100%",
            ),
            width="100%",
        ),
    )


def _actions() -> list[rx.Component]:
    return [
        rx.link(rx.button("Public page", variant="soft"), href=S.public_url),
        rx.link(rx.button("Bookings", variant="soft", id="event-bookings"), href=S.bookings_url),
        rx.match(
            S.status,
            (
                EventStatus.DRAFT.value,
                rx.button("Publish", on_click=S.publish, id="publish-event", color_scheme="green"),
            ),
            (
                EventStatus.PUBLISHED.value,
                rx.button("Unpublish", on_click=S.unpublish, id="unpublish-event", variant="soft"),
            ),
            rx.fragment(),
        ),
    ]


@page(
    route=routes.ORGANIZER_EVENT_PAGE,
    title="Event — ticketapp dashboard",
    on_load=[SessionState.restore, S.load, PromoCodesState.load],
)
@template()
def organizer_event_page() -> rx.Component:
    return dashboard_page(
        "events",
        S,
        rx.vstack(
            page_header(
                S.title,
                *_actions(),
                back=(routes.ORGANIZER_EVENTS, "Your events"),
                badge=status_badge(S.status, id="event-status", size="2"),
            ),
            stat_grid(S.stats),
            _showtimes(),
            rx.grid(
                sales_chart(S.daily),
                category_table(S.categories),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="4",
                width="100%",
            ),
            _details(),
            promo_codes_card(),
            _danger_zone(),
            _show_form(),
            spacing="4",
            width="100%",
        ),
    )
