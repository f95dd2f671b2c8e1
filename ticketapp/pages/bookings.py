"""The booking confirmation with tickets (printable), my bookings, my account."""

from __future__ import annotations

import reflex as rx

from ticketapp import routes
from ticketapp.components.common import loading_block, your_time
from ticketapp.components.forms import invalid_when, labelled
from ticketapp.components.layout import template
from ticketapp.models import BookingStatus
from ticketapp.pages.registry import page
from ticketapp.state.account import AccountState
from ticketapp.state.booking_detail import BookingCard, BookingState, TicketCard
from ticketapp.state.my_bookings import MyBookingsState
from ticketapp.state.session import SessionState


def _ticket(ticket: TicketCard) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.cond(
                ticket.live,
                rx.image(
                    src=ticket.qr, alt="QR code of ticket " + ticket.code, class_name="ticket-qr"
                ),
                rx.center(
                    rx.text("VOID", weight="bold", color_scheme="red"),
                    class_name="ticket-qr ticket-void",
                    width="116px",
                    height="116px",
                    border="2px dashed var(--red-8)",
                ),
            ),
            rx.vstack(
                rx.text(ticket.label, weight="bold", size="3"),
                rx.text(ticket.category, " · ", ticket.price, size="2", color_scheme="gray"),
                rx.code(ticket.code, class_name="ticket-code", size="2"),
                rx.cond(~ticket.live, rx.badge("Void: not valid for entry", color_scheme="red")),
                rx.cond(
                    ticket.checked_in != "",
                    rx.badge("Checked in " + ticket.checked_in, color_scheme="green"),
                ),
                spacing="1",
            ),
            gap="4",
            align="center",
        ),
        class_name="ticket",
        width="100%",
    )


def _ticket_files() -> rx.Component:
    """Tickets to carry: the PDF (the browser's paper, or A4 / Letter asked for) and a
    calendar entry. A cancelled booking shows none of these."""
    return rx.flex(
        rx.button(
            rx.icon("file-down", size=16),
            "Download PDF tickets",
            on_click=BookingState.download_pdf(""),
            id="download-pdf",
        ),
        rx.button(
            "A4",
            variant="outline",
            on_click=BookingState.download_pdf("a4"),
            aria_label="Download PDF tickets on A4 paper",
            id="download-pdf-a4",
        ),
        rx.button(
            "Letter",
            variant="outline",
            on_click=BookingState.download_pdf("letter"),
            aria_label="Download PDF tickets on Letter paper",
            id="download-pdf-letter",
        ),
        rx.button(
            rx.icon("calendar-plus", size=16),
            "Add to calendar",
            variant="soft",
            on_click=BookingState.download_calendar,
            id="download-ics",
        ),
        gap="2",
        wrap="wrap",
        class_name="no-print",
        id="ticket-files",
    )


def _booking_detail() -> rx.Component:
    b = BookingState.booking
    return rx.vstack(
        rx.flex(
            rx.heading("Your booking", size="7"),
            rx.spacer(),
            rx.cond(
                b.status == BookingStatus.CONFIRMED.value,
                rx.button(
                    rx.icon("printer", size=16),
                    "Print tickets",
                    variant="soft",
                    on_click=rx.call_script("window.print()"),
                    class_name="no-print",
                ),
            ),
            width="100%",
            align="center",
        ),
        rx.cond(BookingState.offers_files, _ticket_files()),
        rx.cond(
            BookingState.file_error != "",
            rx.callout(
                BookingState.file_error,
                icon="circle-alert",
                color_scheme="red",
                id="ticket-files-error",
                class_name="no-print",
            ),
        ),
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.text("Booking code", color_scheme="gray"),
                    rx.code(b.code, size="5", id="booking-code"),
                    rx.badge(
                        b.status,
                        color_scheme=rx.cond(
                            b.status == BookingStatus.CONFIRMED.value, "green", "red"
                        ),
                        id="booking-status",
                    ),
                    align="center",
                    wrap="wrap",
                ),
                rx.heading(b.event_title, size="5", as_="h2"),
                rx.text(
                    b.starts,
                    your_time(b.starts_utc, b.zone),
                    " · ",
                    b.venue,
                    color_scheme="gray",
                    id="booking-when",
                ),
                rx.text("Total ", rx.text.strong(b.total)),
                rx.cond(
                    b.cancelled != "",
                    rx.callout(
                        rx.vstack(
                            rx.text("This booking was cancelled on ", b.cancelled, "."),
                            rx.cond(
                                b.cancel_reason != "",
                                rx.text("Reason given: ", rx.text.em(b.cancel_reason)),
                            ),
                            rx.text("Its tickets are void and no longer admit anybody."),
                            spacing="1",
                        ),
                        icon="ban",
                        color_scheme="red",
                        id="booking-cancelled",
                        width="100%",
                    ),
                ),
                spacing="2",
            ),
            width="100%",
        ),
        rx.heading("Tickets", size="5", as_="h2"),
        rx.grid(
            rx.foreach(BookingState.tickets, _ticket),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
        rx.link("All my bookings", href=routes.MY_BOOKINGS, class_name="no-print"),
        spacing="4",
        width="100%",
    )


@page(
    route=routes.BOOKING_PAGE,
    title="Your tickets — ticketapp",
    on_load=[SessionState.restore, BookingState.load],
)
@template(max_width="900px")
def booking_page() -> rx.Component:
    return rx.cond(
        BookingState.error != "",
        rx.callout(BookingState.error, icon="circle-alert", color_scheme="red"),
        rx.cond(BookingState.loading, loading_block(), _booking_detail()),
    )


def _booking_row(card: BookingCard) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.link(
                    rx.heading(card.event_title, size="4", as_="h3"),
                    href=routes.booking_url(card.id),
                ),
                rx.text(card.starts, " · ", card.venue, size="2", color_scheme="gray"),
                rx.text(card.seats, size="2"),
                rx.hstack(
                    rx.code(card.code),
                    rx.badge(
                        card.status,
                        color_scheme=rx.cond(
                            card.status == BookingStatus.CONFIRMED.value, "green", "red"
                        ),
                    ),
                    rx.text(card.total, size="2", weight="bold"),
                    align="center",
                ),
                spacing="1",
            ),
            rx.spacer(),
            rx.hstack(
                rx.link(rx.button("Tickets", variant="soft"), href=routes.booking_url(card.id)),
                rx.cond(
                    card.cancellable,
                    rx.alert_dialog.root(
                        rx.alert_dialog.trigger(
                            rx.button(
                                "Cancel",
                                color_scheme="red",
                                variant="soft",
                                class_name="cancel-booking",
                            )
                        ),
                        rx.alert_dialog.content(
                            rx.alert_dialog.title("Cancel this booking?"),
                            rx.alert_dialog.description(
                                "Booking ",
                                card.code,
                                " for ",
                                card.event_title,
                                " will be cancelled and its seats released at once. "
                                "This cannot be undone.",
                            ),
                            rx.flex(
                                rx.alert_dialog.cancel(rx.button("Keep it", variant="soft")),
                                rx.alert_dialog.action(
                                    rx.button(
                                        "Yes, cancel",
                                        color_scheme="red",
                                        on_click=MyBookingsState.cancel(card.id),
                                        id="confirm-cancel",
                                    ),
                                ),
                                gap="3",
                                justify="end",
                                margin_top="1em",
                            ),
                        ),
                    ),
                ),
                spacing="2",
            ),
            gap="3",
            wrap="wrap",
            align="center",
        ),
        width="100%",
        class_name="booking-row",
        data_code=card.code,
    )


def _list(title: str, items, empty: str) -> rx.Component:
    return rx.vstack(
        rx.heading(title, size="5", as_="h2"),
        rx.cond(
            items.length() > 0,
            rx.vstack(rx.foreach(items, _booking_row), width="100%", spacing="3"),
            rx.text(empty, color_scheme="gray"),
        ),
        width="100%",
        spacing="3",
    )


@page(
    route=routes.MY_BOOKINGS,
    title="My bookings — ticketapp",
    on_load=[SessionState.restore, MyBookingsState.load],
)
@template(max_width="900px")
def my_bookings_page() -> rx.Component:
    return rx.cond(
        MyBookingsState.loading,
        loading_block(),
        rx.vstack(
            rx.heading("My bookings", size="7"),
            _list(
                "Upcoming",
                MyBookingsState.upcoming,
                "No upcoming bookings — find an event you like.",
            ),
            _list("Past", MyBookingsState.past, "Nothing here yet."),
            spacing="5",
            width="100%",
        ),
    )


def _note(ok: rx.Var, error: rx.Var, id: str) -> rx.Component:
    # Both lines are always in the page (live regions announce what appears in them); the
    # error is the `id` the form's fields point at with aria-describedby.
    return rx.fragment(
        rx.el.div(
            rx.cond(ok != "", rx.callout(ok, icon="check", color_scheme="green")),
            role="status",
            width="100%",
        ),
        rx.el.div(
            rx.cond(
                error != "",
                rx.callout(
                    error, icon="circle-alert", color_scheme="red", class_name="account-error"
                ),
            ),
            role="alert",
            id=id,
            width="100%",
        ),
    )


@page(
    route=routes.ACCOUNT,
    title="Account — ticketapp",
    on_load=[SessionState.restore, AccountState.load],
)
@template(max_width="640px")
def account_page() -> rx.Component:
    return rx.vstack(
        rx.heading("Account", size="7"),
        rx.text(SessionState.user_email, " · ", SessionState.user_role, color_scheme="gray"),
        rx.card(
            rx.form(
                rx.vstack(
                    rx.heading("Name", size="4", as_="h2"),
                    _note(AccountState.name_message, AccountState.name_error, "name-error"),
                    labelled(
                        "Your name",
                        rx.input(
                            name="name",
                            id="account-name",
                            default_value=SessionState.user_name,
                            auto_complete="name",
                            size="3",
                            width="100%",
                            aria_describedby="name-error",
                            aria_invalid=invalid_when(AccountState.name_error),
                        ),
                        id="account-name",
                    ),
                    rx.button("Save name", type="submit", id="save-name"),
                    spacing="2",
                ),
                on_submit=AccountState.change_name,
                reset_on_submit=False,
            ),
            width="100%",
        ),
        rx.card(
            rx.form(
                rx.vstack(
                    rx.heading("Password", size="4", as_="h2"),
                    _note(
                        AccountState.password_message,
                        AccountState.password_error,
                        "password-error",
                    ),
                    labelled(
                        "Current password",
                        rx.input(
                            name="current_password",
                            type="password",
                            id="current-password",
                            auto_complete="current-password",
                            size="3",
                            width="100%",
                            aria_describedby="password-error",
                            aria_invalid=rx.cond(
                                AccountState.password_error_field == "current_password",
                                "true",
                                "false",
                            ),
                        ),
                        id="current-password",
                    ),
                    labelled(
                        "New password (at least 8 characters)",
                        rx.input(
                            name="new_password",
                            type="password",
                            id="new-password",
                            auto_complete="new-password",
                            size="3",
                            width="100%",
                            aria_describedby="password-error",
                            aria_invalid=rx.cond(
                                AccountState.password_error_field == "new_password",
                                "true",
                                "false",
                            ),
                        ),
                        id="new-password",
                    ),
                    rx.button("Change password", type="submit", id="save-password"),
                    spacing="2",
                ),
                on_submit=AccountState.change_password,
                reset_on_submit=False,
            ),
            width="100%",
        ),
        rx.card(
            rx.vstack(
                rx.heading("Sessions", size="4", as_="h2"),
                rx.text("Log out on every device and browser where you are logged in."),
                rx.button(
                    "Log out everywhere",
                    on_click=AccountState.log_out_everywhere,
                    id="logout-everywhere",
                    color_scheme="red",
                    variant="soft",
                ),
                spacing="2",
            ),
            width="100%",
        ),
        spacing="4",
        width="100%",
    )
