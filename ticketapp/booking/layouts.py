"""Seat layouts: how an organizer describes a hall, and how a change reaches existing shows.

A layout is drawn on a grid. The editor describes each block of seats as a `SectionPlan`: rows
x seats per row at a grid offset, aisles, and a mark per seat (gap = no seat there, blocked,
wheelchair space, companion seat) — or a standing area with a capacity. `section_spec` turns a
plan into the seats `catalog.store_sections` writes, `get_layout_plans` reads a stored layout
back into plans, and `preview` draws plans in the seat map's compact format without touching
the database (so the editor shows an unsaved layout with the customers' own component).

How a change reaches shows. Each show owns a snapshot of its layout: its `ShowSeat` rows,
which holds and tickets point at. Saving a layout brings every *upcoming, scheduled* show that
uses it in line, in the same transaction; shows that have started or were cancelled keep their
snapshot (they are history). A place is known by its name — section, row, number — the name
printed on a ticket, so renaming a row or a section removes places and adds others:
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
got there first — the edit is rolled back and refused, naming them. A layout's own row is
locked FOR UPDATE while it is saved, and `create_show` reads it FOR SHARE, so a show created
during an edit gets either the old layout and the edit, or the new layout.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ticketapp.booking._tx import moment, run
from ticketapp.booking.catalog import (
    SeatSpec,
    SectionSpec,
    clean_layout_name,
    seat_label,
    store_sections,
)
from ticketapp.booking.errors import Conflict, InvalidRequest, NotAllowed, NotFound
from ticketapp.booking.inventory import locked_seat_ids, seat_update, sellable
from ticketapp.booking.results import LayoutSaved, LayoutSummary
from ticketapp.formatting import show_time
from ticketapp.models import (
    Layout,
    LayoutSeat,
    LayoutSection,
    PriceCategory,
    Role,
    SeatStatus,
    Show,
    ShowSeat,
    Ticket,
)

GAP, BLOCKED, ACCESSIBLE, COMPANION = "gap", "blocked", "accessible", "companion"
MARKS = (GAP, BLOCKED, ACCESSIBLE, COMPANION)
MAX_ROWS = 100
MAX_SEATS_PER_ROW = 200
MAX_OFFSET = 1000
MAX_STANDING = 50_000
MAX_SEATS = 20_000
MAX_SECTIONS = 30
# Category colours, in the order categories first appear in a layout: the editor's preview
# and the shows created from it use the same ones.
PALETTE = ("#8e4ec6", "#3e63dd", "#12a594", "#e54666", "#f76b15", "#ffc53d", "#0090ff", "#6e56cf")


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


def category_color(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


# --- the editor's description of a section ------------------------------------------------


@dataclass(frozen=True)
class SectionPlan:
    """One section as the editor sees it. Seat n of row r sits at grid column
    `x0 + n - 1 + (aisles before n)` and grid row `y0 + r` (0 = nearest the stage)."""

    name: str
    category: str
    rows: tuple[str, ...] = ()  # row labels, front row first
    seats_per_row: int = 0
    x0: int = 0
    y0: int = 0
    aisles_after: tuple[int, ...] = ()  # an empty column after these seat numbers
    marks: tuple[tuple[int, int, str], ...] = ()  # (row index, seat number, one of MARKS)
    standing: bool = False
    capacity: int = 0  # standing areas only

    def mark_of(self) -> dict[tuple[int, int], str]:
        return {(r, n): mark for r, n, mark in self.marks}

    def column(self, number: int) -> int:
        return self.x0 + number - 1 + sum(1 for a in self.aisles_after if a < number)

    def cells(self) -> list[tuple[int, int, int, int, str]]:
        """Every cell of the block: (row index, number, x, y, mark or "")."""
        marks = self.mark_of()
        return [
            (r, n, self.column(n), self.y0 + r, marks.get((r, n), ""))
            for r in range(len(self.rows))
            for n in range(1, self.seats_per_row + 1)
        ]


def _check_plan(plan: SectionPlan) -> None:
    name = plan.name.strip()
    where = f"Section {name}" if name else "A section"
    if not name or len(name) > 80:
        raise InvalidRequest("Every section needs a name (80 characters at most).", "sections")
    if not plan.category.strip() or len(plan.category.strip()) > 60:
        raise InvalidRequest(f"{where} needs a price category (60 characters at most).")
    if plan.standing:
        if not 1 <= plan.capacity <= MAX_STANDING:
            raise InvalidRequest(f"{where}: capacity must be between 1 and {MAX_STANDING:,}.")
        return
    if not 1 <= len(plan.rows) <= MAX_ROWS:
        raise InvalidRequest(f"{where}: rows must be between 1 and {MAX_ROWS}.")
    if not 1 <= plan.seats_per_row <= MAX_SEATS_PER_ROW:
        raise InvalidRequest(f"{where}: seats per row must be between 1 and {MAX_SEATS_PER_ROW}.")
    labels = [label.strip() for label in plan.rows]
    if any(not label or len(label) > 8 for label in labels):
        raise InvalidRequest(f"{where}: every row needs a name of 1 to 8 characters.")
    if len(set(labels)) != len(labels):
        repeated = sorted(label for label, n in Counter(labels).items() if n > 1)
        raise InvalidRequest(f"{where}: row names must differ ({', '.join(repeated)} repeats).")
    if not (0 <= plan.x0 <= MAX_OFFSET and 0 <= plan.y0 <= MAX_OFFSET):
        raise InvalidRequest(f"{where}: offsets must be between 0 and {MAX_OFFSET}.")
    if any(not 1 <= a < plan.seats_per_row for a in plan.aisles_after):
        raise InvalidRequest(f"{where}: an aisle must follow a seat inside the row.")
    for r, n, mark in plan.marks:
        if mark not in MARKS or not (0 <= r < len(plan.rows) and 1 <= n <= plan.seats_per_row):
            raise InvalidRequest(f"{where}: a seat mark is outside the section.")
    if all(mark == GAP for *_, mark in plan.cells()):
        raise InvalidRequest(f"{where} has no seats: every place is a gap.")


def grid_cells(plans: list[SectionPlan]) -> int:
    """Cells of the numbered sections, gaps included: what drawing a preview costs."""
    return sum(len(p.rows) * p.seats_per_row for p in plans if not p.standing)


def check_size(plans: list[SectionPlan]) -> None:
    """The bound on work, cheap enough to ask on every edit (before any preview is drawn)."""
    if len(plans) > MAX_SECTIONS:
        raise InvalidRequest(f"A layout can have at most {MAX_SECTIONS} sections.", "sections")
    if grid_cells(plans) > MAX_SEATS:
        raise InvalidRequest(
            f"A layout can have at most {MAX_SEATS:,} seats (gaps included); "
            "make a section smaller first.",
            "sections",
        )


def check_plans(plans: list[SectionPlan]) -> None:
    """Refuse a layout the seat map could not draw or a show could not sell, saying why."""
    if not plans:
        raise InvalidRequest("A layout needs at least one section.", "sections")
    check_size(plans)
    names = [p.name.strip().lower() for p in plans]
    if len(set(names)) != len(names):
        raise InvalidRequest("Section names must differ.", "sections")
    for plan in plans:
        _check_plan(plan)
    taken: dict[tuple[int, int], str] = {}
    seats = 0
    for plan in plans:
        if plan.standing:
            continue
        for r, n, x, y, mark in plan.cells():
            if mark == GAP:
                continue
            seats += 1
            other = taken.setdefault((x, y), plan.name)
            if other != plan.name:
                raise InvalidRequest(
                    f"Sections {other} and {plan.name} overlap (row {plan.rows[r]}, seat {n}): "
                    "move one of them with its left or top offset."
                )
    if seats > MAX_SEATS:
        raise InvalidRequest(f"A layout can have at most {MAX_SEATS:,} numbered seats.")


def section_spec(plan: SectionPlan) -> SectionSpec:
    """The seats of a (checked) plan: every cell that is not a gap."""
    if plan.standing:
        return SectionSpec(
            plan.name.strip(), plan.category.strip(), general_admission_capacity=plan.capacity
        )
    seats = [
        SeatSpec(
            plan.rows[r].strip(),
            n,
            x,
            y,
            accessible=mark == ACCESSIBLE,
            companion=mark == COMPANION,
            blocked=mark == BLOCKED,
        )
        for r, n, x, y, mark in plan.cells()
        if mark != GAP
    ]
    return SectionSpec(plan.name.strip(), plan.category.strip(), seats=seats)


def plan_of_section(section: LayoutSection, seats: list[LayoutSeat]) -> SectionPlan:
    """Read stored seats back into a plan. Exact for every layout the editor or `grid_section`
    makes; an irregular one is approximated (its seats keep their names, so saving it again
    only redraws them)."""
    if section.is_general_admission or not seats:
        return SectionPlan(
            section.name, section.category, standing=True, capacity=max(1, section.capacity)
        )
    label_at: dict[int, str] = {}
    for seat in sorted(seats, key=lambda s: (s.y, s.x)):
        label_at.setdefault(seat.y, seat.row_label)
    y0, y1 = min(label_at), max(label_at)
    used = set(label_at.values())
    spare = (f"R{i}" for i in range(1, 10_000) if f"R{i}" not in used)
    rows = tuple(label_at.get(y) or next(spare) for y in range(y0, y1 + 1))
    row_index = {label: i for i, label in enumerate(rows)}
    # Where each seat number sits, taken from the most common column of that number.
    offset = {
        n: Counter(s.x - (s.number - 1) for s in seats if s.number == n).most_common(1)[0][0]
        for n in {s.number for s in seats}
    }
    numbers = sorted(offset)
    x0 = offset[numbers[0]]  # no aisle before the first seat
    aisles: list[int] = []
    for prev, nxt in pairwise(numbers):
        aisles += [prev] * max(0, offset[nxt] - offset[prev])
    seats_per_row = numbers[-1]
    present = {(row_index[s.row_label], s.number): s for s in seats if s.row_label in row_index}
    marks = []
    for r in range(len(rows)):
        for n in range(1, seats_per_row + 1):
            seat = present.get((r, n))
            if seat is None:
                marks.append((r, n, GAP))
            elif seat.blocked:
                marks.append((r, n, BLOCKED))
            elif seat.accessible:
                marks.append((r, n, ACCESSIBLE))
            elif seat.companion:
                marks.append((r, n, COMPANION))
    return SectionPlan(
        name=section.name,
        category=section.category,
        rows=rows,
        seats_per_row=seats_per_row,
        x0=max(0, x0),
        y0=y0,
        aisles_after=tuple(aisles),
        marks=tuple(marks),
    )


# --- the preview: plans in the seat map's compact format -----------------------------------


def preview_seat_id(section: int, row: int, number: int) -> int:
    """A stable id for a cell of an unsaved layout (the editor decodes clicks with it)."""
    return (section + 1) * 1_000_000 + row * 1000 + number


def decode_preview_seat_id(seat_id: int) -> tuple[int, int, int]:
    """(section index, row index, seat number) of a `preview_seat_id`."""
    section, rest = divmod(int(seat_id), 1_000_000)
    row, number = divmod(rest, 1000)
    return section - 1, row, number


def preview(plans: list[SectionPlan]) -> tuple[dict[str, Any], str]:
    """The compact layout (as `compact.compact_layout` shapes it) and the status string of
    unsaved plans. Gaps are drawn too, as "g" cells, so the editor can click them back into
    seats; blocked seats read "x". Plans need not be valid: the editor previews as you type."""
    categories: list[str] = []
    for plan in plans:
        if plan.category.strip() not in categories:
            categories.append(plan.category.strip())
    seats: list[list[Any]] = []
    statuses: list[str] = []
    sections: list[str] = []
    for index, plan in enumerate(plans):
        sections.append(plan.name)
        too_big = len(plan.rows) > MAX_ROWS or plan.seats_per_row > MAX_SEATS_PER_ROW
        if plan.standing or too_big:
            continue
        category = categories.index(plan.category.strip())
        for r, n, x, y, mark in plan.cells():
            flags = (1 if mark == ACCESSIBLE else 0) | (2 if mark == COMPANION else 0)
            row = plan.rows[r] if r < len(plan.rows) else "?"
            seats.append([preview_seat_id(index, r, n), x, y, index, row, n, category, flags])
            statuses.append({GAP: "g", BLOCKED: "x"}.get(mark, "a"))
    layout = {
        "show_id": 0,
        "sections": sections,
        "categories": [
            {"id": i, "name": c, "color": category_color(i), "price_cents": 0, "price_label": c}
            for i, c in enumerate(categories)
        ],
        "seats": seats,
        "width": max((s[1] for s in seats), default=0),
        "height": max((s[2] for s in seats), default=0),
    }
    return layout, "".join(statuses)


# --- reading and listing --------------------------------------------------------------------


def _own_layout(session: Session, layout_id: int, actor_id: int, actor_role: str) -> Layout:
    layout = session.get(Layout, layout_id)
    if layout is None:
        raise NotFound("No such layout.")
    if actor_role != Role.ADMIN and layout.organizer_id != actor_id:
        raise NotAllowed("You can only see and change your own layouts.")
    return layout


def _require_organizer(actor_role: str) -> None:
    if actor_role not in (Role.ORGANIZER, Role.ADMIN):
        raise NotAllowed("This needs an organizer account.")


@dataclass(frozen=True)
class LayoutPlans:
    layout_id: int
    name: str
    sections: tuple[SectionPlan, ...]


def _plans(session: Session, layout_id: int) -> list[SectionPlan]:
    sections = session.exec(
        select(LayoutSection)
        .where(LayoutSection.layout_id == layout_id)
        .order_by(LayoutSection.sort_order, LayoutSection.id)
    ).all()
    seats: dict[int, list[LayoutSeat]] = defaultdict(list)
    for seat in session.exec(select(LayoutSeat).where(LayoutSeat.layout_id == layout_id)):
        seats[seat.section_id].append(seat)
    return [plan_of_section(s, seats[s.id]) for s in sections]


def get_layout_plans(
    layout_id: int, *, actor_id: int, actor_role: str, db: Engine | None = None
) -> LayoutPlans:
    """A stored layout as the editor describes it (its owner's or an admin's to read)."""

    def work(session: Session) -> LayoutPlans:
        layout = _own_layout(session, layout_id, actor_id, actor_role)
        return LayoutPlans(layout.id, layout.name, tuple(_plans(session, layout_id)))

    return run(db, work)


def layout_categories(
    layout_id: int, *, actor_id: int, actor_role: str, db: Engine | None = None
) -> list[str]:
    """The price categories a show of this layout needs, in the layout's order."""

    def work(session: Session) -> list[str]:
        _own_layout(session, layout_id, actor_id, actor_role)
        names = session.exec(
            select(LayoutSection.category)
            .where(LayoutSection.layout_id == layout_id)
            .order_by(LayoutSection.sort_order, LayoutSection.id)
        ).all()
        return list(dict.fromkeys(names))

    return run(db, work)


def list_layouts(
    *, actor_id: int, actor_role: str, now: datetime | None = None, db: Engine | None = None
) -> list[LayoutSummary]:
    """The organizer's layouts (admins: everyone's), newest first."""
    _require_organizer(actor_role)
    now = moment(now)

    def work(session: Session) -> list[LayoutSummary]:
        query = select(Layout).order_by(Layout.created_at.desc(), Layout.id.desc())
        if actor_role != Role.ADMIN:
            query = query.where(Layout.organizer_id == actor_id)
        layouts = session.exec(query).all()
        ids = [layout.id for layout in layouts]
        if not ids:
            return []
        sections = dict(
            session.exec(
                select(LayoutSection.layout_id, func.count(LayoutSection.id))
                .where(LayoutSection.layout_id.in_(ids))
                .group_by(LayoutSection.layout_id)
            ).all()
        )
        standing = dict(
            session.exec(
                select(LayoutSection.layout_id, func.sum(LayoutSection.capacity))
                .where(LayoutSection.layout_id.in_(ids))
                .group_by(LayoutSection.layout_id)
            ).all()
        )
        seats = dict(
            session.exec(
                select(LayoutSeat.layout_id, func.count(LayoutSeat.id))
                .where(LayoutSeat.layout_id.in_(ids))
                .group_by(LayoutSeat.layout_id)
            ).all()
        )
        shows = dict(
            session.exec(
                select(Show.layout_id, func.count(Show.id))
                .where(Show.layout_id.in_(ids), Show.status == "scheduled", Show.starts_at > now)
                .group_by(Show.layout_id)
            ).all()
        )
        return [
            LayoutSummary(
                id=layout.id,
                name=layout.name,
                sections=sections.get(layout.id, 0),
                seats=seats.get(layout.id, 0),
                standing=int(standing.get(layout.id) or 0),
                upcoming_shows=shows.get(layout.id, 0),
                created_at=layout.created_at,
            )
            for layout in layouts
        ]

    return run(db, work)


# --- saving, and bringing upcoming shows in line ------------------------------------------


def save_layout(
    name: str,
    plans: list[SectionPlan],
    *,
    actor_id: int,
    actor_role: str,
    layout_id: int | None = None,
    now: datetime | None = None,
    db: Engine | None = None,
) -> LayoutSaved:
    """Create a layout (`layout_id=None`) or replace one, updating its upcoming shows.

    All or nothing: a change refused for one show (`LayoutConflict`, or a missing price) saves
    nothing at all.
    """
    _require_organizer(actor_role)
    now = moment(now)
    name = clean_layout_name(name)
    check_plans(plans)
    specs = [section_spec(p) for p in plans]

    def work(session: Session) -> LayoutSaved:
        if layout_id is None:
            layout = Layout(organizer_id=actor_id, name=name, created_at=now)
            session.add(layout)
            session.flush()
            store_sections(session, layout.id, specs)
            return LayoutSaved(layout.id, (), 0, 0)
        layout = session.exec(
            select(Layout).where(Layout.id == layout_id).with_for_update()
        ).first()
        if layout is None:
            raise NotFound("No such layout.")
        if actor_role != Role.ADMIN and layout.organizer_id != actor_id:
            raise NotAllowed("You can only see and change your own layouts.")
        layout.name = name
        session.add(layout)
        session.execute(delete(LayoutSeat).where(LayoutSeat.layout_id == layout.id))
        session.execute(delete(LayoutSection).where(LayoutSection.layout_id == layout.id))
        session.flush()
        store_sections(session, layout.id, specs)
        shows = session.exec(
            select(Show)
            .where(Show.layout_id == layout.id, Show.status == "scheduled", Show.starts_at > now)
            .order_by(Show.id)
        ).all()
        return _bring_in_line(session, layout.id, list(shows), now)

    return run(db, work)


def _bring_in_line(
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
    plan = _ShowPlan(show)
    when = show_time(show.starts_at)
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
                f"{capacity} ({show_time(plan.show.starts_at)})"
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
