"""Invariant checker (stub: being implemented)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine


def check_invariants(db: Engine | None = None, *, now: datetime | None = None) -> list[str]:
    raise NotImplementedError
