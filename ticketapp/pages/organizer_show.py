"""One show on the dashboard: its figures, its seat map as customers see it, and the door:
check-in by ticket code."""

from __future__ import annotations

import reflex as rx

from ticketapp import routes
from ticketapp.components.layout import template
from ticketapp.components.organizer import dashboard_page, page_header, stat_grid, status_badge
from ticketapp.components.seat_map import seat_map
from ticketapp.pages.registry import page
from ticketapp.state.session import TOKEN_STORAGE_NAME, SessionState
from ticketapp.state.show_admin import CategoryRow, ShowAdminState

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


@page(
    route=routes.ORGANIZER_SHOW_PAGE,
    title="Showtime — ticketapp dashboard",
    on_load=[SessionState.restore, A.load],
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
            rx.flex(
                rx.box(_check_in(), flex="1 1 340px"),
                rx.box(_categories(), flex="2 1 420px", min_width="0"),
                spacing="4",
                wrap="wrap",
                width="100%",
                align="start",
            ),
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
