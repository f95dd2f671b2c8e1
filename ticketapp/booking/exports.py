"""The organizer's CSV export of an event's bookings.

Invariant: the export holds exactly the bookings the same filter lists on screen
(`reports.event_bookings` with the same show, status and search), every page of them, in the
same order — and only for the event's organizer or an admin.

A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@` (or a tab / carriage return) as a
formula, and buyer names come from customers: such cells get a leading apostrophe (the OWASP
advice against CSV injection), so they read as text.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ticketapp.booking._tx import run
from ticketapp.booking.reports import ensure_can_manage_event, event_bookings
from ticketapp.booking.results import BookingRow
from ticketapp.models import ShowSeat, Ticket

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
)
PAGE = 500


@dataclass(frozen=True)
class BookingsExport:
    filename: str
    text: str
    rows: int


def _cell(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _when(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def _seat_labels(booking_ids: list[int], db: Engine | None) -> dict[int, list[str]]:
    def work(session: Session) -> dict[int, list[str]]:
        labels: dict[int, list[str]] = defaultdict(list)
        for start in range(0, len(booking_ids), 1000):
            for booking_id, label in session.exec(
                select(Ticket.booking_id, ShowSeat.label)
                .join(ShowSeat, ShowSeat.id == Ticket.show_seat_id)
                .where(Ticket.booking_id.in_(booking_ids[start : start + 1000]))
                .order_by(ShowSeat.section, ShowSeat.y, ShowSeat.x, ShowSeat.number)
            ).all():
                labels[booking_id].append(label)
        return labels

    return run(db, work)


def bookings_csv(
    event_id: int,
    *,
    actor_id: int,
    actor_role: str,
    show_id: int | None = None,
    status: str | None = None,
    search: str = "",
    db: Engine | None = None,
) -> BookingsExport:
    """Every booking of the event matching the filter, as CSV text (UTF-8, header first)."""
    ensure_can_manage_event(event_id, actor_id=actor_id, actor_role=actor_role, db=db)
    rows: list[BookingRow] = []
    while True:
        page, total = event_bookings(
            event_id,
            show_id=show_id,
            status=status,
            search=search,
            limit=PAGE,
            offset=len(rows),
            db=db,
        )
        rows += page
        if not page or len(rows) >= total:
            break
    seats = _seat_labels([r.id for r in rows], db)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow(
            [
                r.code,
                _when(r.starts_at),
                _cell(r.buyer_name),
                _cell(r.buyer_email),
                r.status,
                r.ticket_count,
                _cell("; ".join(seats.get(r.id, []))),
                f"{r.total_cents // 100}.{r.total_cents % 100:02d}",
                r.currency,
                _when(r.created_at),
                _when(r.cancelled_at),
            ]
        )
    suffix = f"-show-{show_id}" if show_id else ""
    return BookingsExport(f"bookings-event-{event_id}{suffix}.csv", out.getvalue(), len(rows))
