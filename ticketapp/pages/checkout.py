"""Checkout: the held seats with a countdown, buyer details, confirm."""

from __future__ import annotations

import reflex as rx

from ticketapp import routes
from ticketapp.components.common import loading_block, your_time
from ticketapp.components.forms import invalid_when, labelled
from ticketapp.components.layout import template
from ticketapp.components.seat_map import countdown
from ticketapp.pages.registry import page
from ticketapp.state.checkout import CheckoutState, Line
from ticketapp.state.session import SessionState


def _type_select(line: Line) -> rx.Component:
    """The ticket type of one seat (only for categories that offer types)."""
    return rx.cond(
        line.options.length() > 0,
        rx.el.select(
            rx.foreach(line.options, lambda o: rx.el.option(o.label, value=o.value)),
            value=line.type_id,
            on_change=lambda value: CheckoutState.choose_type(line.seat_id, value),
            aria_label=f"Ticket type for {line.label}",
            class_name="ticket-type-select",
            style={"padding": "4px", "max_width": "100%"},
        ),
        rx.text("—", aria_hidden="true", color_scheme="gray"),
    )


def _line(line: Line) -> rx.Component:
    return rx.table.row(
        rx.table.cell(line.label),
        rx.table.cell(line.category),
        rx.table.cell(
            rx.vstack(
                _type_select(line),
                rx.cond(
                    line.proof != "",
                    rx.text("Bring: ", line.proof, size="1", class_name="type-proof"),
                ),
                spacing="1",
            )
        ),
        rx.table.cell(
            rx.vstack(
                rx.text(line.price),
                rx.cond(
                    line.discount != "", rx.text(line.discount, size="1", color_scheme="green")
                ),
                spacing="0",
                align="end",
            ),
            text_align="right",
        ),
        class_name="checkout-line",
    )


def _promo_code() -> rx.Component:
    """The promo code field and the discount line (its own form: forms cannot nest)."""
    applied = rx.hstack(
        rx.text("Promo code ", rx.code(CheckoutState.promo_code), " applied", id="promo-applied"),
        rx.spacer(),
        rx.button(
            "Remove code",
            variant="ghost",
            size="1",
            type="button",
            on_click=CheckoutState.remove_code,
        ),
        width="100%",
        align="center",
    )
    entry = rx.form(
        rx.hstack(
            # rx.el.label: rx.text(as_="label") drops html_for, leaving the input unnamed.
            rx.el.label(
                "Promo code", html_for="promo_code", style={"font_size": "14px", "font_weight": 500}
            ),
            rx.input(id="promo_code", name="promo_code", size="2", max_length=40),
            rx.button("Apply", type="submit", size="2", variant="soft", id="apply-promo-code"),
            align="center",
            spacing="2",
            wrap="wrap",
        ),
        on_submit=CheckoutState.apply_code,
        reset_on_submit=False,
    )
    return rx.vstack(
        rx.cond(CheckoutState.promo_code != "", applied, entry),
        rx.cond(
            CheckoutState.promo_error != "",
            rx.text(CheckoutState.promo_error, color_scheme="red", size="2", id="promo-error"),
        ),
        rx.cond(
            CheckoutState.discount != "",
            rx.vstack(
                rx.hstack(
                    rx.text("Subtotal"),
                    rx.spacer(),
                    rx.text(CheckoutState.subtotal),
                    width="100%",
                ),
                rx.hstack(
                    rx.text("Discount (", CheckoutState.promo_code, ")"),
                    rx.spacer(),
                    rx.text(CheckoutState.discount, id="checkout-discount"),
                    width="100%",
                ),
                spacing="1",
                width="100%",
            ),
        ),
        spacing="2",
        width="100%",
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            labelled(
                "Name",
                rx.input(
                    id="buyer_name",
                    name="buyer_name",
                    default_value=CheckoutState.buyer_name,
                    auto_complete="name",
                    size="3",
                    width="100%",
                    aria_describedby="checkout-error",
                    aria_invalid=invalid_when(CheckoutState.error),
                ),
                id="buyer_name",
            ),
            labelled(
                "E-mail for your tickets",
                rx.input(
                    id="buyer_email",
                    name="buyer_email",
                    type="email",
                    default_value=CheckoutState.buyer_email,
                    auto_complete="email",
                    size="3",
                    width="100%",
                    aria_describedby="checkout-error",
                    aria_invalid=invalid_when(CheckoutState.error),
                ),
                id="buyer_email",
            ),
            rx.button(
                "Confirm booking",
                type="submit",
                size="3",
                width="100%",
                loading=CheckoutState.busy,
                id="confirm-button",
            ),
            # Going back keeps the hold: the map shows these seats as yours.
            rx.link(
                "Back to the seat map (your seats stay held)",
                href=routes.show_url(CheckoutState.show_id),
                size="2",
                id="back-to-map",
                align="center",
                width="100%",
            ),
            rx.button(
                "Release my seats",
                variant="ghost",
                color_scheme="gray",
                type="button",
                on_click=CheckoutState.give_up,
                width="100%",
                id="release-seats",
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=CheckoutState.confirm,
        reset_on_submit=False,
        no_validate=True,
    )


def _content() -> rx.Component:
    return rx.vstack(
        rx.heading("Checkout", size="7"),
        rx.card(
            rx.hstack(
                rx.icon("timer", size=20),
                rx.text("Your seats are held for"),
                countdown(
                    expires_at=CheckoutState.expires_at,
                    on_expire=CheckoutState.expired,
                    on_warn=CheckoutState.warn,
                    id="hold-countdown",
                ),
                align="center",
                spacing="2",
            ),
            width="100%",
        ),
        rx.cond(
            CheckoutState.last_minute,
            rx.callout(
                rx.flex(
                    rx.text("Less than a minute left: your seats are released when it runs out."),
                    rx.cond(
                        CheckoutState.extendable,
                        rx.button(
                            "Keep my seats longer",
                            size="2",
                            on_click=CheckoutState.extend,
                            id="extend-hold",
                        ),
                    ),
                    gap="3",
                    align="center",
                    wrap="wrap",
                ),
                icon="timer",
                color_scheme="orange",
                role="alert",
                id="hold-warning",
                width="100%",
            ),
        ),
        # Always in the page: the fields point at it, and it is announced when it fills.
        rx.el.div(
            rx.cond(
                CheckoutState.error != "",
                rx.callout(CheckoutState.error, icon="circle-alert", color_scheme="red"),
            ),
            role="alert",
            id="checkout-error",
            width="100%",
        ),
        rx.flex(
            rx.card(
                rx.vstack(
                    rx.heading(CheckoutState.event_title, size="5", as_="h2"),
                    rx.text(
                        CheckoutState.starts,
                        your_time(CheckoutState.starts_utc, CheckoutState.zone),
                        " · ",
                        CheckoutState.venue,
                        color_scheme="gray",
                        id="checkout-when",
                    ),
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                rx.table.column_header_cell("Seat"),
                                rx.table.column_header_cell("Category"),
                                rx.table.column_header_cell("Ticket type"),
                                rx.table.column_header_cell("Price", text_align="right"),
                            )
                        ),
                        rx.table.body(rx.foreach(CheckoutState.lines, _line)),
                        width="100%",
                    ),
                    _promo_code(),
                    rx.hstack(
                        rx.text("Total", weight="bold"),
                        rx.spacer(),
                        rx.text(CheckoutState.total, weight="bold", id="checkout-total"),
                        width="100%",
                    ),
                    width="100%",
                ),
                flex="2 1 400px",
            ),
            rx.card(_form(), flex="1 1 280px"),
            gap="4",
            wrap="wrap",
            width="100%",
            align="start",
        ),
        spacing="4",
        width="100%",
    )


@page(
    route=routes.CHECKOUT_PAGE,
    title="Checkout — ticketapp",
    on_load=[SessionState.restore, CheckoutState.load],
)
@template(max_width="1000px")
def checkout_page() -> rx.Component:
    return rx.cond(
        CheckoutState.loading,
        rx.cond(
            CheckoutState.error != "",
            rx.callout(CheckoutState.error, icon="circle-alert", color_scheme="red"),
            loading_block(),
        ),
        _content(),
    )
