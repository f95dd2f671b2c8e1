"""The door: the shows to scan (for organizers and door staff), one show's check-in page with
the camera scanner, and the organizer's door-staff page."""

from __future__ import annotations

import reflex as rx

from ticketapp import routes
from ticketapp.components.common import loading_block
from ticketapp.components.door import qr_scanner, scan_feedback, ticker
from ticketapp.components.layout import template
from ticketapp.components.organizer import (
    dashboard_page,
    data_table,
    empty_state,
    field,
    form_error,
    page_header,
)
from ticketapp.pages.registry import page
from ticketapp.state.door import DoorListState, DoorShowCard, DoorState
from ticketapp.state.door_staff import DoorStaffState, StaffLine
from ticketapp.state.session import SessionState

COUNTS_REFRESH_MS = 5000


def _door_show(card: DoorShowCard) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.heading(card.event_title, size="4"),
                rx.text(card.starts, " · ", card.venue, size="2", color_scheme="gray"),
                rx.cond(card.cancelled, rx.badge("Cancelled", color_scheme="red")),
                spacing="1",
            ),
            rx.spacer(),
            rx.link(
                rx.button("Open check-in", aria_label="Open check-in for " + card.event_title),
                href=card.url,
            ),
            align="center",
            gap="3",
            wrap="wrap",
        ),
        width="100%",
        class_name="door-show",
    )


@page(
    route=routes.DOOR,
    title="Door check-in — ticketapp",
    on_load=[SessionState.restore, DoorListState.load],
)
@template(max_width="900px")
def door_list_page() -> rx.Component:
    return rx.vstack(
        rx.heading("Door check-in", size="7"),
        rx.text("Choose the show you are letting people in for.", color_scheme="gray"),
        rx.cond(
            DoorListState.error != "",
            rx.callout(DoorListState.error, icon="circle-alert", color_scheme="red"),
            rx.cond(
                DoorListState.loading,
                loading_block(),
                rx.cond(
                    DoorListState.shows.length() > 0,
                    rx.vstack(rx.foreach(DoorListState.shows, _door_show), width="100%"),
                    rx.text("No shows to check in for right now.", id="door-no-shows"),
                ),
            ),
        ),
        spacing="4",
        width="100%",
    )


def _result() -> rx.Component:
    return rx.box(
        rx.cond(
            DoorState.scan_status != "",
            rx.vstack(
                rx.text(DoorState.scan_title, id="door-result-title", class_name="door-verdict"),
                rx.text(DoorState.scan_detail, id="door-result-detail", size="4"),
                spacing="2",
                align="center",
            ),
            rx.text("Scan a ticket or type its code.", size="4", color_scheme="gray"),
        ),
        id="door-result",
        class_name="door-result",
        data_status=DoorState.scan_status,
        data_color=DoorState.scan_color,
        data_scan=DoorState.scans,
        role="status",
        aria_live="assertive",
        width="100%",
    )


def _counts() -> rx.Component:
    return rx.hstack(
        rx.text("Checked in", size="3", color_scheme="gray"),
        rx.text(DoorState.checked_in, id="door-checked-in", size="7", weight="bold"),
        rx.text("of", size="3", color_scheme="gray"),
        rx.text(DoorState.sold, id="door-sold", size="7", weight="bold"),
        rx.text("sold", size="3", color_scheme="gray"),
        align="baseline",
        spacing="2",
        id="door-counts",
    )


def _typed_code() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(
                name="code",
                placeholder="Ticket code, e.g. ABCD-EFGH-…",
                auto_complete="off",
                auto_capitalize="characters",
                spell_check=False,
                size="3",
                id="door-code",
                aria_label="Ticket code",
                flex="1",
            ),
            rx.button("Check in", type="submit", size="3", id="door-submit"),
            width="100%",
        ),
        on_submit=DoorState.typed,
        reset_on_submit=True,
        width="100%",
    )


@page(
    route=routes.DOOR_SHOW_PAGE,
    title="Check-in — ticketapp",
    on_load=[SessionState.restore, DoorState.load],
)
@template(max_width="720px")
def door_show_page() -> rx.Component:
    return rx.cond(
        DoorState.error != "",
        rx.vstack(
            rx.callout(DoorState.error, icon="shield-alert", color_scheme="red", id="door-error"),
            rx.link("← All shows", href=routes.DOOR),
        ),
        rx.cond(
            DoorState.loading,
            loading_block(),
            rx.vstack(
                rx.link("← All shows", href=routes.DOOR, size="2"),
                rx.heading(DoorState.event_title, size="6", id="page-title"),
                rx.text(DoorState.starts, " · ", DoorState.venue, color_scheme="gray"),
                _counts(),
                _result(),
                qr_scanner(on_scan=DoorState.scanned, id="door-scanner"),
                _typed_code(),
                scan_feedback(status=DoorState.scan_status, seq=DoorState.scans),
                ticker(interval_ms=COUNTS_REFRESH_MS, on_tick=DoorState.refresh_counts),
                spacing="4",
                width="100%",
            ),
        ),
    )


def _staff_row(line: StaffLine) -> rx.Component:
    return rx.table.row(
        rx.table.cell(line.name),
        rx.table.cell(line.email),
        rx.table.cell(line.since),
        rx.table.cell(
            rx.button(
                "Revoke",
                color_scheme="red",
                variant="soft",
                size="1",
                aria_label="Revoke door access of " + line.email,
                on_click=DoorStaffState.revoke(line.user_id),
            )
        ),
        class_name="door-staff-row",
    )


def _invite_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Invite door staff", size="4"),
            rx.text(
                "They can check tickets in for your events — nothing else. Choose a password "
                "and hand it over; they log in with this e-mail.",
                size="2",
                color_scheme="gray",
            ),
            field("Name", rx.input(name="name", id="staff-name", required=True, aria_label="Name")),
            field(
                "E-mail",
                rx.input(
                    name="email", type="email", id="staff-email", required=True, aria_label="E-mail"
                ),
            ),
            field(
                "Password",
                rx.input(
                    name="password",
                    type="password",
                    id="staff-password",
                    required=True,
                    aria_label="Password",
                ),
                "At least 8 characters.",
            ),
            form_error(DoorStaffState.form_error, id="staff-error"),
            rx.button("Invite", type="submit", id="staff-invite"),
            spacing="3",
            width="100%",
        ),
        on_submit=DoorStaffState.invite,
        key=DoorStaffState.form_key,
        width="100%",
    )


@page(
    route=routes.ORGANIZER_DOOR_STAFF,
    title="Door staff — ticketapp dashboard",
    on_load=[SessionState.restore, DoorStaffState.load],
)
@template()
def door_staff_page() -> rx.Component:
    return dashboard_page(
        "door-staff",
        DoorStaffState,
        rx.vstack(
            page_header("Door staff"),
            rx.cond(
                DoorStaffState.message != "",
                rx.callout(
                    DoorStaffState.message, icon="circle-check", color_scheme="green", id="staff-ok"
                ),
            ),
            rx.card(
                rx.cond(
                    DoorStaffState.staff.length() > 0,
                    data_table(("Name", "E-mail", "Since", ""), DoorStaffState.staff, _staff_row),
                    empty_state("scan-line", "No door staff yet."),
                ),
                width="100%",
            ),
            rx.card(_invite_form(), width="100%", max_width="520px"),
            spacing="4",
            width="100%",
        ),
    )
