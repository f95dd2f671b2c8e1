"""The seat map in compact form, for renderers of 10,000-seat halls.

The static layout (arrays, one per seat) is drawn once; the statuses are one string with a
character per seat in the layout's order, small enough to resend on every change.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ticketapp.booking._tx import run
from ticketapp.booking.seatmap import seat_statuses
from ticketapp.formatting import money
from ticketapp.models import PriceCategory, Show, ShowSeat

STATUS_CODES = {
    "available": "a",
    "held": "h",
    "booked": "b",
    "blocked": "x",
    "mine": "m",
    "hidden": "r",  # available to holders of an access code only: the map draws it not for sale
}


def layout_url(show_id: int, version: int = 0) -> str:
    """Where the browser fetches the layout; the version makes an edited layout a new URL
    (version 0 keeps the plain URL the seat map derives from the page address)."""
    base = f"/api/v1/shows/{show_id}/seat-layout"
    return f"{base}?v={version}" if version else base


def inventory_version(show_id: int, *, db: Engine | None = None) -> int:
    return run(
        db,
        lambda session: (
            session.exec(select(Show.inventory_version).where(Show.id == show_id)).first() or 0
        ),
    )


@lru_cache(maxsize=64)
def _cached_layout(show_id: int, version: int, db: Engine | None) -> dict:
    return _encode(show_id, version, db)


def compact_layout(show_id: int, *, db: Engine | None = None) -> dict:
    """The static map in arrays: seats `[id, x, y, section, row, number, category, flags]`
    (flags: 1 wheelchair space, 2 companion seat), sorted by id — the order of `statuses`.

    Cached per process and per inventory version: only a layout edit changes a show's places
    (booking.layouts), and it bumps the show's version, so one cheap read of the version finds
    the current entry. Read with plain column tuples, not ORM objects: a 10,000-seat hall
    encodes in tens of milliseconds.
    """
    return _cached_layout(show_id, inventory_version(show_id, db=db), db)


def _encode(show_id: int, version: int, db: Engine | None) -> dict:
    def read(session: Session) -> tuple[list[tuple], list[tuple]]:
        categories = session.exec(
            select(
                PriceCategory.id,
                PriceCategory.name,
                PriceCategory.color,
                PriceCategory.price_cents,
                PriceCategory.currency,
                PriceCategory.hidden,
            )
            .where(PriceCategory.show_id == show_id)
            .order_by(PriceCategory.rank, PriceCategory.id)
        ).all()
        rows = session.exec(
            select(
                ShowSeat.id,
                ShowSeat.x,
                ShowSeat.y,
                ShowSeat.section,
                ShowSeat.row_label,
                ShowSeat.number,
                ShowSeat.category_id,
                ShowSeat.accessible,
                ShowSeat.companion,
            )
            .where(ShowSeat.show_id == show_id, ShowSeat.is_general_admission.is_(False))
            .order_by(ShowSeat.id)
        ).all()
        return list(categories), list(rows)

    categories, rows = run(db, read)
    cat_index = {c[0]: i for i, c in enumerate(categories)}
    sections: list[str] = []
    section_index: dict[str, int] = {}
    seats = []
    for seat_id, x, y, section, row, number, category_id, accessible, companion in rows:
        if section not in section_index:
            section_index[section] = len(sections)
            sections.append(section)
        flags = (1 if accessible else 0) | (2 if companion else 0)
        seats.append(
            [seat_id, x, y, section_index[section], row, number, cat_index[category_id], flags]
        )
    return {
        "show_id": show_id,
        "version": version,
        "sections": sections,
        "categories": [
            {
                "id": category_id,
                "name": name,
                "color": color,
                "price_cents": price_cents,
                "price_label": money(price_cents, currency),
                "hidden": hidden,
            }
            for category_id, name, color, price_cents, currency, hidden in categories
        ],
        "seats": seats,
        "width": max((s[1] for s in seats), default=0),
        "height": max((s[2] for s in seats), default=0),
    }


def versioned_status_string(
    show_id: int, *, viewer_id: int | None = None, db: Engine | None = None
) -> tuple[int, str]:
    """The layout version the statuses are in, and one character per numbered seat in
    seat-id order (that layout's order)."""
    layout = compact_layout(show_id, db=db)
    statuses = seat_statuses(show_id, viewer_id=viewer_id, db=db)
    text = "".join(STATUS_CODES[statuses.get(seat[0], "booked")] for seat in layout["seats"])
    return layout["version"], text


def status_string(show_id: int, *, viewer_id: int | None = None, db: Engine | None = None) -> str:
    """One character per numbered seat, in seat-id order (the layout's order)."""
    return versioned_status_string(show_id, viewer_id=viewer_id, db=db)[1]


@lru_cache(maxsize=64)
def _positions(show_id: int, version: int, db: Engine | None) -> dict[int, int]:
    return {seat[0]: i for i, seat in enumerate(_cached_layout(show_id, version, db)["seats"])}


def seat_positions(show_id: int, version: int, *, db: Engine | None = None) -> dict[int, int]:
    """Seat id -> its index in that version of the layout, and so in its status string.

    The caller names the version it holds (no database read: viewers call this on every
    change of the hall)."""
    return _positions(show_id, version, db)


@lru_cache(maxsize=256)
def _unlocked_positions(
    show_id: int, version: int, category_ids: frozenset[int], db: Engine | None
) -> tuple[int, ...]:
    layout = _cached_layout(show_id, version, db)
    wanted = {i for i, c in enumerate(layout["categories"]) if c["id"] in category_ids}
    return tuple(i for i, seat in enumerate(layout["seats"]) if seat[6] in wanted)


def unlock_statuses(
    statuses: str,
    show_id: int,
    version: int,
    category_ids: frozenset[int],
    *,
    db: Engine | None = None,
) -> str:
    """The shared status string as a viewer whose access code unlocks these hidden categories
    sees it: their "r" (hidden) places read "a" (available). An overlay, not a read: the
    positions are cached per layout version, so a change of the hall costs this viewer one
    pass over their places."""
    if not category_ids or "r" not in statuses:
        return statuses
    chars = list(statuses)
    for i in _unlocked_positions(show_id, version, category_ids, db):
        if i < len(chars) and chars[i] == "r":
            chars[i] = "a"
    return "".join(chars)
