"""A show: the live seat map (or standing-area picker), best available, the summary."""

from __future__ import annotations

import reflex as rx

from ticketapp import routes
from ticketapp.components.common import message_box, not_found
from ticketapp.components.layout import template
from ticketapp.components.seat_map import seat_map
from ticketapp.pages.registry import page
from ticketapp.state.session import SessionState
from ticketapp.state.show import Legend, Pick, ShowState, StandingArea


def _seat_swatch(*classes: str, color: rx.Var | str = "") -> rx.Component:
    # The legend draws the very seats of the map (styles.css `.seat`): same shapes and marks.
    return rx.el.span(
        class_name=" ".join(["seat", "legend-seat", *classes]),
        style={} if isinstance(color, str) and not color else {"--cat": color},
        aria_hidden="true",
    )


def _legend() -> rx.Component:
    def item(cat: Legend) -> rx.Component:
        return rx.hstack(
            _seat_swatch(color=cat.color),
            rx.text(cat.name, " ", rx.text.strong(cat.price), size="2"),
            align="center",
            spacing="1",
        )

    def state(label: str, *classes: str) -> rx.Component:
        return rx.hstack(
            _seat_swatch(*classes),
            rx.text(label, size="2"),
            align="center",
            spacing="1",
        )

    return rx.flex(
        rx.foreach(ShowState.legend, item),
        state("Your selection", "sel"),
        state("Taken", "s-b"),
        state("Held by someone else", "s-h"),
        state("Not for sale", "s-x"),
        state("Wheelchair space", "acc"),
        state("Companion seat (next to a wheelchair space)", "comp"),
        gap="0.5em 1.25em",
        wrap="wrap",
        id="seat-legend",
        class_name="seat-legend",
    )


def _best_available() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.text("Best available:", weight="medium", size="2"),
            rx.el.select(
                *[
                    rx.el.option(f"{n} seat{'s' if n > 1 else ''}", value=str(n))
                    for n in range(1, 11)
                ],
                name="quantity",
                default_value="2",
                aria_label="Number of seats",
                class_name="native-select",
                id="best-quantity",
            ),
            rx.el.select(
                rx.el.option("Any category", value=""),
                rx.foreach(
                    ShowState.legend,
                    lambda c: rx.el.option(c.name + " · " + c.price, value=c.id.to_string()),
                ),
                name="category",
                aria_label="Price category",
                class_name="native-select",
                id="best-category",
            ),
            rx.el.select(
                rx.el.option("No wheelchair space", value="0"),
                rx.el.option("1 wheelchair space", value="1"),
                rx.el.option("2 wheelchair spaces", value="2"),
                name="accessible",
                aria_label="Wheelchair spaces",
                class_name="native-select",
                id="best-accessible",
            ),
            rx.button("Find seats", type="submit", variant="soft", id="best-submit"),
            gap="2",
            align="center",
            wrap="wrap",
        ),
        on_submit=ShowState.best_available,
        reset_on_submit=False,
    )


def _pick_row(pick: Pick) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(pick.label, size="2", weight="medium"),
            rx.text(pick.category, size="1", color_scheme="gray"),
            spacing="0",
        ),
        rx.spacer(),
        rx.text(pick.price, size="2"),
        width="100%",
        class_name="pick-row",
    )


def _summary() -> rx.Component:
    # On a phone this card is a bar stuck to the bottom of the screen (styles.css
    # .seat-summary): the selection and Continue stay in reach while the map is in view. The
    # page's message lives here too, so that it never pushes the map down under a finger.
    return rx.card(
        rx.vstack(
            message_box(ShowState.message, ShowState.message_is_error, id="show-message"),
            rx.heading("Your seats", size="4", as_="h2", class_name="summary-heading"),
            rx.cond(
                ShowState.count > 0,
                rx.vstack(
                    rx.foreach(ShowState.picks, _pick_row),
                    width="100%",
                    spacing="2",
                    id="picked-seats",
                    # It scrolls inside the phone's bottom bar: reachable by keyboard too.
                    tab_index=0,
                    role="region",
                    aria_label="Selected seats",
                ),
                rx.text("No seats selected yet.", size="2", color_scheme="gray"),
            ),
            rx.separator(),
            rx.hstack(
                rx.text("Total", weight="bold"),
                rx.spacer(),
                rx.text(ShowState.total, weight="bold", id="selection-total"),
                width="100%",
            ),
            rx.text(
                "Up to ",
                ShowState.cap,
                " seats per customer. Seats are held for ",
                ShowState.hold_minutes,
                " minutes while you check out.",
                size="1",
                color_scheme="gray",
                class_name="summary-note",
            ),
            rx.button(
                "Continue",
                size="3",
                width="100%",
                on_click=ShowState.hold_selection,
                disabled=ShowState.count == 0,
                loading=ShowState.busy,
                id="continue-button",
            ),
            rx.cond(
                ShowState.count > 0,
                rx.button(
                    "Clear selection", variant="ghost", size="1", on_click=ShowState.clear_selection
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _standing() -> rx.Component:
    def area(a: StandingArea) -> rx.Component:
        return rx.card(
            rx.form(
                rx.flex(
                    rx.vstack(
                        rx.text(a.section, weight="bold"),
                        rx.text(a.category, " · ", a.price, size="2", color_scheme="gray"),
                        rx.text(a.left, " places left", size="2", class_name="places-left"),
                        spacing="1",
                    ),
                    rx.spacer(),
                    rx.el.input(type="hidden", name="section", value=a.section),
                    rx.el.select(
                        *[rx.el.option(str(n), value=str(n)) for n in range(1, 11)],
                        name="quantity",
                        aria_label="Number of places",
                        class_name="native-select",
                        id="ga-quantity",
                    ),
                    rx.button("Continue", type="submit", disabled=a.left == 0, id="ga-continue"),
                    gap="3",
                    align="center",
                    wrap="wrap",
                ),
                on_submit=ShowState.hold_standing,
                reset_on_submit=False,
            ),
            width="100%",
        )

    return rx.vstack(
        rx.text("Standing only: choose how many places you want.", color_scheme="gray"),
        rx.foreach(ShowState.areas, area),
        width="100%",
        spacing="3",
    )


def _content() -> rx.Component:
    return rx.vstack(
        rx.link("← ", ShowState.event_title, href=routes.event_url(ShowState.event_id), size="2"),
        rx.skeleton(
            rx.heading(ShowState.event_title, size="7", min_height="1.2em"),
            loading=ShowState.loading,
        ),
        rx.text(ShowState.starts, " · ", ShowState.venue, color_scheme="gray", id="show-when"),
        rx.cond(
            ShowState.sales_note != "",
            rx.callout(ShowState.sales_note, icon="clock", color_scheme="orange"),
        ),
        rx.cond(
            ShowState.is_general_admission,
            message_box(ShowState.message, ShowState.message_is_error, id="show-message"),
        ),
        rx.cond(ShowState.areas.length() > 0, _standing()),
        rx.cond(
            ShowState.is_general_admission,
            rx.fragment(),
            rx.flex(
                rx.vstack(
                    _legend(),
                    _best_available(),
                    seat_map(
                        layout_url=ShowState.layout_url,
                        statuses=ShowState.statuses,
                        selected=ShowState.selected,
                        ack_seq=ShowState.ack_seq,
                        max_select=ShowState.cap,
                        on_toggle=ShowState.toggle_seat,
                        id="seat-map",
                    ),
                    flex="3 1 560px",
                    min_width="0",
                    spacing="3",
                ),
                rx.box(_summary(), class_name="seat-summary"),
                gap="5",
                wrap="wrap",
                align="start",
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )


@page(
    route=routes.SHOW_PAGE,
    title="Choose your seats — ticketapp",
    on_load=[SessionState.restore, ShowState.load],
)
@template(max_width="1400px")
def show_page() -> rx.Component:
    # The map mounts at once and fetches its layout while the show's state loads.
    return rx.cond(ShowState.not_found, not_found("Show"), _content())
