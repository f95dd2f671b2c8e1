"""The seat map of a show: the static layout once, then a compact status per seat.

A map has two very different parts. The layout (labels, grid positions, categories, prices)
never changes after the show is created, so a page loads it once. The statuses change with
every click anywhere, so `seat_statuses` returns only `{seat_id: status}` — small enough to
poll or broadcast often.

Invariant: the status read here agrees with what a claim would do at the same `now`: a seat
held past its `held_until` reads "available" (it is sellable), whether or not the sweeper has
tidied it. These are plain reads without locks: a map is a picture of one moment, and the
claim itself is what decides. An available place of a hidden category reads "hidden" (not for
sale to the public, `hidden_categories`): the statuses are shared by every viewer, and a
viewer whose access code unlocks it turns it back into "available" on their own copy.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ticketapp.booking._tx import moment, run
from ticketapp.booking.inventory import ACTIVE, load_show, sellable
from ticketapp.booking.results import (
    CategoryInfo,
    GeneralAdmissionSection,
    SeatInfo,
    SeatMap,
    ShowInfo,
)
from ticketapp.models import Hold, PriceCategory, SeatStatus, ShowSeat

AVAILABLE, HELD, BOOKED, BLOCKED, MINE = "available", "held", "booked", "blocked", "mine"
HIDDEN = "hidden"  # available, but only to holders of an access code that unlocks its category


def seat_map(show_id: int, *, db: Engine | None = None) -> SeatMap:
    """Everything needed to draw the show's map, except who holds what."""

    def work(session: Session) -> SeatMap:
        show, event = load_show(session, show_id)
        categories = session.exec(
            select(PriceCategory)
            .where(PriceCategory.show_id == show_id)
            .order_by(PriceCategory.rank, PriceCategory.price_cents.desc(), PriceCategory.id)
        ).all()
        seats = session.exec(
            select(ShowSeat)
            .where(ShowSeat.show_id == show_id)
            .order_by(
                ShowSeat.is_general_admission,
                ShowSeat.section,
                ShowSeat.y,
                ShowSeat.x,
                ShowSeat.number,
            )
        ).all()
        areas = session.exec(
            select(ShowSeat.section, func.min(ShowSeat.category_id), func.count(ShowSeat.id))
            .where(ShowSeat.show_id == show_id, ShowSeat.is_general_admission.is_(True))
            .group_by(ShowSeat.section)
            .order_by(ShowSeat.section)
        ).all()
        return SeatMap(
            show=ShowInfo(
                show_id=show.id,
                event_id=event.id,
                event_title=event.title,
                venue_name=event.venue_name,
                venue_address=event.venue_address,
                starts_at=show.starts_at,
                sales_open_at=show.sales_open_at,
                sales_close_at=show.sales_close_at,
                hold_seconds=show.hold_seconds,
                max_seats_per_customer=show.max_seats_per_customer,
                status=show.status,
                event_status=event.status,
                organizer_id=event.organizer_id,
                timezone=event.timezone,
            ),
            categories=tuple(
                CategoryInfo(c.id, c.name, c.price_cents, c.currency, c.color, c.rank, c.hidden)
                for c in categories
            ),
            seats=tuple(
                SeatInfo(
                    id=s.id,
                    label=s.label,
                    section=s.section,
                    row_label=s.row_label,
                    number=s.number,
                    x=s.x,
                    y=s.y,
                    category_id=s.category_id,
                    accessible=s.accessible,
                    companion=s.companion,
                    is_general_admission=s.is_general_admission,
                )
                for s in seats
            ),
            general_admission=tuple(
                GeneralAdmissionSection(section, category_id, capacity)
                for section, category_id, capacity in areas
            ),
        )

    return run(db, work)


def seat_statuses(
    show_id: int,
    *,
    viewer_id: int | None = None,
    now: datetime | None = None,
    db: Engine | None = None,
) -> dict[int, str]:
    """`{seat_id: "available"|"held"|"booked"|"blocked"|"mine"|"hidden"}` for every place of
    the show.

    "mine" marks seats in the viewer's live hold; "hidden" an available place of a hidden
    category.
    """
    now = moment(now)

    def work(session: Session) -> dict[int, str]:
        load_show(session, show_id)  # NotFound for an unknown show, not an empty map
        mine: set[int] = set()
        if viewer_id is not None:
            mine = set(
                session.exec(
                    select(Hold.id).where(
                        Hold.show_id == show_id,
                        Hold.user_id == viewer_id,
                        Hold.status == ACTIVE,
                        Hold.expires_at > now,
                    )
                )
            )
        hidden = set(
            session.exec(
                select(PriceCategory.id).where(
                    PriceCategory.show_id == show_id, PriceCategory.hidden.is_(True)
                )
            )
        )
        statuses: dict[int, str] = {}
        for seat_id, status, hold_id, held_until, category_id in session.exec(
            select(
                ShowSeat.id,
                ShowSeat.status,
                ShowSeat.hold_id,
                ShowSeat.held_until,
                ShowSeat.category_id,
            ).where(ShowSeat.show_id == show_id)
        ):
            if status == SeatStatus.HELD:
                if held_until is None or held_until <= now:
                    status = AVAILABLE
                elif hold_id in mine:
                    status = MINE
            if status == AVAILABLE and category_id in hidden:
                status = HIDDEN
            statuses[seat_id] = status
        return statuses

    return run(db, work)


def general_admission_available(
    show_id: int, *, now: datetime | None = None, db: Engine | None = None
) -> dict[str, int]:
    """Places still sellable in each standing area: `{section: count}`."""
    now = moment(now)

    def work(session: Session) -> dict[str, int]:
        load_show(session, show_id)
        rows = session.exec(
            select(ShowSeat.section, func.count(ShowSeat.id).filter(sellable(now)))
            .where(ShowSeat.show_id == show_id, ShowSeat.is_general_admission.is_(True))
            .group_by(ShowSeat.section)
        ).all()
        return dict(rows)

    return run(db, work)
