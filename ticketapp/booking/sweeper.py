"""The sweeper: tidy up holds whose time has run out.

Nothing depends on it: every claim already treats a seat held past `held_until` as sellable,
and confirming an expired hold is refused by the clock, not by the hold's status. The sweeper
only makes the rows say what the clock already says — seats `available` again, holds
`expired` — so seat maps, reports and the database itself read plainly.

Why the SQL is shaped so: stale holds are picked with `FOR NO KEY UPDATE SKIP LOCKED` on the
hold rows. A locked hold is one that a confirm is working on right now (confirm locks the hold
first); the sweeper leaves it alone, so a hold is always either booked whole or released whole
— the sweeper never pulls seats out from under a confirm that started before the deadline.
The picked holds are marked expired, then one conditional UPDATE releases every seat still held
by a hold that is no longer active, its seat rows locked in id order with SKIP LOCKED: a locked
stale seat is being claimed by a buyer this instant, which is the better way for it to go.
Then, in the same transaction, offers that ended are marked and every show with people on its
waiting list offers its free seats to them (`waiting_list.after_sweep`): an offer not taken
moves on to the next person.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ticketapp.booking._tx import moment, run
from ticketapp.booking.inventory import ACTIVE, EXPIRED, seat_update
from ticketapp.booking.results import ExpiredSeats
from ticketapp.booking.waiting_list import after_sweep
from ticketapp.models import Hold, SeatStatus, ShowSeat


def expire_stale_holds(
    *, now: datetime | None = None, db: Engine | None = None
) -> list[ExpiredSeats]:
    """Release the seats of holds past their time; returns what was released, per show."""
    now = moment(now)

    def work(session: Session) -> list[ExpiredSeats]:
        stale = list(
            session.exec(
                select(Hold.id)
                .where(Hold.status == ACTIVE, Hold.expires_at <= now)
                .order_by(Hold.id)
                .with_for_update(key_share=True, skip_locked=True)
            )
        )
        if stale:
            session.exec(
                update(Hold)
                .where(Hold.id.in_(stale))
                .values(status=EXPIRED)
                .execution_options(synchronize_session=False)
            )
        dead_holds = select(Hold.id).where(Hold.status != ACTIVE)
        released = session.exec(
            seat_update(
                ShowSeat.status == SeatStatus.HELD,
                ShowSeat.held_until <= now,
                ShowSeat.hold_id.in_(dead_holds),
                skip_locked=True,
                status=SeatStatus.AVAILABLE,
                hold_id=None,
                held_until=None,
            ).returning(ShowSeat.show_id)
        ).all()
        # In the same transaction: ended offers pass on, freed seats go to the waiting lists.
        after_sweep(session.connection(), now)
        by_show: dict[int, list[int]] = defaultdict(list)
        for seat_id, show_id in released:
            by_show[show_id].append(seat_id)
        return [ExpiredSeats(show, tuple(sorted(ids))) for show, ids in sorted(by_show.items())]

    return run(db, work)
