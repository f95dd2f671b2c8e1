"""Bringing shows in line with their layout: how a layout change reaches existing shows.

Each show owns a snapshot of its layout: its `ShowSeat` rows, which holds and tickets point
at. Saving a layout (`layouts.save_layout`) brings every *upcoming, scheduled* show that uses it
in line, in the same transaction; shows that have started or were cancelled keep their
snapshot (they are history). Moving one show to another layout (`shows.edit_show`) does the
same for that show. A place is known by its name — section, row, number — the name printed on
a ticket, so renaming a row or a section removes places and adds others:
- a place no longer in the layout is deleted; one with ticket history (a cancelled booking)
  cannot be, since that sales record names it, so it stays on that show, blocked;
- new places are added, for sale at the show's price for their section's category; a show
  with no price for that category refuses the change (price it on the show first);
- positions, wheelchair and companion flags follow the layout, and so does "blocked";
- a standing area's places are interchangeable: a smaller capacity removes free places.

Invariant: a change never removes, blocks or re-prices a place that is sold (a live ticket)
or in a live hold. Such a change is refused as a whole with `LayoutConflict`, which names the
places. A buyer racing the edit cannot slip through either: every removal, block and category
change is one conditional statement over exactly those places (`... WHERE <sellable> RETURNING
id`, the rows locked in id order like every claim), and fewer rows back than asked means a buyer
got there first — the edit is rolled back and refused, naming them. Every change bumps the
show's inventory version, so cached seat-map layouts are fetched again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, update
from sqlmodel import Session, select

from ticketapp.booking.errors import Conflict
from ticketapp.booking.inventory import (
    locked_seat_ids,
    seat_update,
    sellable,
)
from ticketapp.booking.layout_plans import seat_label
from ticketapp.booking.results import LayoutSaved
from ticketapp.booking.waiting_list import offer_returned_seats
from ticketapp.formatting import show_time
from ticketapp.models import (
    Event,
    LayoutSeat,
    LayoutSection,
    PriceCategory,
    SeatStatus,
    Show,
    ShowSeat,
    Ticket,
)


class LayoutConflict(Conflict):
    """A layout change would remove, block or re-price places that are sold or held in
    existing shows; `places` names them (with the show)."""

    def __init__(self, places: list[str], *, raced: bool = False) -> None:
        self.places = places
        shown = ", ".join(places[:12]) + (
            f" and {len(places) - 12} more" if len(places) > 12 else ""
        )
        if raced:
            text = f"Customers have just taken some of these places, so nothing was saved: {shown}."
        else:
            text = (
                "This change would remove, block or re-price places that are sold or held in "
                f"existing shows, so nothing was saved: {shown}."
            )
        super().__init__(text)


def bring_layout_in_line(
    session: Session, layout_id: int, shows: list[Show], now: datetime
) -> LayoutSaved:
    """Plan every show's changes first (so a refusal names every place at once), then apply."""
    desired = _desired_places(session, layout_id)
    plans = [_plan_show(session, show, desired, now) for show in shows]
    conflicts = [place for plan in plans for place in plan.conflicts]
    if conflicts:
        raise LayoutConflict(conflicts)
    missing = [text for plan in plans for text in plan.missing_prices]
    if missing:
        raise Conflict(
            "Some shows of this layout have no price for a new category: "
            + "; ".join(missing)
            + ". Give those shows the price first (Showtimes → Edit), then save again."
        )
    added = removed = 0
    updated = []
    for plan in plans:
        if plan.changes():
            _apply(session, plan, now)
            updated.append(plan.show.id)
            added += len(plan.inserts)
            removed += len(plan.deletes) + len(plan.retire)
    return LayoutSaved(layout_id, tuple(updated), added, removed)


def bring_show_in_line(session: Session, show: Show, layout_id: int, now: datetime) -> None:
    """Give one show the places of `layout_id` (a show moved to another layout)."""
    plan = _plan_show(session, show, _desired_places(session, layout_id), now)
    if plan.conflicts:
        raise LayoutConflict(plan.conflicts)
    if plan.missing_prices:
        raise Conflict(
            "This show has no price for: "
            + "; ".join(plan.missing_prices)
            + ". Add those prices to the show first."
        )
    if plan.changes():
        _apply(session, plan, now)


@dataclass(frozen=True)
class _Place:
    x: int | None
    y: int | None
    accessible: bool
    companion: bool
    blocked: bool
    category: str


@dataclass
class _Desired:
    seats: dict[tuple[str, str, int], _Place]  # (section, row, number) of numbered seats
    standing: dict[str, tuple[int, str]]  # section -> (capacity, category)


def _desired_places(session: Session, layout_id: int) -> _Desired:
    sections = {
        s.id: s
        for s in session.exec(select(LayoutSection).where(LayoutSection.layout_id == layout_id))
    }
    seats = {}
    for seat in session.exec(select(LayoutSeat).where(LayoutSeat.layout_id == layout_id)):
        section = sections[seat.section_id]
        seats[(section.name, seat.row_label, seat.number)] = _Place(
            seat.x, seat.y, seat.accessible, seat.companion, seat.blocked, section.category
        )
    standing = {
        s.name: (s.capacity, s.category) for s in sections.values() if s.is_general_admission
    }
    return _Desired(seats, standing)


@dataclass
class _ShowPlan:
    show: Show
    conflicts: list[str] = field(default_factory=list)
    missing_prices: list[str] = field(default_factory=list)
    deletes: list[int] = field(default_factory=list)  # free places without ticket history
    retire: list[int] = field(default_factory=list)  # free places with ticket history: block
    block: list[int] = field(default_factory=list)
    unblock: list[int] = field(default_factory=list)
    recategorize: dict[int, list[int]] = field(default_factory=dict)  # category id -> places
    moves: list[dict[str, Any]] = field(default_factory=list)  # position and flag updates
    inserts: list[dict[str, Any]] = field(default_factory=list)
    zone: str = "UTC"  # the venue's: a conflict names the show by its time on that clock

    def changes(self) -> bool:
        return any(
            (
                self.deletes,
                self.retire,
                self.block,
                self.unblock,
                self.recategorize,
                self.moves,
                self.inserts,
            )
        )


def _plan_show(session: Session, show: Show, desired: _Desired, now: datetime) -> _ShowPlan:
    event = session.get(Event, show.event_id)
    plan = _ShowPlan(show, zone=event.timezone if event else "UTC")
    when = show_time(show.starts_at, plan.zone)
    category_id = {
        c.name: c.id
        for c in session.exec(select(PriceCategory).where(PriceCategory.show_id == show.id))
    }
    has_ticket = select(Ticket.id).where(Ticket.show_seat_id == ShowSeat.id).exists()
    places = session.exec(
        select(ShowSeat, has_ticket.label("has_ticket"))
        .where(ShowSeat.show_id == show.id)
        .order_by(ShowSeat.id)
    ).all()

    def busy(seat: ShowSeat) -> str:
        if seat.status == SeatStatus.BOOKED:
            return "sold"
        if seat.status == SeatStatus.HELD and seat.held_until and seat.held_until > now:
            return "held"
        return ""

    def refuse(seat: ShowSeat, why: str) -> None:
        plan.conflicts.append(f"{seat.label} ({why}, {when})")

    def price_of(category: str) -> int | None:
        if category not in category_id:
            text = f"{when} has no price for {category}"
            if text not in plan.missing_prices:
                plan.missing_prices.append(text)
            return None
        return category_id[category]

    def recategorize(seat: ShowSeat, category: str) -> None:
        new = price_of(category)
        if new is None or new == seat.category_id:
            return
        if busy(seat):
            refuse(seat, busy(seat))
        else:
            plan.recategorize.setdefault(new, []).append(seat.id)

    def remove(seat: ShowSeat, ticketed: bool) -> None:
        if busy(seat):
            refuse(seat, busy(seat))
        elif ticketed:
            if seat.status != SeatStatus.BLOCKED:
                plan.retire.append(seat.id)
        else:
            plan.deletes.append(seat.id)

    standing: dict[str, list[tuple[ShowSeat, bool]]] = defaultdict(list)
    kept: set[tuple[str, str, int]] = set()
    for seat, ticketed in places:
        if seat.is_general_admission:
            standing[seat.section].append((seat, bool(ticketed)))
            continue
        key = (seat.section, seat.row_label, seat.number)
        want = desired.seats.get(key)
        if want is None:
            remove(seat, bool(ticketed))
            continue
        kept.add(key)
        recategorize(seat, want.category)
        if want.blocked and seat.status != SeatStatus.BLOCKED:
            if busy(seat):
                refuse(seat, busy(seat))
            else:
                plan.block.append(seat.id)
        elif not want.blocked and seat.status == SeatStatus.BLOCKED:
            plan.unblock.append(seat.id)
        if (seat.x, seat.y, seat.accessible, seat.companion) != (
            want.x,
            want.y,
            want.accessible,
            want.companion,
        ):
            plan.moves.append(
                {
                    "_id": seat.id,
                    "_x": want.x,
                    "_y": want.y,
                    "_accessible": want.accessible,
                    "_companion": want.companion,
                }
            )
    for key, want in desired.seats.items():
        if key in kept:
            continue
        category = price_of(want.category)
        if category is None:
            continue
        section, row, number = key
        plan.inserts.append(
            _new_place(show.id, category, section, row, number, want.x, want.y, want.blocked)
            | {"accessible": want.accessible, "companion": want.companion}
        )
    for section in sorted(set(standing) | set(desired.standing)):
        capacity, category = desired.standing.get(section, (0, ""))
        priced = price_of(category) if capacity else None
        if capacity and priced is None:
            continue
        _plan_standing(plan, show.id, section, capacity, priced, standing[section], busy)
        if capacity:
            for seat, _ in standing[section]:
                recategorize(seat, category)
    return plan


def _plan_standing(
    plan: _ShowPlan,
    show_id: int,
    section: str,
    capacity: int,
    category_id: int | None,
    places: list[tuple[ShowSeat, bool]],
    busy: Callable[[ShowSeat], str],
) -> None:
    """Standing places are interchangeable: grow by adding (or unblocking retired) places,
    shrink by taking free ones away — never below what is sold or held."""
    active = [(s, t) for s, t in places if s.status != SeatStatus.BLOCKED]
    retired = [s for s, _ in places if s.status == SeatStatus.BLOCKED]
    if capacity > len(active):
        wanted = capacity - len(active)
        reuse = retired[:wanted]
        plan.unblock += [s.id for s in reuse]
        top = max((s.number for s, _ in places), default=0)
        plan.inserts += [
            _new_place(show_id, category_id, section, "", top + i, None, None, False)
            for i in range(1, wanted - len(reuse) + 1)
        ]
    elif capacity < len(active):
        taken = [s for s, _ in active if busy(s)]
        if len(taken) > capacity:
            plan.conflicts.append(
                f"{section}: {len(taken)} places are sold or held, more than a capacity of "
                f"{capacity} ({show_time(plan.show.starts_at, plan.zone)})"
            )
            return
        # Free places without ticket history go first (they can be deleted), highest first.
        free = sorted(
            ((s, t) for s, t in active if not busy(s)), key=lambda st: (st[1], -st[0].number)
        )
        for seat, ticketed in free[: len(active) - capacity]:
            (plan.retire if ticketed else plan.deletes).append(seat.id)


def _new_place(
    show_id: int,
    category_id: int,
    section: str,
    row: str,
    number: int,
    x: int | None,
    y: int | None,
    blocked: bool,
) -> dict[str, Any]:
    standing = x is None
    return {
        "show_id": show_id,
        "category_id": category_id,
        "section": section,
        "row_label": row,
        "number": number,
        "x": x,
        "y": y,
        "label": seat_label(section, row, number, standing),
        "accessible": False,
        "companion": False,
        "is_general_admission": standing,
        "status": SeatStatus.BLOCKED if blocked else SeatStatus.AVAILABLE,
        "version": 0,
    }


def _chunks(ids: list[int], size: int = 1000):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _conditional(session: Session, ids: list[int], *where: Any, **values: Any) -> None:
    """One conditional UPDATE per chunk; a place that no longer qualifies means a buyer took
    it between our read and this write: refuse the whole edit."""
    for chunk in _chunks(ids):
        done = set(session.exec(seat_update(ShowSeat.id.in_(chunk), *where, **values)).scalars())
        if len(done) < len(chunk):
            _raced(session, set(chunk) - done)


def _raced(session: Session, ids: set[int]) -> None:
    labels = session.exec(select(ShowSeat.label).where(ShowSeat.id.in_(ids))).all()
    raise LayoutConflict(sorted(labels) or [f"{len(ids)} places"], raced=True)


def _apply(session: Session, plan: _ShowPlan, now: datetime) -> None:
    show = plan.show
    free = sellable(now)
    no_ticket = ~select(Ticket.id).where(Ticket.show_seat_id == ShowSeat.id).exists()
    for chunk in _chunks(plan.deletes):
        locked = locked_seat_ids(ShowSeat.id.in_(chunk), free, no_ticket)
        gone = set(
            session.exec(
                delete(ShowSeat)
                .where(ShowSeat.id.in_(select(locked.c.id)), free, no_ticket)
                .returning(ShowSeat.id)
                .execution_options(synchronize_session=False)
            ).scalars()
        )
        if len(gone) < len(chunk):
            _raced(session, set(chunk) - gone)
    cleared = {"hold_id": None, "held_until": None, "booking_id": None}
    _conditional(session, plan.retire + plan.block, free, status=SeatStatus.BLOCKED, **cleared)
    _conditional(
        session,
        plan.unblock,
        ShowSeat.status == SeatStatus.BLOCKED,
        status=SeatStatus.AVAILABLE,
        **cleared,
    )
    for category_id, ids in plan.recategorize.items():
        _conditional(
            session, ids, free | (ShowSeat.status == SeatStatus.BLOCKED), category_id=category_id
        )
    if plan.moves:
        # Position and flags say nothing about who owns a place: no condition needed.
        table = ShowSeat.__table__
        session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values(
                x=bindparam("_x"),
                y=bindparam("_y"),
                accessible=bindparam("_accessible"),
                companion=bindparam("_companion"),
            ),
            plan.moves,
        )
    for start in range(0, len(plan.inserts), 5000):
        session.execute(insert(ShowSeat), plan.inserts[start : start + 5000])
    show.inventory_version += 1
    session.add(show)
    session.flush()
    # Unblocked and added places go to the waiting list first.
    offer_returned_seats(session.connection(), show.id, now)
