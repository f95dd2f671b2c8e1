"""Who is asking: the one actor type both doors hand to the engine.

The REST API and the Reflex state each prove the caller from the JWT they were given
(`ticketapp.auth`), then pass an `Actor` into the engine. The engine alone decides what that
actor may see or change; rules about roles live in this module, nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from ticketapp.models import Role


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
