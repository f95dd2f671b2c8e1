"""The seat map component: a small local React component (assets/seatmap/seat_map.jsx).

The static layout is fetched once over HTTP (`/api/v1/shows/{id}/seat-layout`) and never
lives in Reflex state: state is serialized on every event, and a 10,000-seat layout there
would make every click slow. What changes — statuses — is one string with a character per
seat, in the layout's order (see ticketapp/booking/compact.py).

The organizer's dashboard uses the same component: `mode="view"` on a show's page, and the
layout editor passes its unsaved layout inline (`layout`, from `booking.layouts.preview`) with
`mode="edit"`, where every click goes to `on_toggle` and nothing is selected.
"""

from __future__ import annotations

import reflex as rx


class SeatMap(rx.Component):
    library = "$/public/seatmap/seat_map.jsx"
    tag = "SeatMap"

    layout_url: rx.Var[str]
    layout: rx.Var[dict]  # an inline layout instead of `layout_url` (the layout editor)
    mode: rx.Var[str]  # "select" (default) | "edit" | "view"
    token_key: rx.Var[str]  # localStorage name of the token to fetch a draft's layout with
    statuses: rx.Var[str]
    selected: rx.Var[list[int]]
    ack_seq: rx.Var[int]
    max_select: rx.Var[int]
    on_toggle: rx.EventHandler[lambda seat_id, seq: [seat_id, seq]]


seat_map = SeatMap.create


class Countdown(rx.Component):
    """Minutes and seconds left on a hold; fires `on_warn` once when its last minute starts
    (`booking.EXTEND_WINDOW`) and `on_expire` once when the time is up."""

    library = "$/public/seatmap/countdown.jsx"
    tag = "Countdown"

    expires_at: rx.Var[str]
    on_expire: rx.EventHandler[lambda: []]
    on_warn: rx.EventHandler[lambda: []]


countdown = Countdown.create
