"""The sweeper: tidy up holds whose time has run out.

Nothing depends on it: every claim already treats a seat held past `held_until` as sellable,
and confirming an expired hold is refused by the clock, not by the hold's status. The sweeper
only makes the rows say what the clock already says — seats `available` again, holds
`expired` — so seat maps, reports and the database itself read plainly.

Why the SQL is shaped so: one conditional UPDATE releases the stale seats, row-locking them in
id order with SKIP LOCKED: a stale seat that is locked is being claimed by a buyer right now,
and that buyer's claim is the better way for it to leave the stale hold. The holds are then
marked expired with one more conditional UPDATE (`status = 'active' AND expires_at <= :now`),
which a concurrent confirm cannot race: confirm holds the hold's row lock and changes its
status, so the sweeper's re-check skips it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from ticketapp.booking._tx import moment, run
from ticketapp.booking.inventory import ACTIVE, EXPIRED, seat_update
from ticketapp.booking.results import ExpiredSeats
from ticketapp.models import Hold, SeatStatus, ShowSeat


def expire_stale_holds(
    *, now: datetime | None = None, db: Engine | None = None
) -> list[ExpiredSeats]:
    """Release the seats of holds past their time; returns what was released, per show."""
    now = moment(now)

    def work(session: Session) -> list[ExpiredSeats]:
        released = session.exec(
            seat_update(
                ShowSeat.status == SeatStatus.HELD,
                ShowSeat.held_until <= now,
                skip_locked=True,
                status=SeatStatus.AVAILABLE,
                hold_id=None,
                held_until=None,
            ).returning(ShowSeat.show_id)
        ).all()
        session.exec(
            update(Hold)
            .where(Hold.status == ACTIVE, Hold.expires_at <= now)
            .values(status=EXPIRED)
            .execution_options(synchronize_session=False)
        )
        by_show: dict[int, list[int]] = defaultdict(list)
        for seat_id, show_id in released:
            by_show[show_id].append(seat_id)
        return [ExpiredSeats(show, tuple(sorted(ids))) for show, ids in sorted(by_show.items())]

    return run(db, work)
