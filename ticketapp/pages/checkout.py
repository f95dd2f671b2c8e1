"""Checkout: the held seats with a countdown, buyer details, confirm."""

from __future__ import annotations

import reflex as rx

from ticketapp import routes
from ticketapp.components.common import loading_block
from ticketapp.components.forms import invalid_when, labelled
from ticketapp.components.layout import template
from ticketapp.components.seat_map import countdown
from ticketapp.pages.registry import page
from ticketapp.state.checkout import CheckoutState, Line
from ticketapp.state.session import SessionState


def _line(line: Line) -> rx.Component:
    return rx.table.row(
        rx.table.cell(line.label),
        rx.table.cell(line.category),
        rx.table.cell(line.price, text_align="right"),
        class_name="checkout-line",
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
            rx.button(
                "Back to the seat map",
                variant="ghost",
                type="button",
                on_click=CheckoutState.give_up,
                width="100%",
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
                    id="hold-countdown",
                ),
                align="center",
                spacing="2",
            ),
            width="100%",
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
                    rx.text(CheckoutState.starts, " · ", CheckoutState.venue, color_scheme="gray"),
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                rx.table.column_header_cell("Seat"),
                                rx.table.column_header_cell("Category"),
                                rx.table.column_header_cell("Price", text_align="right"),
                            )
                        ),
                        rx.table.body(rx.foreach(CheckoutState.lines, _line)),
                        width="100%",
                    ),
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
