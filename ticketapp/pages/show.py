"""A show: the live seat map (or standing-area picker), best available, the summary."""

from __future__ import annotations

import reflex as rx

from ticketapp import routes
from ticketapp.components.common import message_box, not_found, your_time
from ticketapp.components.layout import template
from ticketapp.components.seat_map import seat_map
from ticketapp.components.waiting_room import waiting_room_panel
from ticketapp.pages.registry import page
from ticketapp.state.queue import WaitingRoomState
from ticketapp.state.session import SessionState
from ticketapp.state.show import Legend, Pick, ShowState, StandingArea
from ticketapp.state.waiting_list import WaitingListState


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
            rx.heading(
                rx.cond(ShowState.is_general_admission, "Your places", "Your seats"),
                size="4",
                as_="h2",
                class_name="summary-heading",
            ),
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
                rx.text(
                    rx.cond(
                        ShowState.is_general_admission,
                        "No places chosen yet.",
                        "No seats selected yet.",
                    ),
                    size="2",
                    color_scheme="gray",
                ),
            ),
            rx.separator(),
            rx.hstack(
                rx.text("Total", weight="bold"),
                rx.spacer(),
                rx.text(ShowState.total, weight="bold", id="selection-total"),
                width="100%",
            ),
            rx.text(
                ShowState.rules_text,
                size="1",
                color_scheme="gray",
                id="hold-rules",
                class_name="summary-note",
            ),
            rx.button(
                ShowState.continue_text,
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
                    "Clear selection",
                    variant="ghost",
                    size="1",
                    on_click=ShowState.clear_selection,
                    id="clear-selection",
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
                        rx.text(a.left_text, size="2", class_name="places-left"),
                        spacing="1",
                    ),
                    rx.spacer(),
                    rx.el.input(type="hidden", name="section", value=a.section),
                    rx.el.select(
                        *[
                            rx.el.option(f"{n} place{'s' if n > 1 else ''}", value=str(n))
                            for n in range(1, 11)
                        ],
                        name="quantity",
                        aria_label="Number of standing places in " + a.section,
                        class_name="native-select ga-quantity",
                    ),
                    # Adds to "Your places"; the one Continue of the summary checks out.
                    rx.button(
                        "Add",
                        type="submit",
                        variant="soft",
                        disabled=a.left == 0,
                        aria_label="Add standing places in " + a.section,
                        class_name="ga-add",
                    ),
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
        rx.heading(
            rx.cond(ShowState.is_general_admission, "Standing places", "Standing areas"),
            size="4",
        ),
        rx.text(
            rx.cond(
                ShowState.is_general_admission,
                "This show is standing only: choose how many places you want.",
                "Besides the seats below, this hall has standing areas.",
            ),
            color_scheme="gray",
            size="2",
        ),
        rx.foreach(ShowState.areas, area),
        width="100%",
        spacing="3",
    )


def _waiting_list() -> rx.Component:
    W = WaitingListState
    join_form = rx.form(
        rx.vstack(
            rx.text(
                rx.cond(W.sold_out, "This show is sold out. ", "Some seats are sold out. "),
                "Join the waiting list: when seats come back, we hold them for you for ",
                W.offer_minutes,
                " minutes and e-mail you a link to book them.",
                size="2",
            ),
            rx.flex(
                rx.el.select(
                    rx.foreach(
                        W.quantities,
                        lambda q: rx.el.option(q.label, value=q.value.to_string()),
                    ),
                    name="quantity",
                    aria_label="Seats wanted",
                    class_name="native-select",
                    id="waiting-quantity",
                ),
                rx.el.select(
                    rx.cond(W.sold_out, rx.el.option("Any category", value="")),
                    rx.foreach(
                        W.categories,
                        lambda c: rx.el.option(c.name, value=c.id.to_string()),
                    ),
                    name="category",
                    aria_label="Price category wanted",
                    class_name="native-select",
                    id="waiting-category",
                ),
                rx.el.label(
                    rx.el.input(type="checkbox", name="accessible", id="waiting-accessible"),
                    " Wheelchair-accessible seats",
                    class_name="checkbox-label",
                ),
                rx.button("Join the waiting list", type="submit", id="waiting-join"),
                gap="2",
                align="center",
                wrap="wrap",
            ),
            spacing="2",
        ),
        on_submit=W.join,
        reset_on_submit=False,
    )
    place = rx.vstack(
        rx.match(
            W.status,
            (
                "waiting",
                rx.text(
                    "You are number ",
                    rx.text.strong(W.position, id="waiting-position"),
                    " on the waiting list for ",
                    W.wish,
                    ".",
                    size="2",
                ),
            ),
            (
                "offered",
                rx.vstack(
                    rx.text(
                        "Seats came back for you: they are held until ",
                        rx.text.strong(W.offer_until),
                        ".",
                        size="2",
                    ),
                    rx.link(rx.button("Book your seats", id="waiting-book"), href=W.offer_url),
                    spacing="2",
                ),
            ),
            ("booked", rx.text("You booked the seats offered to you.", size="2")),
            ("lapsed", rx.text("The seats offered to you went to the next person.", size="2")),
            ("left", rx.text("You left the waiting list.", size="2")),
            ("closed", rx.text("The organizer has closed the waiting list.", size="2")),
            rx.fragment(),
        ),
        rx.cond(
            (W.status == "waiting") | (W.status == "offered"),
            rx.button(
                "Leave the waiting list",
                variant="soft",
                color_scheme="gray",
                size="1",
                on_click=W.leave,
                id="waiting-leave",
            ),
        ),
        spacing="2",
        data_status=W.status,
        id="waiting-place",
    )
    return rx.cond(
        W.can_join | (W.status != ""),
        rx.card(
            rx.vstack(
                rx.heading("Waiting list", size="4"),
                message_box(W.message, W.message_is_error, id="waiting-message"),
                rx.cond(W.status != "", place),
                rx.cond(W.can_join, join_form),
                spacing="3",
                width="100%",
            ),
            width="100%",
            id="waiting-list",
        ),
    )


def _access_code() -> rx.Component:
    """An access code lets its holder choose seats before the sales open (the presale), or
    seats of categories not on public sale (hidden categories): one entry point for both."""
    return rx.cond(
        ShowState.access_code != "",
        rx.text(
            "Access code ",
            rx.code(ShowState.access_code),
            " accepted: choose your seats now.",
            color_scheme="green",
            id="access-accepted",
        ),
        rx.form(
            rx.hstack(
                rx.el.label(
                    "Access code",
                    html_for="access_code",
                    style={"font_size": "14px", "font_weight": 500},
                ),
                rx.input(id="access_code", name="access_code", size="2", max_length=40),
                rx.button("Use code", type="submit", size="2", variant="soft", id="use-access"),
                rx.cond(
                    ShowState.access_error != "",
                    rx.text(ShowState.access_error, color_scheme="red", size="2", role="alert"),
                ),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            on_submit=ShowState.use_access_code,
            reset_on_submit=False,
        ),
    )


def _buying() -> rx.Component:
    """Everything that sells: only for a show on sale (the engine's sales status)."""
    return rx.flex(
        rx.vstack(
            rx.cond(ShowState.areas.length() > 0, _standing()),
            rx.cond(
                ShowState.is_general_admission,
                rx.fragment(),
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
                    width="100%",
                    spacing="3",
                ),
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
    )


def _replace_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Replace your held seats?"),
            rx.alert_dialog.description(ShowState.replace_text, id="replace-text"),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button(
                        "Keep my seats",
                        variant="soft",
                        color_scheme="gray",
                        on_click=ShowState.keep_held,
                        id="keep-held",
                    )
                ),
                rx.alert_dialog.action(
                    rx.button(
                        "Find new seats",
                        on_click=ShowState.replace_with_best,
                        id="replace-held",
                    )
                ),
                gap="3",
                justify="end",
                margin_top="16px",
            ),
        ),
        open=ShowState.confirm_replace,
    )


def _content() -> rx.Component:
    return rx.vstack(
        rx.link("← ", ShowState.event_title, href=routes.event_url(ShowState.event_id), size="2"),
        rx.skeleton(
            rx.heading(ShowState.event_title, size="7", min_height="1.2em"),
            loading=ShowState.loading,
        ),
        rx.text(
            ShowState.starts,
            your_time(ShowState.starts_utc, ShowState.zone),
            " · ",
            ShowState.venue,
            color_scheme="gray",
            id="show-when",
        ),
        rx.cond(
            ShowState.sales_note != "",
            rx.callout(
                ShowState.sales_note,
                icon="circle-alert",
                color_scheme="orange",
                size="3",
                id="sales-note",
            ),
        ),
        rx.cond(ShowState.presale | ShowState.has_hidden, _access_code()),
        _waiting_list(),
        # The map mounts at once (it fetches its layout while the state loads) unless the
        # show turns out not to be on sale (a presale opens it to an accepted access code).
        rx.cond(
            ShowState.loading | ShowState.on_sale | (ShowState.access_code != ""),
            _buying(),  # the page's message is in its summary card
            message_box(ShowState.message, ShowState.message_is_error, id="show-message"),
        ),
        _replace_dialog(),
        spacing="3",
        width="100%",
    )


@page(
    route=routes.SHOW_PAGE,
    title="Choose your seats — ticketapp",
    on_load=[SessionState.restore, ShowState.load, WaitingListState.load, WaitingRoomState.enter],
)
@template(max_width="1400px")
def show_page() -> rx.Component:
    # The map mounts at once and fetches its layout while the show's state loads.
    return rx.cond(
        ShowState.not_found,
        not_found("Show"),
        # While the show's waiting room holds this visitor back, the queue replaces the map.
        rx.cond(WaitingRoomState.active, waiting_room_panel(), _content()),
    )
