"""The organizer's seat layouts: the list, and the editor.

The editor keeps a draft of a few small sections in state (numbers and a handful of seat
marks, never the seats themselves); the preview — the customers' own seat-map component fed
with an inline layout — is computed from it by `booking.layouts.preview`. What a valid layout
is, and what saving does to the shows that use it, is the engine's (`booking.layouts`).

Every handler, the editing ones included, checks the organizer first (a crafted websocket
message reaches a handler the page never shows), and an edit that would take the layout past
the engine's size bound (`check_size`) is refused before any preview is drawn: a visitor could
otherwise make the server draw a 120,000-seat preview per keystroke.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx

from ticketapp import auth, booking, routes
from ticketapp.booking import (
    ACCESSIBLE,
    BLOCKED,
    COMPANION,
    GAP,
    MAX_ROWS,
    MAX_SEATS_PER_ROW,
    SectionPlan,
    check_plans,
    check_size,
    decode_preview_seat_id,
    grid_cells,
    preview,
    row_labels,
)
from ticketapp.formatting import plural, short_date
from ticketapp.state.messages import friendly
from ticketapp.state.organizer import DashboardPage, guarded, organizer_identity

SEAT = "seat"  # the tool that clears a mark
TOOLS = (SEAT, GAP, BLOCKED, ACCESSIBLE, COMPANION)


@dataclasses.dataclass
class LayoutLine:
    id: int
    name: str
    sections: int
    places: str
    shows: int
    created: str
    url: str


class LayoutsState(DashboardPage, rx.State):
    layouts: list[LayoutLine] = []

    @guarded
    async def _load(self, identity: auth.Identity) -> None:
        self.layouts = [
            LayoutLine(
                id=item.id,
                name=item.name,
                sections=item.sections,
                places=(
                    plural(item.seats, "seat")
                    + (f" + {item.standing} standing" if item.standing else "")
                ),
                shows=item.upcoming_shows,
                created=short_date(item.created_at),
                url=routes.layout_editor_url(item.id),
            )
            for item in booking.list_layouts(actor=booking.Actor.of(identity))
        ]
        self.loading = False


@dataclasses.dataclass
class SectionDraft:
    """A section as the form edits it; `marks` maps "row index:seat number" to a mark."""

    name: str
    category: str
    standing: bool = False
    rows: int = 5
    seats_per_row: int = 10
    row_names: str = "A, B, C, D, E"
    aisles: str = ""
    x0: int = 0
    y0: int = 0
    capacity: int = 100
    marks: dict[str, str] = dataclasses.field(default_factory=dict)


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.replace(";", ",").split(",") if p.strip().isdigit())


def plan_of(draft: SectionDraft) -> SectionPlan:
    marks = []
    for key, mark in draft.marks.items():
        row, _, number = key.partition(":")
        if row.isdigit() and number.isdigit():
            marks.append((int(row), int(number), mark))
    return SectionPlan(
        name=draft.name,
        category=draft.category,
        rows=tuple(_names(draft.row_names)),
        seats_per_row=draft.seats_per_row,
        x0=draft.x0,
        y0=draft.y0,
        aisles_after=_numbers(draft.aisles),
        marks=tuple(sorted(marks)),
        standing=draft.standing,
        capacity=draft.capacity,
    )


def draft_of(plan: SectionPlan) -> SectionDraft:
    return SectionDraft(
        name=plan.name,
        category=plan.category,
        standing=plan.standing,
        rows=len(plan.rows) or 5,
        seats_per_row=plan.seats_per_row or 10,
        row_names=", ".join(plan.rows) or ", ".join(row_labels(5)),
        aisles=", ".join(str(a) for a in plan.aisles_after),
        x0=plan.x0,
        y0=plan.y0,
        capacity=plan.capacity or 100,
        marks={f"{r}:{n}": mark for r, n, mark in plan.marks},
    )


def _fit_row_names(current: str, rows: int) -> str:
    """Keep the names given, add the next free letters for new rows, drop surplus ones."""
    names = _names(current)[:rows]
    spare = (label for label in row_labels(rows + len(names) + 26) if label not in names)
    while len(names) < rows:
        names.append(next(spare))
    return ", ".join(names)


INT_FIELDS = {
    "rows": (1, MAX_ROWS),
    "seats_per_row": (1, MAX_SEATS_PER_ROW),
    "x0": (0, 1000),
    "y0": (0, 1000),
    "capacity": (1, 50_000),
}


class LayoutEditorState(DashboardPage, rx.State):
    layout_id: int = 0  # 0: a new layout
    name: str = ""
    sections: list[SectionDraft] = []
    tool: str = BLOCKED
    upcoming_shows: int = 0
    message: str = ""
    message_is_error: bool = False
    busy: bool = False

    @rx.var
    def preview_layout(self) -> dict[str, Any]:
        return preview([plan_of(d) for d in self.sections])[0]

    @rx.var
    def preview_statuses(self) -> str:
        return preview([plan_of(d) for d in self.sections])[1]

    @rx.var
    def seat_count(self) -> int:
        return self.preview_statuses.count("a") + self.preview_statuses.count("x")

    @rx.var
    def standing_places(self) -> int:
        return sum(d.capacity for d in self.sections if d.standing)

    @rx.var
    def problem(self) -> str:
        """What saving would refuse, said while editing (the engine checks again on save)."""
        try:
            check_plans([plan_of(d) for d in self.sections])
        except booking.InvalidRequest as exc:
            return str(exc)
        return ""

    @rx.var
    def heading(self) -> str:
        return "New seat layout" if not self.layout_id else f"Edit layout: {self.name}"

    def _prepare(self) -> str:
        self.message, self.busy = "", False
        tail = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        self.layout_id = int(tail) if tail.isdigit() and len(tail) < 10 else 0
        return "This layout does not exist." if tail != "new" and not self.layout_id else ""

    @guarded
    async def _load(self, identity: auth.Identity) -> None:
        self.tool = BLOCKED
        if not self.layout_id:
            self.name, self.upcoming_shows = "", 0
            self.sections = [SectionDraft("Stalls", "Standard")]
            self.loading = False
            return
        plans = booking.get_layout_plans(self.layout_id, actor=booking.Actor.of(identity))
        self.name = plans.name
        self.sections = [draft_of(p) for p in plans.sections]
        summaries = booking.list_layouts(actor=booking.Actor.of(identity))
        self.upcoming_shows = next(
            (s.upcoming_shows for s in summaries if s.id == self.layout_id), 0
        )
        self.loading = False

    def _say(self, text: str, error: bool = False) -> None:
        self.message, self.message_is_error = text, error

    async def _editing(self) -> list[Any] | None:
        """None for the layout's organizer, else the refusal to answer with."""
        _, refusal = await organizer_identity(self)
        return refusal or None

    def _within_bounds(self, sections: list[SectionDraft]) -> bool:
        """Take `sections` if the engine's size bound allows them (or they shrink)."""
        plans = [plan_of(d) for d in sections]
        try:
            check_size(plans)
        except booking.InvalidRequest as exc:
            if grid_cells(plans) >= grid_cells([plan_of(d) for d in self.sections]) or len(
                sections
            ) > len(self.sections):
                self._say(str(exc), error=True)
                return False
        self.sections = sections
        return True

    @rx.event
    async def set_name(self, value: str):
        if refusal := await self._editing():
            return refusal
        self.name = str(value)[:120]
        return None

    @rx.event
    async def set_tool(self, value: str | list[str]):
        if refusal := await self._editing():
            return refusal
        value = value[0] if isinstance(value, list) and value else value
        if value in TOOLS:
            self.tool = str(value)
        return None

    @rx.event
    async def add_section(self, standing: bool = False):
        if refusal := await self._editing():
            return refusal
        taken = {d.name for d in self.sections}
        number = len(self.sections) + 1
        while f"Section {number}" in taken:
            number += 1
        bottom = 0
        for d in self.sections:
            if not d.standing:
                bottom = max(bottom, d.y0 + d.rows + 1)
        added = [
            *self.sections,
            SectionDraft(
                name="Standing" if standing and "Standing" not in taken else f"Section {number}",
                category="Standing" if standing else "Standard",
                standing=bool(standing),
                rows=3,
                row_names=", ".join(row_labels(3)),
                y0=bottom,
            ),
        ]
        if self._within_bounds(added):
            self.message = ""
        return None

    @rx.event
    async def remove_section(self, index: int):
        if refusal := await self._editing():
            return refusal
        index = int(index)
        self.sections = [d for i, d in enumerate(self.sections) if i != index]
        self.message = ""
        return None

    @rx.event
    async def update_section(self, index: int, field: str, value: Any):
        """One field of one section, from its input (numbers are clamped, names kept)."""
        if refusal := await self._editing():
            return refusal
        self._update_section(int(index), field, value)
        return None

    def _update_section(self, index: int, field: str, value: Any) -> None:
        if not 0 <= index < len(self.sections):
            return
        draft = dataclasses.replace(self.sections[index], marks=dict(self.sections[index].marks))
        if field in ("name", "category"):
            setattr(draft, field, str(value)[:80])
        elif field == "standing":
            draft.standing = value in (True, "true", "standing", "on")
        elif field == "aisles":
            draft.aisles = str(value)[:1000]
        elif field == "row_names":
            names = _names(str(value)[:2000])[:MAX_ROWS]
            if not names:
                self._say("A section needs at least one row name.", error=True)
                return
            draft.row_names, draft.rows = ", ".join(names), len(names)
        elif field in INT_FIELDS:
            low, high = INT_FIELDS[field]
            try:
                number = int(str(value).strip())
            except ValueError:
                self._say(f"{field.replace('_', ' ').capitalize()} must be a number.", True)
                return
            setattr(draft, field, max(low, min(high, number)))
            if field == "rows":
                draft.row_names = _fit_row_names(draft.row_names, draft.rows)
        else:
            return
        # Marks outside the (possibly smaller) block would be refused on save: drop them.
        draft.marks = {
            key: mark
            for key, mark in draft.marks.items()
            if int(key.split(":")[0]) < draft.rows and int(key.split(":")[1]) <= draft.seats_per_row
        }
        if self._within_bounds([draft if i == index else d for i, d in enumerate(self.sections)]):
            self.message = ""

    @rx.event
    async def click_seat(self, seat_id: int, seq: int = 0):
        """A click on the preview: apply the chosen tool to that seat (again: undo it).
        `seq` is the map's click counter; the editor answers every click, so it is unused."""
        if refusal := await self._editing():
            return refusal
        section, row, number = decode_preview_seat_id(int(seat_id))
        if not 0 <= section < len(self.sections):
            return None
        if not (0 <= row < self.sections[section].rows):
            return None
        if not (1 <= number <= self.sections[section].seats_per_row):
            return None
        draft = self.sections[section]
        key = f"{row}:{number}"
        marks = dict(draft.marks)
        if self.tool == SEAT or marks.get(key) == self.tool:
            marks.pop(key, None)
        else:
            marks[key] = self.tool
        self.sections = [
            dataclasses.replace(d, marks=marks) if i == section else d
            for i, d in enumerate(self.sections)
        ]
        return None

    @rx.event
    async def save(self):
        identity, refusal = await organizer_identity(self)
        if refusal:
            yield refusal
            return
        self.busy = True
        yield
        try:
            saved = booking.save_layout(
                self.name,
                [plan_of(d) for d in self.sections],
                actor=booking.Actor.of(identity),
                layout_id=self.layout_id or None,
            )
        except booking.BookingError as exc:
            self.busy = False
            self._say(friendly(exc), error=True)
            return
        self.busy = False
        if not self.layout_id:
            yield [
                rx.toast.success(f"Layout “{self.name.strip()}” saved."),
                rx.redirect(routes.layout_editor_url(saved.layout_id)),
            ]
            return
        shows = len(saved.shows_updated)
        self._say(
            "Layout saved."
            + (
                f" {shows} upcoming show{'s' if shows != 1 else ''} updated: "
                f"{plural(saved.places_added, 'place')} added, {saved.places_removed} removed."
                if shows
                else ""
            )
        )
        yield rx.toast.success("Layout saved.")
