"""An event's bookings on the dashboard: search, status and show filters, pages, organizer
cancel with a reason, and the CSV export of exactly what the filter shows."""

from __future__ import annotations

import reflex as rx

from ticketapp import routes
from ticketapp.components.layout import template
from ticketapp.components.organizer import dashboard_page, data_table, page_header, status_badge
from ticketapp.models import BookingStatus
from ticketapp.pages.registry import page
from ticketapp.state.bookings_admin import BookingLine, BookingsAdminState
from ticketapp.state.session import SessionState

B = BookingsAdminState


def _filters() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.input(
                rx.input.slot(rx.icon("search", size=16)),
                name="search",
                default_value=B.search,
                placeholder="Booking code, buyer name or e-mail",
                aria_label="Search bookings by code, buyer name or e-mail",
                id="booking-search",
                flex="2 1 240px",
            ),
            rx.el.select(
                rx.el.option("Any status", value=""),
                rx.el.option("Confirmed", value=BookingStatus.CONFIRMED.value),
                rx.el.option("Cancelled", value=BookingStatus.CANCELLED.value),
                name="status",
                default_value=B.status,
                class_name="native-select",
                aria_label="Status",
                id="booking-status-filter",
            ),
            rx.el.select(
                rx.el.option("All showtimes", value=""),
                rx.foreach(B.shows, lambda s: rx.el.option(s.label, value=s.id)),
                name="show",
                default_value=B.show_id,
                class_name="native-select",
                aria_label="Showtime",
                id="booking-show-filter",
            ),
            rx.button("Filter", type="submit", id="apply-filter"),
            rx.button("Clear", type="button", variant="soft", on_click=B.clear_filter),
            spacing="2",
            wrap="wrap",
            align="center",
            width="100%",
        ),
        on_submit=B.apply_filter,
        reset_on_submit=False,
        # A new filter from the URL (another show) must show its values.
        key=B.show_id + "|" + B.status + "|" + B.search,
        width="100%",
    )


def _cancel(line: BookingLine) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                "Cancel", size="1", color_scheme="red", variant="soft", class_name="cancel-booking"
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Cancel booking ", line.code, "?"),
            rx.alert_dialog.description(
                line.buyer_name,
                "'s ",
                line.tickets,
                " tickets for ",
                line.show,
                " are cancelled and the seats go back on sale.",
            ),
            rx.form(
                rx.el.input(type="hidden", name="booking_id", value=line.id.to_string()),
                rx.input(
                    name="reason",
                    placeholder="Reason (shown to the buyer)",
                    aria_label="Reason (shown to the buyer)",
                    margin_top="1em",
                    class_name="cancel-reason",
                ),
                rx.flex(
                    rx.alert_dialog.cancel(rx.button("Keep it", variant="soft", type="button")),
                    rx.alert_dialog.action(
                        rx.button(
                            "Cancel booking",
                            color_scheme="red",
                            type="submit",
                            class_name="confirm-cancel-booking",
                        )
                    ),
                    spacing="3",
                    justify="end",
                    margin_top="1em",
                ),
                on_submit=B.cancel_booking,
            ),
        ),
    )


def _row(line: BookingLine) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(line.code)),
        rx.table.cell(
            rx.text(line.buyer_name, weight="medium"),
            rx.text(line.buyer_email, size="1", color_scheme="gray"),
            class_name="wrap",
        ),
        rx.table.cell(line.show),
        rx.table.cell(line.tickets),
        rx.table.cell(line.total),
        rx.table.cell(status_badge(line.status)),
        rx.table.cell(line.booked),
        rx.table.cell(rx.cond(line.cancellable, _cancel(line))),
        class_name="booking-admin-row",
        data_code=line.code,
    )


def _table() -> rx.Component:
    return rx.card(
        rx.vstack(
            data_table(
                (
                    "Code",
                    "Buyer",
                    "Showtime",
                    "Tickets",
                    "Total",
                    "Status",
                    "Booked",
                    "",
                ),
                B.rows,
                _row,
            ),
            rx.hstack(
                rx.text(B.range_text, size="2", color_scheme="gray", id="bookings-range"),
                rx.spacer(),
                rx.button(
                    "Previous",
                    variant="soft",
                    size="1",
                    on_click=B.previous_page,
                    disabled=B.page == 0,
                    id="previous-page",
                ),
                rx.text("Page ", B.page + 1, " of ", B.pages, size="2"),
                rx.button(
                    "Next",
                    variant="soft",
                    size="1",
                    on_click=B.next_page,
                    disabled=B.page + 1 >= B.pages,
                    id="next-page",
                ),
                width="100%",
                align="center",
            ),
            width="100%",
            spacing="3",
        ),
        width="100%",
    )


@page(
    route=routes.ORGANIZER_BOOKINGS_PAGE,
    title="Bookings — ticketapp dashboard",
    on_load=[SessionState.restore, B.load],
)
@template()
def organizer_bookings_page() -> rx.Component:
    return dashboard_page(
        "events",
        B,
        rx.vstack(
            page_header(
                "Bookings",
                rx.button(
                    rx.icon("download", size=16),
                    "Export CSV",
                    variant="soft",
                    on_click=B.export_csv,
                    disabled=B.total == 0,
                    id="export-csv",
                ),
                back=(B.event_url, B.event_title),
            ),
            _filters(),
            _table(),
            spacing="4",
            width="100%",
        ),
    )
