"""Accounts for benchmarks, written straight into the database: an organizer and customers.

Signing up through the API would measure bcrypt, not booking; the benchmarks choose the hash
(a real cost-12 one where they log in as production does, a cheap one where they do not).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from ticketapp.booking import Actor
from ticketapp.models import Role, User, utcnow


@dataclass(frozen=True)
class Accounts:
    organizer: Actor
    customer_ids: list[int]
    emails: list[str]  # of the customers, in the same order


def seed_accounts(db: Engine, prefix: str, customers: int, password_hash: str) -> Accounts:
    emails = [f"{prefix}-{i}@example.com" for i in range(customers)]

    def row(email: str, name: str, role: str) -> dict:
        return {
            "email": email,
            "name": name,
            "password_hash": password_hash,
            "role": role,
            "created_at": utcnow(),
        }

    with db.begin() as conn:
        organizer_id = conn.execute(
            insert(User).returning(User.id),
            [row(f"{prefix}-organizer@example.com", "Bench Organizer", Role.ORGANIZER)],
        ).scalar_one()
        ids = conn.execute(
            insert(User).returning(User.id, sort_by_parameter_order=True),
            [row(email, f"Customer {i}", Role.CUSTOMER) for i, email in enumerate(emails)],
        ).scalars()
        customer_ids = list(ids)
    return Accounts(Actor(organizer_id, Role.ORGANIZER), customer_ids, emails)
