"""Where a waiting room keeps its places: the store interface and its PostgreSQL store.

Invariants, which every store keeps:
- An account has at most one place per show (a second tab or device shares it).
- Order: those who joined before the on-sale time by a lottery number drawn at join (secret
  until on-sale, so it is the same as shuffling them at on-sale: refreshing early gains
  nothing — a repeated join keeps the number), then everyone else first come, first served.
- Admission takes the first N waiting places atomically, N decided by `AdmissionRule`; a place
  is admitted once and never skipped, however many workers tick at the same moment.

The PostgreSQL store (also the durable journal under the Redis store, ticketapp/
waiting_room_redis.py): places are `waiting_room_entry` rows ordered by (lottery IS NULL,
lottery, id). A tick runs in one transaction that first takes the show's `waiting_room_tick`
row with `FOR UPDATE SKIP LOCKED`: the worker that gets it is the tick's leader, any other
worker ticking at that instant skips the show, and a tick that comes sooner than
`MIN_TICK_SECONDS` after the last one admits nobody. A worker dying mid-tick rolls its
transaction back: nobody was admitted, and the next tick (any worker) does it.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.engine import Connection, Engine

from ticketapp.booking._tx import run_core
from ticketapp.models import WaitingRoomEntry, WaitingRoomTick

LOTTERY_SPAN = 2**52  # lottery numbers are below this; exact in a Redis score (a double)
MIN_TICK_SECONDS = 0.5  # two ticks closer than this are one tick (several workers tick)
BURST_SECONDS = 5.0  # admissions owed after a slow tick are caught up to this many seconds

entries = WaitingRoomEntry.__table__
ticks = WaitingRoomTick.__table__


@dataclass(frozen=True, slots=True)
class Spot:
    """What a store knows of one account's place."""

    position: int | None  # 1 = next in; None once admitted
    admitted_at: datetime | None
    pass_expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class Tally:
    waiting: int
    admitted: int
    active: int  # admitted, pass not yet expired
    admitted_last_minute: int
    first_admitted_at: datetime | None


@dataclass(frozen=True, slots=True)
class AdmissionRule:
    """How many to let in: a rate per minute, a cap on active shoppers, or both."""

    per_minute: int | None
    max_active: int | None
    pass_seconds: int

    def due(self, credit: float, elapsed: float, active: int, waiting: int) -> tuple[int, float]:
        """(how many to admit now, the credit carried to the next tick).

        The rate accrues as credit (fractions carry, so 7/min is 7/min, not 0 or 60); credit
        owed by a late tick is caught up, but at most `BURST_SECONDS` of it, so a paused or
        empty queue does not release a crowd at once.
        """
        if self.per_minute:
            cap = max(1.0, self.per_minute * BURST_SECONDS / 60)
            credit = min(credit + self.per_minute * max(0.0, elapsed) / 60, cap)
            allowed = math.floor(credit)
        else:
            allowed = waiting
        if self.max_active:
            allowed = min(allowed, max(0, self.max_active - active))
        count = max(0, min(allowed, waiting))
        return count, (credit - count if self.per_minute else 0.0)


class WaitingRoomStore(Protocol):
    def join(self, show_id: int, user_id: int, now: datetime, early: bool) -> Spot:
        """The account's place, made if it has none (or its pass has expired: at the back)."""
        ...

    def spot(self, show_id: int, user_id: int, now: datetime) -> Spot | None: ...

    def admit(self, show_id: int, now: datetime, rule: AdmissionRule) -> list[int]:
        """One tick: admit who is due, in order; the admitted user ids."""
        ...

    def tally(self, show_id: int, now: datetime) -> Tally: ...

    def backend_status(self) -> str:
        """Where the places live now, for the dashboard and readiness."""
        ...


# --- the PostgreSQL store ------------------------------------------------------------------


def _insert(dialect: str) -> Any:
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def join_in(
    conn: Connection, show_id: int, user_id: int, now: datetime, early: bool
) -> tuple[Any, bool]:
    """The account's entry row, made if missing; and whether it was made afresh after an
    expired pass (a new place at the back). Concurrent joins of one account meet on the
    unique (show, user) key: one insert wins, the others read its row."""
    mine = and_(entries.c.show_id == show_id, entries.c.user_id == user_id)
    row = conn.execute(select(entries).where(mine)).first()
    rejoined = False
    if row is not None and row.pass_expires_at is not None and row.pass_expires_at <= now:
        conn.execute(delete(entries).where(entries.c.id == row.id))
        row, rejoined = None, True
    if row is None:
        conn.execute(
            _insert(conn.dialect.name)(entries)
            .values(
                show_id=show_id,
                user_id=user_id,
                joined_at=now,
                lottery=secrets.randbelow(LOTTERY_SPAN) if early else None,
            )
            .on_conflict_do_nothing(index_elements=["show_id", "user_id"])
        )
        row = conn.execute(select(entries).where(mine)).one()
    return row, rejoined


def _ahead(row: Any) -> Any:
    """Waiting entries of the show ordered before `row`."""
    if row.lottery is not None:
        before = and_(
            entries.c.lottery.is_not(None),
            or_(
                entries.c.lottery < row.lottery,
                and_(entries.c.lottery == row.lottery, entries.c.id < row.id),
            ),
        )
    else:
        before = or_(entries.c.lottery.is_not(None), entries.c.id < row.id)
    return and_(entries.c.show_id == row.show_id, entries.c.admitted_at.is_(None), before)


def spot_in(conn: Connection, row: Any) -> Spot:
    if row.admitted_at is not None:
        return Spot(None, row.admitted_at, row.pass_expires_at)
    ahead = conn.execute(select(func.count()).select_from(entries).where(_ahead(row))).scalar()
    return Spot(int(ahead or 0) + 1, None, None)


def queue_order() -> Sequence[Any]:
    return (entries.c.lottery.is_(None), entries.c.lottery, entries.c.id)


class PostgresWaitingRoom:
    """Places and the admission clock in the database (PostgreSQL; SQLite for development)."""

    def __init__(self, db: Engine | None = None) -> None:
        self._db = db

    def join(self, show_id: int, user_id: int, now: datetime, early: bool) -> Spot:
        def work(conn: Connection) -> Spot:
            row, _ = join_in(conn, show_id, user_id, now, early)
            return spot_in(conn, row)

        return run_core(self._db, work)

    def spot(self, show_id: int, user_id: int, now: datetime) -> Spot | None:
        def work(conn: Connection) -> Spot | None:
            row = conn.execute(
                select(entries).where(entries.c.show_id == show_id, entries.c.user_id == user_id)
            ).first()
            return None if row is None else spot_in(conn, row)

        return run_core(self._db, work)

    def admit(self, show_id: int, now: datetime, rule: AdmissionRule) -> list[int]:
        return run_core(self._db, lambda conn: admit_in(conn, show_id, now, rule))

    def tally(self, show_id: int, now: datetime) -> Tally:
        return run_core(self._db, lambda conn: tally_in(conn, show_id, now))

    def backend_status(self) -> str:
        return "database"


def admit_in(conn: Connection, show_id: int, now: datetime, rule: AdmissionRule) -> list[int]:
    """One tick on the database (see the module docstring for why it runs exactly once)."""
    first = conn.execute(
        _insert(conn.dialect.name)(ticks)
        # The first tick admits one at once (credit 1): the head of the queue need not wait.
        .values(show_id=show_id, ticked_at=now, credit=1.0)
        .on_conflict_do_nothing(index_elements=["show_id"])
        .returning(ticks.c.show_id)
    ).first()
    clock = conn.execute(
        select(ticks.c.ticked_at, ticks.c.credit)
        .where(ticks.c.show_id == show_id)
        .with_for_update(skip_locked=True)
    ).first()
    if clock is None:  # another worker is ticking this show right now
        return []
    elapsed = (now - clock.ticked_at).total_seconds()
    if first is None and elapsed < MIN_TICK_SECONDS:
        return []
    waiting, active = conn.execute(
        select(
            func.count().filter(entries.c.admitted_at.is_(None)),
            func.count().filter(entries.c.pass_expires_at > now),
        ).where(entries.c.show_id == show_id)
    ).one()
    count, credit = rule.due(clock.credit, elapsed, active, waiting)
    admitted: list[int] = []
    if count:
        chosen = (
            select(entries.c.id)
            .where(entries.c.show_id == show_id, entries.c.admitted_at.is_(None))
            .order_by(*queue_order())
            .limit(count)
            .with_for_update()
            .cte("chosen")
        )
        if conn.dialect.name == "postgresql":  # run once, not re-planned per row (inventory.py)
            chosen = chosen.prefix_with("MATERIALIZED")
        rows = conn.execute(
            update(entries)
            .where(entries.c.id.in_(select(chosen.c.id)))
            .values(admitted_at=now, pass_expires_at=now + timedelta(seconds=rule.pass_seconds))
            .returning(entries.c.user_id, entries.c.lottery, entries.c.id)
        ).all()
        # RETURNING comes in no particular order: report the admitted in queue order.
        rows.sort(key=lambda r: (r.lottery is None, r.lottery or 0, r.id))
        admitted = [row.user_id for row in rows]
    conn.execute(
        update(ticks).where(ticks.c.show_id == show_id).values(ticked_at=now, credit=credit)
    )
    return admitted


def tally_in(conn: Connection, show_id: int, now: datetime) -> Tally:
    admitted = entries.c.admitted_at.is_not(None)
    row = conn.execute(
        select(
            func.count().filter(entries.c.admitted_at.is_(None)),
            func.count().filter(admitted),
            func.count().filter(entries.c.pass_expires_at > now),
            func.count().filter(entries.c.admitted_at > now - timedelta(seconds=60)),
            func.min(entries.c.admitted_at),
        ).where(entries.c.show_id == show_id)
    ).one()
    return Tally(int(row[0]), int(row[1]), int(row[2]), int(row[3]), row[4])


def journal_rows(conn: Connection, show_id: int) -> list[Any]:
    """Every entry of the show in queue order (the Redis store rebuilds itself from these)."""
    return list(
        conn.execute(select(entries).where(entries.c.show_id == show_id).order_by(*queue_order()))
    )
