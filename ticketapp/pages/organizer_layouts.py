"""Seat layouts on the dashboard: the list, and the editor with its live preview."""

from __future__ import annotations

import reflex as rx

from ticketapp import routes
from ticketapp.components.common import message_box
from ticketapp.components.forms import labelled
from ticketapp.components.layout import template
from ticketapp.components.organizer import dashboard_page, data_table, empty_state, page_header
from ticketapp.components.seat_map import seat_map
from ticketapp.pages.registry import page
from ticketapp.state.layout_editor import LayoutEditorState, LayoutLine, LayoutsState, SectionDraft
from ticketapp.state.session import SessionState

E = LayoutEditorState


def _new_layout_button() -> rx.Component:
    return rx.link(
        rx.button(rx.icon("plus", size=16), "New layout", id="new-layout"),
        href=routes.ORGANIZER_NEW_LAYOUT,
    )


def _layout_row(layout: LayoutLine) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(layout.name, href=layout.url, weight="medium")),
        rx.table.cell(layout.sections),
        rx.table.cell(layout.places),
        rx.table.cell(layout.shows),
        rx.table.cell(layout.created),
        rx.table.cell(rx.link(rx.button("Edit", size="1", variant="soft"), href=layout.url)),
        class_name="layout-row",
        data_name=layout.name,
    )


@page(
    route=routes.ORGANIZER_LAYOUTS,
    title="Seat layouts — ticketapp",
    on_load=[SessionState.restore, LayoutsState.load],
)
@template()
def layouts_page() -> rx.Component:
    return dashboard_page(
        "layouts",
        LayoutsState,
        rx.vstack(
            page_header("Seat layouts", _new_layout_button()),
            rx.text(
                "A layout is your hall: sections of seats, aisles, wheelchair places and "
                "standing areas. Every showtime gets its own copy of the seats; editing a "
                "layout updates its upcoming showtimes, never a seat that is already sold.",
                color_scheme="gray",
                size="2",
            ),
            rx.card(
                rx.cond(
                    LayoutsState.layouts.length() > 0,
                    data_table(
                        (
                            "Name",
                            "Sections",
                            "Places",
                            "Upcoming shows",
                            "Created",
                            "",
                        ),
                        LayoutsState.layouts,
                        _layout_row,
                    ),
                    empty_state("armchair", "No layouts yet.", _new_layout_button()),
                ),
                width="100%",
            ),
            spacing="4",
            width="100%",
        ),
    )


# The section's fields are labelled by wrapping (`<label>text<input></label>`): they repeat per
# section, so they have no ids to point a `for` at; each section card is a named group.
def _number(index: rx.Var, field: str, label: str, value: rx.Var) -> rx.Component:
    return rx.el.label(
        rx.text(label, size="1", class_name="editor-label"),
        rx.input(
            type="number",
            value=value.to_string(),
            on_change=E.update_section(index, field),
            debounce_timeout=500,
            size="1",
            width="100%",
            class_name=f"section-{field.replace('_', '-')}",
        ),
        class_name="field-label",
        flex="1 1 80px",
    )


def _text(index: rx.Var, field: str, label: str, value: rx.Var, flex: str = "") -> rx.Component:
    return rx.el.label(
        rx.text(label, size="1", class_name="editor-label"),
        rx.input(
            value=value,
            on_change=E.update_section(index, field),
            debounce_timeout=500,
            size="1",
            width="100%",
            class_name=f"section-{field.replace('_', '-')}",
        ),
        class_name="field-label",
        **({"flex": flex} if flex else {}),
    )


def _section(draft: SectionDraft, index: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.badge(rx.cond(draft.standing, "Standing area", "Seated block"), variant="soft"),
                rx.spacer(),
                rx.button(
                    rx.icon("trash-2", size=14),
                    size="1",
                    variant="ghost",
                    color_scheme="red",
                    on_click=E.remove_section(index),
                    aria_label="Remove section",
                    disabled=E.sections.length() <= 1,
                ),
                width="100%",
                align="center",
            ),
            rx.flex(
                _text(index, "name", "Section name", draft.name, flex="1 1 140px"),
                _text(index, "category", "Price category", draft.category, flex="1 1 140px"),
                spacing="2",
                width="100%",
                wrap="wrap",
            ),
            rx.cond(
                draft.standing,
                rx.flex(
                    _number(index, "capacity", "Capacity", draft.capacity),
                    width="100%",
                ),
                rx.vstack(
                    rx.flex(
                        _number(index, "rows", "Rows", draft.rows),
                        _number(index, "seats_per_row", "Seats per row", draft.seats_per_row),
                        _number(index, "x0", "Left offset", draft.x0),
                        _number(index, "y0", "Top offset", draft.y0),
                        spacing="2",
                        width="100%",
                        wrap="wrap",
                    ),
                    _text(
                        index,
                        "row_names",
                        "Row names, front first (rename rows here)",
                        draft.row_names,
                    ),
                    _text(
                        index,
                        "aisles",
                        "Aisle after seat numbers (e.g. 4, 12)",
                        draft.aisles,
                    ),
                    width="100%",
                    spacing="2",
                ),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="section-card",
        data_index=index,
        role="group",
        aria_label="Section " + (index + 1).to_string(),
    )


def _tools() -> rx.Component:
    return rx.hstack(
        rx.text("Click seats to mark:", size="2", weight="medium"),
        rx.segmented_control.root(
            rx.segmented_control.item("Seat", value="seat"),
            rx.segmented_control.item("Gap", value="gap"),
            rx.segmented_control.item("Blocked", value="blocked"),
            rx.segmented_control.item("Wheelchair", value="accessible"),
            rx.segmented_control.item("Companion", value="companion"),
            value=E.tool,
            on_change=E.set_tool,
            id="editor-tool",
            # Five tools do not fit a phone's width at the default size.
            size=rx.breakpoints(initial="1", sm="2"),
            max_width="100%",
            aria_label="What a click on a seat marks",
        ),
        wrap="wrap",
        align="center",
        spacing="2",
    )


def _editor() -> rx.Component:
    return rx.vstack(
        page_header(
            E.heading,
            rx.button("Save layout", on_click=E.save, loading=E.busy, id="save-layout"),
            back=(routes.ORGANIZER_LAYOUTS, "Seat layouts"),
        ),
        message_box(E.message, E.message_is_error, id="layout-message"),
        rx.cond(
            E.upcoming_shows > 0,
            rx.callout(
                rx.text(
                    "Saving updates the ",
                    E.upcoming_shows,
                    " upcoming showtimes that use this layout. A change that would remove, "
                    "block or re-price a sold or held seat is refused, naming the seats.",
                ),
                icon="info",
                width="100%",
            ),
        ),
        rx.flex(
            rx.vstack(
                labelled(
                    "Layout name",
                    rx.input(
                        value=E.name,
                        on_change=E.set_name,
                        debounce_timeout=300,
                        placeholder="e.g. Town Hall, main floor",
                        id="layout-name",
                        width="100%",
                    ),
                    id="layout-name",
                ),
                rx.foreach(E.sections, _section),
                rx.hstack(
                    rx.button(
                        rx.icon("plus", size=14),
                        "Seated block",
                        variant="soft",
                        on_click=E.add_section(False),
                        id="add-section",
                    ),
                    rx.button(
                        rx.icon("plus", size=14),
                        "Standing area",
                        variant="soft",
                        on_click=E.add_section(True),
                        id="add-standing",
                    ),
                    spacing="2",
                ),
                flex="1 1 340px",
                max_width=["100%", "100%", "420px"],
                spacing="3",
            ),
            rx.vstack(
                rx.hstack(
                    rx.heading("Preview", size="4", as_="h2"),
                    rx.text(E.seat_count, " seats", size="2", color_scheme="gray", id="seat-count"),
                    rx.cond(
                        E.standing_places > 0,
                        rx.text(
                            "+ ",
                            E.standing_places,
                            " standing places",
                            size="2",
                            color_scheme="gray",
                        ),
                    ),
                    align="baseline",
                    spacing="2",
                ),
                rx.cond(
                    E.problem != "",
                    rx.callout(
                        E.problem,
                        icon="triangle-alert",
                        color_scheme="orange",
                        size="1",
                        id="layout-problem",
                        width="100%",
                    ),
                ),
                _tools(),
                seat_map(
                    layout=E.preview_layout,
                    statuses=E.preview_statuses,
                    mode="edit",
                    on_toggle=E.click_seat,
                    id="layout-preview",
                ),
                rx.text(
                    "This is the seat map your customers will see. Dashed cells are gaps.",
                    size="1",
                    color_scheme="gray",
                ),
                flex="2 1 480px",
                min_width="0",
                spacing="3",
            ),
            spacing="5",
            wrap="wrap",
            align="start",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


@page(
    route=routes.ORGANIZER_LAYOUT_PAGE,
    title="Layout editor — ticketapp",
    on_load=[SessionState.restore, E.load],
)
@template(max_width="1400px")
def layout_editor_page() -> rx.Component:
    return dashboard_page("layouts", E, _editor())
