"""The organizer's ticket types card (show page) and promo codes card (event page)."""

from __future__ import annotations

import reflex as rx

from ticketapp.state.pricing_admin import (
    CategoryChoice,
    CodeRow,
    PromoCodesState,
    TicketTypesState,
    TypeRow,
)

T, P = TicketTypesState, PromoCodesState


def _label(text: str, field_id: str) -> rx.Component:
    # rx.el.label: rx.text(as_="label") drops html_for, leaving the field unnamed.
    return rx.el.label(text, html_for=field_id, style={"font_size": "12px", "font_weight": 500})


def _field(label: str, name: str, **props) -> rx.Component:
    field_id = f"{props.pop('id_prefix', 'f')}-{name}"
    return rx.vstack(
        _label(label, field_id),
        rx.input(id=field_id, name=name, size="2", **props),
        spacing="1",
    )


def _table(headers: list[str], body: rx.Component) -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
            rx.table.body(body),
            class_name="org-table",
            size="1",
        ),
        class_name="table-scroll",
    )


def _message(state) -> rx.Component:
    return rx.cond(
        state.message != "",
        rx.text(state.message, color_scheme=state.message_color, size="2", role="status"),
    )


def ticket_types_card() -> rx.Component:
    def row(t: TypeRow) -> rx.Component:
        return rx.table.row(
            rx.table.cell(t.category),
            rx.table.cell(t.name),
            rx.table.cell(t.price),
            rx.table.cell(rx.cond(t.limit != "", t.limit, "—")),
            rx.table.cell(t.sold),
            rx.table.cell(t.proof_note),
            rx.table.cell(
                rx.icon_button(
                    rx.icon("trash-2", size=14),
                    size="1",
                    variant="ghost",
                    color_scheme="red",
                    type="button",
                    aria_label=f"Delete ticket type {t.name} of {t.category}",
                    on_click=T.delete_type(t.id),
                )
            ),
        )

    def option(c: CategoryChoice) -> rx.Component:
        return rx.el.option(c.label, value=c.value)

    return rx.card(
        rx.vstack(
            rx.heading("Ticket types", size="4"),
            rx.text(
                "Offer several ways to buy a seat of a category (Adult, Child, Student, ...). "
                "The first type of a category is the default; a category without types sells "
                "at its own price.",
                size="2",
                color_scheme="gray",
            ),
            _table(
                ["Category", "Type", "Price", "Limit per show", "Sold", "Note for the door", ""],
                rx.foreach(T.types, row),
            ),
            rx.form(
                rx.flex(
                    rx.vstack(
                        _label("Category", "tt-category"),
                        rx.el.select(
                            rx.foreach(T.categories, option),
                            id="tt-category",
                            name="category_id",
                            style={"padding": "6px"},
                        ),
                        spacing="1",
                    ),
                    _field("Type name", "name", id_prefix="tt", max_length=60),
                    _field("Price", "price", id_prefix="tt", placeholder="25.00", width="7em"),
                    _field(
                        "Limit per show", "limit", id_prefix="tt", placeholder="none", width="7em"
                    ),
                    _field("Note for the door", "proof_note", id_prefix="tt", max_length=200),
                    rx.button("Add ticket type", type="submit", size="2", id="add-ticket-type"),
                    gap="3",
                    wrap="wrap",
                    align="end",
                ),
                on_submit=T.add_type,
                reset_on_submit=False,
                width="100%",
            ),
            _message(T),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="ticket-types",
    )


def promo_codes_card() -> rx.Component:
    def row(c: CodeRow) -> rx.Component:
        return rx.table.row(
            rx.table.cell(rx.code(c.code)),
            rx.table.cell(c.discount),
            rx.table.cell(c.limits),
            rx.table.cell(c.uses),
            rx.table.cell(c.valid),
            rx.table.cell(
                rx.icon_button(
                    rx.icon("trash-2", size=14),
                    size="1",
                    variant="ghost",
                    color_scheme="red",
                    type="button",
                    aria_label=f"Delete promo code {c.code}",
                    on_click=P.delete_code(c.id),
                )
            ),
        )

    return rx.card(
        rx.vstack(
            rx.heading("Promo codes", size="4"),
            rx.text(
                "Discounts are per ticket: a percentage is rounded to the nearest cent (halves "
                "up), an amount off never goes below zero, a fixed price never raises a price. "
                "Leave a limit empty for none; separate several names with commas. A code that "
                "opens the presale lets its holders buy before the sales open; one that unlocks "
                "hidden categories sells their seats to its holders (the hidden categories named "
                "under Only categories, or all of them when none is named).",
                size="2",
                color_scheme="gray",
            ),
            _table(["Code", "Discount", "For", "Uses", "Valid", ""], rx.foreach(P.codes, row)),
            rx.form(
                rx.flex(
                    _field("Code", "code", id_prefix="pc", max_length=40, width="9em"),
                    rx.vstack(
                        _label("Kind", "pc-kind"),
                        rx.el.select(
                            rx.el.option("Percent off", value="percent"),
                            rx.el.option("Amount off each ticket", value="amount"),
                            rx.el.option("Fixed price per ticket", value="fixed_price"),
                            rx.el.option("Access only (no discount)", value="access"),
                            id="pc-kind",
                            name="kind",
                            style={"padding": "6px"},
                        ),
                        spacing="1",
                    ),
                    _field("Percent or amount", "value", id_prefix="pc", width="8em"),
                    _field("Only shows (ids)", "show_ids", id_prefix="pc", width="8em"),
                    _field("Only categories", "category_names", id_prefix="pc"),
                    _field("Only ticket types", "ticket_type_names", id_prefix="pc"),
                    _field("Uses in total", "max_uses", id_prefix="pc", width="7em"),
                    _field(
                        "Uses per customer", "max_uses_per_customer", id_prefix="pc", width="7em"
                    ),
                    _field("Valid from", "valid_from", id_prefix="pc", type="datetime-local"),
                    _field("Valid until", "valid_until", id_prefix="pc", type="datetime-local"),
                    rx.hstack(
                        rx.el.input(
                            type="checkbox", id="pc-unlocks_presale", name="unlocks_presale"
                        ),
                        _label("Opens the presale", "pc-unlocks_presale"),
                        align="center",
                        spacing="1",
                    ),
                    rx.hstack(
                        rx.el.input(type="checkbox", id="pc-unlocks_hidden", name="unlocks_hidden"),
                        _label("Unlocks hidden categories", "pc-unlocks_hidden"),
                        align="center",
                        spacing="1",
                    ),
                    rx.button("Create code", type="submit", size="2", id="add-promo-code"),
                    gap="3",
                    wrap="wrap",
                    align="end",
                ),
                on_submit=P.add_code,
                reset_on_submit=False,
                width="100%",
            ),
            _message(P),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="promo-codes",
    )
