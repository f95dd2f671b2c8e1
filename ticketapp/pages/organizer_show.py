"""One show on the dashboard: its figures, its seat map as customers see it, and the door:
check-in by ticket code."""

from __future__ import annotations

import reflex as rx

from ticketapp import routes
from ticketapp.components.common import message_box
from ticketapp.components.layout import template
from ticketapp.components.organizer import dashboard_page, page_header, stat_grid, status_badge
from ticketapp.components.pricing_admin import ticket_types_card
from ticketapp.components.queue_admin import queue_admin_card
from ticketapp.components.seat_map import seat_map
from ticketapp.pages.registry import page
from ticketapp.state.pricing_admin import TicketTypesState
from ticketapp.state.queue_admin import QueueAdminState
from ticketapp.state.session import TOKEN_STORAGE_NAME, SessionState
from ticketapp.state.show_admin import CategoryRow, ShowAdminState
from ticketapp.state.waiting_list import WaitingListAdminState, WaitingRow

A = ShowAdminState


def _check_in() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Check-in", size="4", as_="h2"),
            rx.text(
                "Type or paste the code printed under the ticket's QR code.",
                size="2",
                color_scheme="gray",
            ),
            rx.form(
                rx.hstack(
                    rx.input(
                        name="code",
                        placeholder="Ticket code",
                        aria_label="Ticket code",
                        auto_focus=True,
                        auto_complete="off",
                        size="3",
                        id="checkin-code",
                        class_name="checkin-input",
                        flex="1",
                    ),
                    rx.button("Check in", type="submit", size="3", id="checkin-submit"),
                    width="100%",
                ),
                on_submit=A.check_in,
                reset_on_submit=True,
                width="100%",
            ),
            rx.cond(
                A.scan_status != "",
                rx.callout.root(
                    rx.callout.icon(
                        rx.match(
                            A.scan_status,
                            ("checked_in", rx.icon("circle-check")),
                            ("already_checked_in", rx.icon("circle-alert")),
                            rx.icon("circle-x"),
                        )
                    ),
                    rx.callout.text(A.scan_title, weight="bold", size="4", id="checkin-title"),
                    rx.callout.text(A.scan_detail, size="2", id="checkin-detail"),
                    color_scheme=A.scan_color,
                    size="3",
                    id="checkin-result",
                    data_status=A.scan_status,
                    data_scan=A.scans,
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="checkin",
    )


def _categories() -> rx.Component:
    def row(c: CategoryRow) -> rx.Component:
        return rx.table.row(
            rx.table.cell(c.name),
            rx.table.cell(c.price),
            rx.table.cell(c.sold),
            rx.table.cell(c.held),
            rx.table.cell(c.available),
            rx.table.cell(c.occupancy, "%"),
            rx.table.cell(c.revenue),
        )

    return rx.card(
        rx.vstack(
            rx.heading("By price category", size="4", as_="h2"),
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(h)
                                for h in (
                                    "Category",
                                    "Price",
                                    "Sold",
                                    "Held",
                                    "Available",
                                    "Occupancy",
                                    "Revenue",
                                )
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(A.categories, row)),
                    class_name="org-table",
                    size="1",
                ),
                class_name="table-scroll",
                tab_index=0,
                role="region",
                aria_label="Sales by price category",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _waiting_list() -> rx.Component:
    W = WaitingListAdminState

    def row(r: WaitingRow) -> rx.Component:
        return rx.table.row(
            rx.table.cell(r.position),
            rx.table.cell(r.customer, rx.el.br(), rx.text(r.email, size="1", color_scheme="gray")),
            rx.table.cell(r.wish),
            rx.table.cell(r.status, " ", r.offer_until),
        )

    return rx.card(
        rx.vstack(
            rx.heading("Waiting list", size="4"),
            rx.text(
                rx.text.strong(W.waiting, id="waiting-count"),
                " waiting for ",
                rx.text.strong(W.seats_wanted, id="waiting-seats"),
                " seats · ",
                W.offers_open,
                " offers open",
                size="2",
            ),
            message_box(W.message, W.message_is_error, id="waiting-admin-message"),
            rx.form(
                rx.flex(
                    rx.el.label(
                        rx.el.input(
                            type="checkbox",
                            name="enabled",
                            default_checked=W.enabled,
                            key=W.enabled.to_string(),
                            id="waiting-enabled",
                        ),
                        " Waiting list open",
                    ),
                    rx.el.label(
                        "Offer window (minutes) ",
                        rx.el.input(
                            type="number",
                            name="offer_minutes",
                            min=1,
                            max=10080,
                            default_value=W.offer_minutes.to_string(),
                            key=W.offer_minutes.to_string(),
                            id="waiting-offer-minutes",
                            class_name="native-select",
                        ),
                    ),
                    rx.button("Save", type="submit", variant="soft", id="waiting-save"),
                    gap="3",
                    align="center",
                    wrap="wrap",
                ),
                on_submit=W.save,
                reset_on_submit=False,
            ),
            rx.cond(
                W.rows.length() > 0,
                rx.box(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                *[
                                    rx.table.column_header_cell(h)
                                    for h in ("#", "Customer", "Wants", "Status")
                                ]
                            )
                        ),
                        rx.table.body(rx.foreach(W.rows, row)),
                        class_name="org-table",
                        size="1",
                    ),
                    class_name="table-scroll",
                ),
                rx.text("Nobody has joined the waiting list.", size="2", color_scheme="gray"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="waiting-list-admin",
    )


@page(
    route=routes.ORGANIZER_SHOW_PAGE,
    title="Showtime — ticketapp dashboard",
    on_load=[
        SessionState.restore,
        A.load,
        WaitingListAdminState.load,
        TicketTypesState.load,
        QueueAdminState.load,
    ],
)
@template()
def organizer_show_page() -> rx.Component:
    return dashboard_page(
        "events",
        A,
        rx.vstack(
            page_header(
                A.starts,
                rx.link(
                    rx.button("Bookings", variant="soft", id="show-bookings"), href=A.bookings_url
                ),
                rx.link(
                    rx.button(rx.icon("scan-line", size=16), "Door check-in", variant="soft"),
                    href=routes.door_show_url(A.show_id),
                    id="show-door",
                ),
                rx.button(
                    rx.icon("refresh-cw", size=16),
                    "Refresh",
                    variant="soft",
                    on_click=A.refresh,
                ),
                back=(A.event_url, A.event_title),
                badge=status_badge(A.status, size="2"),
            ),
            stat_grid(A.stats),
            queue_admin_card(),
            rx.flex(
                rx.box(_check_in(), flex="1 1 340px"),
                rx.box(_categories(), flex="2 1 420px", min_width="0"),
                spacing="4",
                wrap="wrap",
                width="100%",
                align="start",
            ),
            _waiting_list(),
            ticket_types_card(),
            rx.cond(
                A.has_seat_map,
                rx.card(
                    rx.vstack(
                        rx.heading("Seat map", size="4", as_="h2"),
                        seat_map(
                            layout_url=A.layout_url,
                            statuses=A.statuses,
                            mode="view",
                            token_key=TOKEN_STORAGE_NAME,
                            id="show-seat-map",
                        ),
                        width="100%",
                        spacing="3",
                    ),
                    width="100%",
                ),
            ),
            spacing="4",
            width="100%",
        ),
    )
