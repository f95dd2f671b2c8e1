"""How an organizer describes a hall: pure descriptions, no database.

A layout is drawn on a grid. The layout editor describes each block of seats as a
`SectionPlan`: rows x seats per row at a grid offset, aisles, and a mark per seat (gap = no seat
there, blocked, wheelchair space, companion seat) — or a standing area with a capacity.
`section_spec` turns a plan into the `SectionSpec` seats `layouts.store_sections` writes (code
and demo data build specs directly with `grid_section`), `plan_of_section` reads a stored
section back into a plan, and `preview` draws plans in the seat map's compact format, so the
editor shows an unsaved layout with the customers' own component.

Invariant: a place is named by section, row and number (`seat_label`) — the name printed on
a ticket, and the key by which a layout change finds a show's existing places
(`layout_sync`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from ticketapp.booking.errors import InvalidRequest
from ticketapp.models import (
    LayoutSeat,
    LayoutSection,
)


@dataclass(frozen=True)
class SeatSpec:
    row_label: str
    number: int
    x: int
    y: int
    accessible: bool = False
    companion: bool = False
    blocked: bool = False


@dataclass
class SectionSpec:
    name: str
    category: str
    seats: list[SeatSpec] = field(default_factory=list)
    general_admission_capacity: int = 0


def row_labels(count: int) -> list[str]:
    """A, B, ... Z, AA, AB, ... — the way halls letter their rows."""
    labels = []
    for i in range(count):
        label, n = "", i
        while True:
            label = chr(ord("A") + n % 26) + label
            n = n // 26 - 1
            if n < 0:
                break
        labels.append(label)
    return labels


def grid_section(
    name: str,
    category: str,
    rows: list[str],
    seats_per_row: int,
    *,
    x0: int = 0,
    y0: int = 0,
    aisles_after: tuple[int, ...] = (),
    accessible: set[tuple[str, int]] | None = None,
    companion: set[tuple[str, int]] | None = None,
    blocked: set[tuple[str, int]] | None = None,
) -> SectionSpec:
    """A rectangular block of seats; `aisles_after` leaves an empty column after seat n."""
    accessible, companion, blocked = accessible or set(), companion or set(), blocked or set()
    seats = []
    for dy, row in enumerate(rows):
        x = x0
        for number in range(1, seats_per_row + 1):
            key = (row, number)
            seats.append(
                SeatSpec(
                    row, number, x, y0 + dy, key in accessible, key in companion, key in blocked
                )
            )
            x += 2 if number in aisles_after else 1
    return SectionSpec(name=name, category=category, seats=seats)


def seat_label(section: str, row: str, number: int, ga: bool) -> str:
    return f"{section} place {number}" if ga else f"{section} row {row} seat {number}"


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


def category_color(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


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
