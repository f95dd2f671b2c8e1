"""The organizer's waiting-room card on a show's dashboard page: settings and live figures."""

from __future__ import annotations

import reflex as rx

from ticketapp.components.common import message_box
from ticketapp.state.queue_admin import QueueAdminState as Q


def _figure(label: str, value: rx.Var, id: str) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.text(value, size="5", weight="bold", id=id),
        spacing="0",
        min_width="110px",
    )


def _field(label: str, name: str, value: rx.Var, hint: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"queue-{name}", class_name="rt-Text rt-r-size-2"),
        rx.input(
            name=name,
            id=f"queue-{name}",
            default_value=value,
            input_mode="numeric",
            placeholder=hint,
            width="140px",
        ),
        spacing="1",
    )


def queue_admin_card() -> rx.Component:
    return rx.cond(
        Q.available,
        rx.card(
            rx.vstack(
                rx.heading("Queue on-sale", size="4"),
                rx.text(
                    "Put the on-sale behind a waiting room: visitors queue from before the "
                    "sales open (those early are put in random order at on-sale) and are let in "
                    "at your rate or up to your cap of shoppers.",
                    size="2",
                    color_scheme="gray",
                ),
                message_box(Q.message, Q.message_is_error, id="queue-admin-message"),
                rx.form(
                    rx.flex(
                        rx.hstack(
                            # A native checkbox: its value is in the submitted form as is.
                            rx.el.input(
                                type="checkbox",
                                name="enabled",
                                id="queue-enabled",
                                default_checked=Q.enabled,
                            ),
                            rx.el.label(
                                "Queue on-sale",
                                html_for="queue-enabled",
                                class_name="rt-Text rt-r-size-2",
                            ),
                            align="center",
                            spacing="2",
                        ),
                        _field("Admit per minute", "per_minute", Q.per_minute, "e.g. 300"),
                        _field("Or at most active", "max_active", Q.max_active, "e.g. 500"),
                        _field("Shopping minutes", "pass_minutes", Q.pass_minutes, "10"),
                        rx.button("Save queue settings", type="submit", id="queue-save"),
                        gap="4",
                        wrap="wrap",
                        align="end",
                    ),
                    on_submit=Q.save,
                    # Remounted when the saved settings arrive, so the inputs show them.
                    key=Q.show_id.to_string() + Q.per_minute + Q.max_active + Q.enabled.to_string(),
                ),
                rx.cond(
                    Q.enabled,
                    rx.vstack(
                        rx.flex(
                            _figure("In the queue", Q.waiting, "queue-waiting"),
                            _figure("Admitted", Q.admitted, "queue-admitted"),
                            _figure("Shopping now", Q.active, "queue-active"),
                            _figure("Admitted / min", Q.admitted_last_minute, "queue-rate"),
                            _figure("Sold / min", Q.sold_last_minute, "queue-sold"),
                            gap="4",
                            wrap="wrap",
                        ),
                        rx.button(
                            rx.cond(Q.paused, "Resume admission", "Pause admission"),
                            on_click=Q.toggle_pause,
                            variant="soft",
                            color_scheme=rx.cond(Q.paused, "green", "orange"),
                            id="queue-pause",
                        ),
                        rx.text("Places are kept in: ", Q.store, size="1", color_scheme="gray"),
                        spacing="3",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
            id="queue-admin",
        ),
    )
