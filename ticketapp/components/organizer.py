"""Pieces the dashboard pages share: the section navigation, page states, figures, charts."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from ticketapp import routes
from ticketapp.components.common import loading_block
from ticketapp.components.forms import labelled
from ticketapp.state.organizer import CategoryLine, Stat

CHART_COLOR = "#5b5bd6"  # iris 9, the accent: SVG fills do not take CSS variables everywhere
STATUS_COLORS = {
    "published": "green",
    "draft": "gray",
    "cancelled": "red",
    "scheduled": "green",
    "confirmed": "green",
    "past": "gray",
    "started": "orange",
}


def status_badge(status: rx.Var, **props) -> rx.Component:
    return rx.badge(
        status,
        color_scheme=rx.match(status, *[(k, v) for k, v in STATUS_COLORS.items()], "gray"),
        variant="soft",
        # Soft badges' text falls below 4.5:1 on some colours; high contrast keeps the colour.
        high_contrast=True,
        **props,
    )


def _nav_link(label: str, href: str, icon: str, active: bool) -> rx.Component:
    return rx.link(
        rx.button(
            rx.icon(icon, size=16),
            label,
            variant="soft" if active else "ghost",
            color_scheme="iris" if active else "gray",
        ),
        href=href,
        underline="none",
    )


def dashboard_nav(active: str) -> rx.Component:
    return rx.hstack(
        _nav_link("Overview", routes.ORGANIZER, "layout-dashboard", active == "overview"),
        _nav_link("Events", routes.ORGANIZER_EVENTS, "calendar", active == "events"),
        _nav_link("Layouts", routes.ORGANIZER_LAYOUTS, "armchair", active == "layouts"),
        _nav_link("Door staff", routes.ORGANIZER_DOOR_STAFF, "scan-line", active == "door-staff"),
        _nav_link("Door", routes.DOOR, "door-open", False),
        spacing="2",
        wrap="wrap",
        id="dashboard-nav",
        class_name="no-print",
    )


def page_header(
    title: rx.Var | str,
    *actions: rx.Component,
    back: tuple[str | rx.Var, str] | None = None,
    badge: rx.Component | None = None,
) -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.link("← " + back[1], href=back[0], size="2") if back else rx.fragment(),
            rx.hstack(
                rx.heading(title, size="7", id="page-title"),
                badge or rx.fragment(),
                align="center",
                wrap="wrap",
            ),
            spacing="1",
        ),
        rx.spacer(),
        rx.hstack(*actions, spacing="2", wrap="wrap", align="center"),
        width="100%",
        align="end",
        spacing="3",
        wrap="wrap",
    )


def dashboard_page(active: str, state, content: rx.Component) -> rx.Component:
    """The dashboard's frame: navigation, then the page's error, loading or content."""
    return rx.vstack(
        dashboard_nav(active),
        rx.cond(
            state.error != "",
            rx.callout(
                state.error,
                icon="shield-alert",
                color_scheme="red",
                id="dashboard-error",
                width="100%",
            ),
            rx.cond(state.loading, loading_block(), content),
        ),
        spacing="4",
        width="100%",
    )


def stat_card(stat: Stat) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(stat.label, size="2", color_scheme="gray"),
            rx.text(stat.value, size="6", weight="bold", class_name="stat-value"),
            rx.text(stat.note, size="1", color_scheme="gray"),
            spacing="1",
        ),
        class_name="stat-card",
        data_label=stat.label,
    )


def stat_grid(stats: rx.Var) -> rx.Component:
    return rx.grid(
        rx.foreach(stats, stat_card),
        columns=rx.breakpoints(initial="2", sm="3", lg="5"),
        spacing="3",
        width="100%",
        id="stats",
    )


def sales_chart(data: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Sales over time", size="4", as_="h2"),
            rx.cond(
                data.length() > 0,
                rx.recharts.bar_chart(
                    rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
                    rx.recharts.x_axis(data_key="day"),
                    rx.recharts.y_axis(width=48),
                    rx.recharts.tooltip(),
                    rx.recharts.bar(
                        data_key="revenue", name="Revenue", fill=CHART_COLOR, max_bar_size=48
                    ),
                    data=data,
                    width="100%",
                    height=240,
                ),
                rx.center(
                    rx.text("No sales yet.", color_scheme="gray"),
                    height="120px",
                    width="100%",
                ),
            ),
            width="100%",
            spacing="3",
        ),
        width="100%",
        id="sales-chart",
    )


def category_table(lines: rx.Var) -> rx.Component:
    def row(line: CategoryLine) -> rx.Component:
        return rx.table.row(
            rx.table.cell(line.name),
            rx.table.cell(line.sold, " / ", line.places),
            rx.table.cell(
                rx.hstack(
                    rx.progress(
                        value=line.occupancy,
                        width="80px",
                        aria_label="Occupancy of " + line.name,
                    ),
                    rx.text(line.occupancy, "%", size="1"),
                    align="center",
                )
            ),
            rx.table.cell(line.revenue, class_name="category-revenue"),
            data_category=line.name,
        )

    return rx.card(
        rx.vstack(
            rx.heading("By price category", size="4", as_="h2"),
            rx.cond(
                lines.length() > 0,
                rx.box(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                rx.table.column_header_cell("Category"),
                                rx.table.column_header_cell("Sold"),
                                rx.table.column_header_cell("Occupancy"),
                                rx.table.column_header_cell("Revenue"),
                            )
                        ),
                        rx.table.body(rx.foreach(lines, row)),
                        width="100%",
                        size="1",
                    ),
                    class_name="table-scroll",
                    tab_index=0,
                    role="region",
                    aria_label="Sales by price category",
                ),
                rx.text("No showtimes yet.", color_scheme="gray"),
            ),
            width="100%",
            spacing="3",
        ),
        width="100%",
        id="category-breakdown",
    )


def data_table(
    headers: tuple[str, ...], items: rx.Var, row: Callable[[rx.Var], rx.Component]
) -> rx.Component:
    """The dashboard's tables: a header row, one `row(item)` per item, scrolling on phones.

    An empty header is a column of buttons: it is named "Actions" for screen readers. The
    scrolling box is focusable (a keyboard scrolls it) and named by its first header.
    """
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(
                            h or rx.el.span("Actions", class_name="sr-only")
                        )
                        for h in headers
                    ]
                )
            ),
            rx.table.body(rx.foreach(items, row)),
            class_name="org-table",
            size="2",
        ),
        class_name="table-scroll",
        tab_index=0,
        role="region",
        aria_label="Table: " + ", ".join(h for h in headers if h),
    )


def empty_state(icon: str, text: str, *actions: rx.Component) -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon(icon, size=40, color=rx.color("gray", 9)),
            rx.text(text, size="3", color_scheme="gray", text_align="center"),
            rx.hstack(*actions, spacing="2"),
            align="center",
            spacing="3",
        ),
        padding="3em 1em",
        width="100%",
    )


def field(label: str, control: rx.Component, hint: str = "") -> rx.Component:
    """A dashboard form field: `control` must carry an id, its `<label for>` names it."""
    if not control.id:
        raise ValueError(f"field {label!r}: the control needs an id for its label")
    return labelled(label, control, id=str(control.id), hint=hint)


def form_error(text: rx.Var, id: str = "form-error") -> rx.Component:
    # Always in the page, so that the message is announced when it appears (role=alert);
    # the form's fields point at it with aria-describedby.
    return rx.el.div(
        rx.cond(text != "", rx.callout(text, icon="circle-alert", color_scheme="red")),
        role="alert",
        id=id,
        width="100%",
    )
