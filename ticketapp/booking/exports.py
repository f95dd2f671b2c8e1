"""The organizer's CSV export of an event's bookings.

Invariant: the export holds exactly the bookings the same filter lists on screen
(`reports.bookings_query` with the same show, status and search), every page of them, in the
same order, as they were at one moment — and only for the event's organizer or an admin.

Why one statement: the bookings are read with a single SELECT (a single snapshot, whatever
the isolation level), not page by page — pages read in separate transactions shift when a
booking is made during the export and then repeat or skip rows. The seat labels are read in
the same transaction; a booking's tickets never go away, so they match the rows read.

A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@` (or a tab / carriage return) as a
formula, and buyer names come from customers: such cells get a leading apostrophe (the OWASP
advice against CSV injection), so they read as text.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ticketapp.booking._tx import run
from ticketapp.booking.access import Actor, managed_event
from ticketapp.booking.reports import (
    booking_rows,
    bookings_query,
    newest_first,
)
from ticketapp.booking.results import BookingRow
from ticketapp.models import ShowSeat, Ticket
from ticketapp.timezones import to_local

COLUMNS = (
    "booking_code",
    "show_starts_at",
    "buyer_name",
    "buyer_email",
    "status",
    "tickets",
    "seats",
    "total",
    "currency",
    "booked_at",
    "cancelled_at",
    "ticket_types",  # "Adult x2; Child x1"; empty for categories without ticket types
    "promo_code",
    "discount",  # total is already after it
)


@dataclass(frozen=True)
class BookingsExport:
    filename: str
    text: str
    rows: int


def _cell(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _when(moment: datetime | None, zone: str) -> str:
    """ISO 8601 on the venue's clock, with its offset: what the hall's staff read, and exact."""
    return to_local(moment, zone).isoformat(timespec="seconds") if moment else ""


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _seat_labels(
    session: Session, booking_ids: list[int]
) -> tuple[dict[int, list[str]], dict[int, Counter[str]]]:
    """Each booking's seat labels, and how many of its tickets sold as each ticket type."""
    labels: dict[int, list[str]] = defaultdict(list)
    types: dict[int, Counter[str]] = defaultdict(Counter)
    for start in range(0, len(booking_ids), 1000):
        for booking_id, label, type_name in session.exec(
            select(Ticket.booking_id, ShowSeat.label, Ticket.ticket_type)
            .join(ShowSeat, ShowSeat.id == Ticket.show_seat_id)
            .where(Ticket.booking_id.in_(booking_ids[start : start + 1000]))
            .order_by(ShowSeat.section, ShowSeat.y, ShowSeat.x, ShowSeat.number)
        ).all():
            labels[booking_id].append(label)
            if type_name:
                types[booking_id][type_name] += 1
    return labels, types


def bookings_csv(
    event_id: int,
    *,
    actor: Actor,
    show_id: int | None = None,
    status: str | None = None,
    search: str = "",
    db: Engine | None = None,
) -> BookingsExport:
    """Every booking of the event matching the filter, as CSV text (UTF-8, header first)."""

    def work(
        session: Session,
    ) -> tuple[list[BookingRow], tuple[dict[int, list[str]], dict[int, Counter[str]]]]:
        managed_event(session, event_id, actor)
        query = bookings_query(event_id, show_id=show_id, status=status, search=search)
        rows = booking_rows(session.exec(newest_first(query)).all())
        return rows, _seat_labels(session, [r.id for r in rows])

    rows, (seats, types) = run(db, work)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow(
            [
                r.code,
                _when(r.starts_at, r.timezone),
                _cell(r.buyer_name),
                _cell(r.buyer_email),
                r.status,
                r.ticket_count,
                _cell("; ".join(seats.get(r.id, []))),
                _money(r.total_cents),
                r.currency,
                _when(r.created_at, r.timezone),
                _when(r.cancelled_at, r.timezone),
                _cell("; ".join(f"{name} x{n}" for name, n in types.get(r.id, Counter()).items())),
                _cell(r.promo_code),
                _money(r.discount_cents),
            ]
        )
    suffix = f"-show-{show_id}" if show_id else ""
    return BookingsExport(f"bookings-event-{event_id}{suffix}.csv", out.getvalue(), len(rows))
