"""Door staff: accounts an organizer invites to check tickets in for their events, and only that.

Invariant: a door-staff account (role `door`) may scan tickets of an organizer's events while
that organizer's `DoorStaffGrant` exists, and may do nothing else anywhere — the access rule
(`access.may_check_in`, `access.door_scope`) reads the grant on every request, so revoking it
takes effect at the next scan. One account may work for several organizers (one grant each).

The account itself is created by `ticketapp.auth.invite_door_staff` (passwords live there);
this module keeps the grants.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ticketapp.booking._tx import run
from ticketapp.booking.access import Actor, require_organizer
from ticketapp.booking.errors import NotFound
from ticketapp.booking.results import DoorStaffMember
from ticketapp.models import DoorStaffGrant, User


def grant_in(session: Session, organizer_id: int, staff_id: int, now: datetime) -> None:
    """Let `staff_id` work `organizer_id`'s doors (inside the caller's transaction; a grant
    that exists already is kept as it is)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.exec(
        insert(DoorStaffGrant)
        .values(organizer_id=organizer_id, staff_id=staff_id, created_at=now)
        .on_conflict_do_nothing(index_elements=["organizer_id", "staff_id"])
    )


def list_door_staff(*, actor: Actor, db: Engine | None = None) -> list[DoorStaffMember]:
    """The door staff `actor` (an organizer) invited, by name."""
    require_organizer(actor)

    def work(session: Session) -> list[DoorStaffMember]:
        rows = session.exec(
            select(User, DoorStaffGrant.created_at)
            .join(DoorStaffGrant, DoorStaffGrant.staff_id == User.id)
            .where(DoorStaffGrant.organizer_id == actor.id)
            .order_by(User.name, User.id)
        ).all()
        return [
            DoorStaffMember(user_id=user.id, name=user.name, email=user.email, granted_at=at)
            for user, at in rows
        ]

    return run(db, work)


def revoke_door_staff(staff_id: int, *, actor: Actor, db: Engine | None = None) -> None:
    """End `staff_id`'s access to `actor`'s doors (NotFound if there was none)."""
    require_organizer(actor)

    def work(session: Session) -> None:
        gone = session.exec(
            delete(DoorStaffGrant)
            .where(DoorStaffGrant.organizer_id == actor.id, DoorStaffGrant.staff_id == staff_id)
            .returning(DoorStaffGrant.id)
        ).first()
        if gone is None:
            raise NotFound("No such door staff.")

    run(db, work)
