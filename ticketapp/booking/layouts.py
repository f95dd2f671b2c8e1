"""Seat layouts: an organizer's reusable halls — created, read, listed and saved.

A layout is stored as sections (name, price category, or a standing capacity) with their
seats on a grid; `layout_plans` describes them the way the editor draws them. Saving a layout
replaces its sections and seats and, in the same transaction, brings its upcoming shows in
line (`layout_sync`): all or nothing, so a change refused for one show saves nothing.

Invariant: a layout is seen and changed by its organizer (or an admin) only. Its own row is
locked FOR UPDATE while it is saved, and `shows.create_show` reads it FOR SHARE, so a show
created during an edit gets either the old layout and the edit, or the new layout.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ticketapp.booking._tx import moment, run
from ticketapp.booking.access import Actor, managed_by, require_manager, require_organizer
from ticketapp.booking.errors import InvalidRequest, NotFound
from ticketapp.booking.layout_plans import (
    SectionPlan,
    SectionSpec,
    check_plans,
    plan_of_section,
    section_spec,
)
from ticketapp.booking.layout_sync import bring_layout_in_line
from ticketapp.booking.results import LayoutSaved, LayoutSummary
from ticketapp.models import Layout, LayoutSeat, LayoutSection, Show, ShowStatus

NOT_YOUR_LAYOUT = "You can only see and change your own layouts."


# --- reading and listing --------------------------------------------------------------------


def _own_layout(session: Session, layout_id: int, actor: Actor) -> Layout:
    layout = session.get(Layout, layout_id)
    if layout is None:
        raise NotFound("No such layout.")
    require_manager(actor, layout.organizer_id, NOT_YOUR_LAYOUT)
    return layout


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


def get_layout_plans(layout_id: int, *, actor: Actor, db: Engine | None = None) -> LayoutPlans:
    """A stored layout as the editor describes it (its owner's or an admin's to read)."""

    def work(session: Session) -> LayoutPlans:
        layout = _own_layout(session, layout_id, actor)
        return LayoutPlans(layout.id, layout.name, tuple(_plans(session, layout_id)))

    return run(db, work)


def layout_categories(layout_id: int, *, actor: Actor, db: Engine | None = None) -> list[str]:
    """The price categories a show of this layout needs, in the layout's order."""

    def work(session: Session) -> list[str]:
        _own_layout(session, layout_id, actor)
        names = session.exec(
            select(LayoutSection.category)
            .where(LayoutSection.layout_id == layout_id)
            .order_by(LayoutSection.sort_order, LayoutSection.id)
        ).all()
        return list(dict.fromkeys(names))

    return run(db, work)


def list_layouts(
    *, actor: Actor, now: datetime | None = None, db: Engine | None = None
) -> list[LayoutSummary]:
    """The organizer's layouts (admins: everyone's), newest first."""
    require_organizer(actor)
    now = moment(now)

    def work(session: Session) -> list[LayoutSummary]:
        query = (
            select(Layout)
            .where(managed_by(actor, Layout.organizer_id))
            .order_by(Layout.created_at.desc(), Layout.id.desc())
        )
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
                .where(
                    Show.layout_id.in_(ids),
                    Show.status == ShowStatus.SCHEDULED,
                    Show.starts_at > now,
                )
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


# --- creating and saving ------------------------------------------------------------------


def save_layout(
    name: str,
    plans: list[SectionPlan],
    *,
    actor: Actor,
    layout_id: int | None = None,
    now: datetime | None = None,
    db: Engine | None = None,
) -> LayoutSaved:
    """Create a layout (`layout_id=None`) or replace one, updating its upcoming shows.

    All or nothing: a change refused for one show (`LayoutConflict`, or a missing price) saves
    nothing at all.
    """
    require_organizer(actor)
    now = moment(now)
    name = clean_layout_name(name)
    check_plans(plans)
    specs = [section_spec(p) for p in plans]

    def work(session: Session) -> LayoutSaved:
        if layout_id is None:
            layout = Layout(organizer_id=actor.id, name=name, created_at=now)
            session.add(layout)
            session.flush()
            store_sections(session, layout.id, specs)
            return LayoutSaved(layout.id, (), 0, 0)
        layout = session.exec(
            select(Layout).where(Layout.id == layout_id).with_for_update()
        ).first()
        if layout is None:
            raise NotFound("No such layout.")
        require_manager(actor, layout.organizer_id, NOT_YOUR_LAYOUT)
        layout.name = name
        session.add(layout)
        session.execute(delete(LayoutSeat).where(LayoutSeat.layout_id == layout.id))
        session.execute(delete(LayoutSection).where(LayoutSection.layout_id == layout.id))
        session.flush()
        store_sections(session, layout.id, specs)
        shows = session.exec(
            select(Show)
            .where(
                Show.layout_id == layout.id,
                Show.status == ShowStatus.SCHEDULED,
                Show.starts_at > now,
            )
            .order_by(Show.id)
        ).all()
        return bring_layout_in_line(session, layout.id, list(shows), now)

    return run(db, work)


def create_layout(
    actor: Actor, name: str, sections: list[SectionSpec], *, db: Engine | None = None
) -> int:
    """A new layout of `actor`'s from ready-made sections (demo data, tests, benchmarks; the
    editor saves plans with `save_layout`)."""
    require_organizer(actor)
    name = clean_layout_name(name)
    _check_sections(sections)

    def work(session: Session) -> int:
        layout = Layout(organizer_id=actor.id, name=name)
        session.add(layout)
        session.flush()
        store_sections(session, layout.id, sections)
        return layout.id

    return run(db, work)


def clean_layout_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidRequest("Layout name is required.", "name")
    if len(name) > 120:
        raise InvalidRequest("Layout name is too long (120 characters at most).", "name")
    return name


def _check_sections(sections: list[SectionSpec]) -> None:
    if not sections:
        raise InvalidRequest("A layout needs at least one section.", "sections")
    names = [s.name.strip() for s in sections]
    if any(not n for n in names) or len(set(names)) != len(names):
        raise InvalidRequest("Section names must be present and distinct.", "sections")
    for spec in sections:
        if spec.general_admission_capacity < 0:
            raise InvalidRequest("Capacity must be zero or more.", "capacity")
        if not spec.seats and spec.general_admission_capacity == 0:
            raise InvalidRequest(f"Section {spec.name} has no seats and no capacity.")


def store_sections(session: Session, layout_id: int, sections: list[SectionSpec]) -> None:
    """Write a layout's sections and seats (the layout row exists, its sections do not)."""
    for order, spec in enumerate(sections):
        section = LayoutSection(
            layout_id=layout_id,
            name=spec.name.strip(),
            category=spec.category.strip() or "Standard",
            is_general_admission=spec.general_admission_capacity > 0,
            capacity=spec.general_admission_capacity,
            sort_order=order,
        )
        session.add(section)
        session.flush()
        if spec.seats:
            session.execute(
                insert(LayoutSeat),
                [
                    {
                        "layout_id": layout_id,
                        "section_id": section.id,
                        "row_label": s.row_label,
                        "number": s.number,
                        "x": s.x,
                        "y": s.y,
                        "accessible": s.accessible,
                        "companion": s.companion,
                        "blocked": s.blocked,
                    }
                    for s in spec.seats
                ],
            )
