"""Who is asking, and what they may do: the one actor type and the one access rule.

The REST API and the Reflex state each prove the caller from the token they were given
(`ticketapp.auth`), then pass an `Actor` into the engine. The engine alone decides what that
actor may see or change, with the rules of this module and nowhere else:

- organizer screens and actions need an organizer or admin account (`require_organizer`);
- an event, its shows and bookings, and a layout are managed by their organizer — or an admin
  (`can_manage`, `require_manager`; `managed_by` scopes a query the same way);
- a draft event exists only for those who may manage it (`catalog.visible_event`);
- tickets of an event are checked in at the door by its managers and by the door staff its
  organizer invited (`may_check_in`, `door_scope`): a door-staff account (role `door`) may do
  that and nothing else — it is neither an organizer nor a manager of anything, so every other
  rule above refuses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.engine import Engine
from sqlmodel import Session

from ticketapp.booking._tx import run
from ticketapp.booking.errors import NotAllowed, NotFound
from ticketapp.models import DoorStaffGrant, Event, Role, Show


@dataclass(frozen=True, slots=True)
class Actor:
    """An authenticated caller: the user's id and role (name and e-mail for convenience)."""

    id: int
    role: str = Role.CUSTOMER
    name: str = ""
    email: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_organizer(self) -> bool:
        return self.role in (Role.ORGANIZER, Role.ADMIN)

    @property
    def is_door_staff(self) -> bool:
        return self.role == Role.DOOR

    @classmethod
    def of(cls, who: Any) -> Actor:
        """The actor behind a door's own notion of the caller: a `User` row, an
        `auth.Identity` (`user_id`) or an `Actor` already."""
        if isinstance(who, Actor):
            return who
        user_id = getattr(who, "id", None)
        if user_id is None:
            user_id = who.user_id
        return cls(
            id=user_id,
            role=who.role,
            name=getattr(who, "name", "") or "",
            email=getattr(who, "email", "") or "",
        )


def require_buyer(role: str) -> None:
    """Anyone with an account may buy tickets — except door staff, whose account is for the
    door alone. (Callers read the role with the customer row they lock anyway: no extra
    statement on the hot path.)"""
    if role == Role.DOOR:
        raise NotAllowed("A door-staff account checks tickets in; it cannot buy tickets.")


def require_organizer(actor: Actor) -> None:
    if not actor.is_organizer:
        raise NotAllowed("This needs an organizer account.")


def can_manage(actor: Actor | None, owner_id: int) -> bool:
    """May `actor` manage what `owner_id` organizes? (An admin may manage everything.)"""
    return actor is not None and (actor.is_admin or actor.id == owner_id)


def require_manager(
    actor: Actor, owner_id: int, message: str = "Only the event's organizer can do this."
) -> None:
    if not can_manage(actor, owner_id):
        raise NotAllowed(message)


def managed_by(actor: Actor, owner_column: Any) -> ColumnElement[bool]:
    """A WHERE clause keeping the rows `actor` manages: `owner_column` is theirs (admins: all)."""
    return true() if actor.is_admin else owner_column == actor.id


def door_scope(actor: Actor, owner_column: Any) -> ColumnElement[bool]:
    """A WHERE clause keeping the events whose doors `actor` may work: those they manage, or,
    for door staff, those of the organizers who invited them."""
    if actor.is_door_staff:
        granted = select(DoorStaffGrant.organizer_id).where(DoorStaffGrant.staff_id == actor.id)
        return owner_column.in_(granted)
    if actor.is_organizer:
        return managed_by(actor, owner_column)
    return false()


def may_check_in(session: Session, actor: Actor, owner_id: int) -> bool:
    """May `actor` check tickets in for an event of `owner_id`? Its managers may; door staff
    may while the organizer's grant exists (read per request, so a revoked grant ends at once)."""
    if can_manage(actor, owner_id):
        return True
    if not actor.is_door_staff:
        return False
    grant = session.exec(
        select(DoorStaffGrant.id).where(
            DoorStaffGrant.organizer_id == owner_id, DoorStaffGrant.staff_id == actor.id
        )
    ).first()
    return grant is not None


def require_check_in(session: Session, actor: Actor, owner_id: int) -> None:
    if not may_check_in(session, actor, owner_id):
        raise NotAllowed("Only the event's organizer and their door staff can check tickets in.")


# --- the same rule, applied to rows in a transaction ------------------------------------------


def managed_event(session: Session, event_id: int, actor: Actor) -> Event:
    """The event, if `actor` may manage it: NotFound / NotAllowed otherwise."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound("No such event.")
    require_manager(actor, event.organizer_id, "Only the event's organizer can see this.")
    return event


def managed_show(session: Session, show_id: int, actor: Actor) -> tuple[Show, Event]:
    """The show and its event, if `actor` may manage that event."""
    show = session.get(Show, show_id)
    if show is None:
        raise NotFound("No such show.")
    return show, managed_event(session, show.event_id, actor)


def ensure_can_manage_event(event_id: int, *, actor: Actor, db: Engine | None = None) -> None:
    """NotFound / NotAllowed unless `actor` is the event's organizer or an admin (a door's
    page-load gate; every engine function checks again itself)."""
    run(db, lambda session: managed_event(session, event_id, actor))
