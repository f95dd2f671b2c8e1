"""The CSV export is one picture of one moment, even while people keep booking."""

from __future__ import annotations

import csv
import io

from sqlalchemy import event

from tests.engine.conftest import NOW, build_show, make_users
from ticketapp.booking import bookings_csv, confirm_hold, hold_seats
from ticketapp.booking import exports as exports_module


def test_a_booking_made_while_the_export_runs_neither_repeats_nor_drops_a_row(
    pg_engine, monkeypatch
):
    venue = build_show(pg_engine)
    buyers = make_users(pg_engine, 6)

    def book(buyer: int, seat: str) -> str:
        held = hold_seats(buyer, venue.show_id, venue.ids(seat), now=NOW, db=pg_engine)
        return confirm_hold(held.hold_id, user_id=buyer, now=NOW, db=pg_engine).code

    before = [book(b, f"A{i}") for i, b in enumerate(buyers[:5], start=1)]
    # Small pages, should the export page: the race below then crosses a page boundary.
    monkeypatch.setattr(exports_module, "PAGE", 2, raising=False)
    made: list[str] = []

    def book_once_the_export_has_read_bookings(conn, cursor, statement, *args) -> None:
        # The export has just read (some of) the bookings: someone books right now, committed
        # on another connection, before the export reads on.
        if not made and statement.lstrip().upper().startswith("SELECT") and "booking" in statement:
            made.append("booking")  # first: the booking's own statements must not re-enter
            made.append(book(buyers[5], "B1"))

    event.listen(pg_engine, "after_cursor_execute", book_once_the_export_has_read_bookings)
    try:
        export = bookings_csv(venue.event_id, actor=venue.organizer, db=pg_engine)
    finally:
        event.remove(pg_engine, "after_cursor_execute", book_once_the_export_has_read_bookings)

    codes = [row["booking_code"] for row in csv.DictReader(io.StringIO(export.text))]
    assert made, "the race did not happen"
    assert sorted(codes) == sorted(before)  # each booking of that moment exactly once
    assert export.rows == len(before)
