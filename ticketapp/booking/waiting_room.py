"""The virtual waiting room: when a show goes on sale, customers shop in the order they are let in.

Invariants:
- Opt-in per show (or for every show of an event) by its organizer: `queue_enabled`, with an
  admission rate (customers per minute), a cap on active shoppers, or both; the organizer can
  pause, resume and change them at any time. The queue opens at the show's `sales_open_at`.
- One place per account and show (log-in required); those who joined before the on-sale time
  are in random order among themselves, ahead of everyone who came later, first come first
  served (waiting_room_store.py says how).
- Admission hands out a pass (queue_pass.py) bound to the account and the show, good for the
  show's `queue_pass_seconds` (default 10 minutes) and renewed while the customer holds seats.
  While the queue is on, every way to hold seats — chosen seats, best available, general
  admission, the one-request purchase — refuses a request without a valid pass
  (`QueuePassRequired`); the check is `queue_pass.check_pass`, made by the engine itself, so
  both doors get it.
- Admission runs exactly once per tick across all workers: every worker calls `admit_due` about
  once a second (ticketapp/live.py), and the store makes each tick atomic and single
  (a row lock taken with SKIP LOCKED on PostgreSQL, a fenced lease on Redis).

Where the places live is the store's business (`WaitingRoomStore`): the database by default,
Redis when configured (ticketapp/waiting_room_redis.py). The rules here are the same for both.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from ticketapp.booking import tables
from ticketapp.booking._tx import moment, run, run_core
from ticketapp.booking.access import Actor, managed_event, managed_show
from ticketapp.booking.errors import Conflict, InvalidRequest, NotFound
from ticketapp.booking.inventory import check_sales_open
from ticketapp.booking.queue_pass import issue_pass
from ticketapp.booking.sales_status import SalesStatus, sales_status
from ticketapp.booking.waiting_room_store import AdmissionRule, Spot, Tally, WaitingRoomStore
from ticketapp.models import BookingStatus, EventStatus, Show, ShowStatus

MAX_PER_MINUTE = 100_000
MIN_PASS_SECONDS = 60
MAX_PASS_SECONDS = 4 * 3600
# Status polls come by the thousand per second in a rush: a show's queue settings are read
# from the database at most this often per process (a changed rate shows within a second).
SETTINGS_TTL_SECONDS = 1.0


class QueueState(StrEnum):
    NO_QUEUE = "no_queue"  # the show has no waiting room: shop right away
    NOT_JOINED = "not_joined"
    BEFORE_SALE = "before_sale"  # joined; the order is drawn at the on-sale time
    WAITING = "waiting"
    ADMITTED = "admitted"  # the pass is valid: shop
    EXPIRED = "expired"  # the pass ran out: join again (at the back)


@dataclass(frozen=True, slots=True)
class QueueSettings:
    show_id: int
    enabled: bool
    paused: bool
    per_minute: int | None
    max_active: int | None
    pass_seconds: int
    opens_at: datetime | None  # the show's sales_open_at

    @property
    def rule(self) -> AdmissionRule:
        return AdmissionRule(self.per_minute, self.max_active, self.pass_seconds)


@dataclass(frozen=True, slots=True)
class QueuePlace:
    """A customer's view of their place, as the queue page and `GET .../queue` show it."""

    show_id: int
    state: QueueState
    position: int | None  # 1 = next in (while waiting)
    waiting: int  # how many wait in all
    estimate_seconds: int | None  # from the measured admission rate; None if unknown
    opens_at: datetime | None
    admitted_at: datetime | None = None
    pass_token: str | None = None
    pass_expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class QueueFigures:
    """The organizer's live dashboard of one show's waiting room."""

    settings: QueueSettings
    waiting: int
    admitted: int
    active: int
    admitted_last_minute: int
    sold_last_minute: int
    store: str


# --- the organizer's switches -------------------------------------------------------------


def check_settings(
    enabled: bool, per_minute: int | None, max_active: int | None, pass_seconds: int
) -> None:
    if per_minute is not None and not 1 <= per_minute <= MAX_PER_MINUTE:
        raise InvalidRequest(
            f"Admit between 1 and {MAX_PER_MINUTE} customers per minute.", "per_minute"
        )
    if max_active is not None and max_active < 1:
        raise InvalidRequest("Allow at least one active shopper.", "max_active")
    if enabled and per_minute is None and max_active is None:
        raise InvalidRequest(
            "Set an admission rate, a cap on active shoppers, or both.", "per_minute"
        )
    if not MIN_PASS_SECONDS <= pass_seconds <= MAX_PASS_SECONDS:
        raise InvalidRequest(
            f"Shopping time must be between {MIN_PASS_SECONDS // 60} and "
            f"{MAX_PASS_SECONDS // 60} minutes.",
            "pass_seconds",
        )


def _apply(
    show: Show,
    enabled: bool,
    per_minute: int | None,
    max_active: int | None,
    pass_seconds: int,
    paused: bool,
) -> QueueSettings:
    show.queue_enabled = enabled
    show.queue_per_minute = per_minute
    show.queue_max_active = max_active
    show.queue_pass_seconds = pass_seconds
    show.queue_paused = paused
    return settings_of(show)


def settings_of(show: Any) -> QueueSettings:
    return QueueSettings(
        show_id=show.id,
        enabled=bool(show.queue_enabled),
        paused=bool(show.queue_paused),
        per_minute=show.queue_per_minute,
        max_active=show.queue_max_active,
        pass_seconds=show.queue_pass_seconds,
        opens_at=show.sales_open_at,
    )


def configure_queue(
    show_id: int,
    *,
    actor: Actor,
    enabled: bool,
    per_minute: int | None = None,
    max_active: int | None = None,
    pass_seconds: int = 600,
    paused: bool = False,
    db: Engine | None = None,
) -> QueueSettings:
    """Turn the show's waiting room on or off, or change its rate, cap, shopping time, pause."""
    check_settings(enabled, per_minute, max_active, pass_seconds)

    def work(session: Session) -> QueueSettings:
        show, _ = managed_show(session, show_id, actor)
        settings = _apply(show, enabled, per_minute, max_active, pass_seconds, paused)
        session.add(show)
        return settings

    settings = run(db, work)
    _cached.pop((db, show_id), None)
    return settings


def configure_event_queue(
    event_id: int,
    *,
    actor: Actor,
    enabled: bool,
    per_minute: int | None = None,
    max_active: int | None = None,
    pass_seconds: int = 600,
    paused: bool = False,
    db: Engine | None = None,
) -> list[QueueSettings]:
    """`configure_queue` for every show of the event (each show keeps its own queue)."""
    check_settings(enabled, per_minute, max_active, pass_seconds)

    def work(session: Session) -> list[QueueSettings]:
        managed_event(session, event_id, actor)
        shows = session.exec(
            select(Show).where(Show.event_id == event_id).order_by(Show.starts_at)
        ).all()
        changed = [
            _apply(s[0], enabled, per_minute, max_active, pass_seconds, paused) for s in shows
        ]
        for row in shows:
            session.add(row[0])
        return changed

    changed = run(db, work)
    for settings in changed:
        _cached.pop((db, settings.show_id), None)
    return changed


def pause_queue(
    show_id: int, paused: bool, *, actor: Actor, db: Engine | None = None
) -> QueueSettings:
    """Stop (or restart) admitting; places and passes already given stay as they are."""

    def work(session: Session) -> QueueSettings:
        show, _ = managed_show(session, show_id, actor)
        if not show.queue_enabled:
            raise Conflict("This show has no waiting room to pause.")
        show.queue_paused = paused
        session.add(show)
        return settings_of(show)

    settings = run(db, work)
    _cached.pop((db, show_id), None)
    return settings


# --- the customer's side ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _QueueShow:
    settings: QueueSettings
    sales: SalesStatus
    row: Any  # the columns of `_show_columns`


# (engine, show id) -> (valid until, row); keyed by engine too, as tests run many databases.
_cached: dict[tuple[Engine | None, int], tuple[float, Any]] = {}


def _show_columns() -> Any:
    s, e = tables.show, tables.event
    return select(
        s.c.id,
        s.c.queue_enabled,
        s.c.queue_paused,
        s.c.queue_per_minute,
        s.c.queue_max_active,
        s.c.queue_pass_seconds,
        s.c.sales_open_at,
        s.c.sales_close_at,
        s.c.starts_at,
        s.c.status.label("show_status"),
        e.c.status.label("event_status"),
    ).select_from(s.join(e, e.c.id == s.c.event_id))


def _queue_show(
    show_id: int, now: datetime, db: Engine | None, *, fresh: bool = False
) -> _QueueShow:
    """The show's queue settings (at most `SETTINGS_TTL_SECONDS` old, or `fresh`) and its
    sales status at `now` (always the request's own)."""
    hit = None if fresh else _cached.get((db, show_id))
    if hit is not None and hit[0] > time.monotonic():
        row = hit[1]
    else:
        row = run_core(
            db,
            lambda conn: conn.execute(_show_columns().where(tables.show.c.id == show_id)).first(),
        )
        if row is None:
            raise NotFound("No such show.")
        _cached[(db, show_id)] = (time.monotonic() + SETTINGS_TTL_SECONDS, row)
    if row.event_status == EventStatus.DRAFT:  # a draft's show is nobody's business yet
        raise NotFound("No such show.")
    sales = sales_status(
        show_status=row.show_status,
        event_status=row.event_status,
        starts_at=row.starts_at,
        sales_open_at=row.sales_open_at,
        sales_close_at=row.sales_close_at,
        now=now,
    )
    return _QueueShow(settings_of(row), sales, row)


def join_queue(
    user_id: int,
    show_id: int,
    *,
    store: WaitingRoomStore,
    now: datetime | None = None,
    db: Engine | None = None,
) -> QueuePlace:
    """Take a place in the show's queue (or find the account's place: a second tab shares it).

    Open from when the waiting room is switched on until sales close; a pass that has run
    out is a new place at the back.
    """
    now = moment(now)
    # Read afresh: whether the account came before the on-sale time decides its place for
    # good, so it must not rest on a second-old copy of a just-moved on-sale time.
    show = _queue_show(show_id, now, db, fresh=True)
    if not show.settings.enabled:
        raise Conflict("This show has no waiting room: choose your seats right away.")
    if show.sales not in (SalesStatus.ON_SALE, SalesStatus.NOT_YET):
        r = show.row  # the refusal a hold would give
        check_sales_open(
            r.event_status, r.show_status, r.starts_at, r.sales_open_at, r.sales_close_at, now
        )
    opens = show.settings.opens_at
    spot = store.join(show_id, user_id, now, early=opens is not None and now < opens)
    return _place(show, spot, store.tally(show_id, now), user_id, now)


def queue_place(
    user_id: int,
    show_id: int,
    *,
    store: WaitingRoomStore,
    now: datetime | None = None,
    db: Engine | None = None,
) -> QueuePlace:
    """The account's place now: position and estimated wait, or the pass once admitted."""
    now = moment(now)
    show = _queue_show(show_id, now, db)
    if not show.settings.enabled:
        return QueuePlace(show_id, QueueState.NO_QUEUE, None, 0, None, show.settings.opens_at)
    spot = store.spot(show_id, user_id, now)
    return _place(show, spot, store.tally(show_id, now), user_id, now)


def _place(
    show: _QueueShow, spot: Spot | None, tally: Tally, user_id: int, now: datetime
) -> QueuePlace:
    s = show.settings
    if spot is None:
        return QueuePlace(s.show_id, QueueState.NOT_JOINED, None, tally.waiting, None, s.opens_at)
    if spot.admitted_at is not None:
        expires = spot.pass_expires_at
        if expires is None or expires <= now:
            return QueuePlace(
                s.show_id,
                QueueState.EXPIRED,
                None,
                tally.waiting,
                None,
                s.opens_at,
                spot.admitted_at,
            )
        return QueuePlace(
            s.show_id,
            QueueState.ADMITTED,
            None,
            tally.waiting,
            0,
            s.opens_at,
            spot.admitted_at,
            issue_pass(user_id, s.show_id, expires),
            expires,
        )
    if s.opens_at is not None and now < s.opens_at:
        # The order among early arrivals is only drawn at on-sale: no position before then.
        wait = estimate_seconds(tally.waiting, s, tally, now)
        return QueuePlace(s.show_id, QueueState.BEFORE_SALE, None, tally.waiting, wait, s.opens_at)
    return QueuePlace(
        s.show_id,
        QueueState.WAITING,
        spot.position,
        tally.waiting,
        estimate_seconds(spot.position or 1, s, tally, now),
        s.opens_at,
    )


def estimate_seconds(
    position: int, settings: QueueSettings, tally: Tally, now: datetime
) -> int | None:
    """How long until `position` is let in, at the rate measured over the last minute (the
    configured rate until there is a measurement); None when nothing says (a cap only)."""
    per_second = None
    if tally.first_admitted_at is not None and tally.admitted_last_minute:
        window = min(60.0, (now - tally.first_admitted_at).total_seconds())
        if window >= 5:
            per_second = tally.admitted_last_minute / window
    if per_second is None and settings.per_minute:
        per_second = settings.per_minute / 60
    if not per_second or settings.paused:
        return None
    return int(position / per_second + 0.999)


# --- the tick -----------------------------------------------------------------------------


def admit_due(
    *, store: WaitingRoomStore, now: datetime | None = None, db: Engine | None = None
) -> dict[int, list[int]]:
    """One tick for every show whose waiting room is open and running: who was let in.

    Called by every worker about once a second; the store makes each show's tick single.
    """
    now = moment(now)
    s, e = tables.show, tables.event

    def due(conn: Connection) -> list[Any]:
        return list(
            conn.execute(
                _show_columns().where(
                    s.c.queue_enabled.is_(True),
                    s.c.queue_paused.is_(False),
                    s.c.status == ShowStatus.SCHEDULED,
                    e.c.status == EventStatus.PUBLISHED,
                    s.c.starts_at > now,
                    or_(s.c.sales_open_at.is_(None), s.c.sales_open_at <= now),
                    or_(s.c.sales_close_at.is_(None), s.c.sales_close_at > now),
                )
            )
        )

    admitted = {}
    for row in run_core(db, due):
        admitted[row.id] = store.admit(row.id, now, settings_of(row).rule)
    return admitted


# --- the organizer's dashboard ------------------------------------------------------------


def queue_figures(
    show_id: int,
    *,
    actor: Actor,
    store: WaitingRoomStore,
    now: datetime | None = None,
    db: Engine | None = None,
) -> QueueFigures:
    """Queue length, admitted, active shoppers, admitted and sold in the last minute."""
    now = moment(now)

    def work(session: Session) -> tuple[QueueSettings, int]:
        show, _ = managed_show(session, show_id, actor)
        b, t = tables.booking, tables.ticket
        sold = (
            session.connection()
            .execute(
                select(func.count(t.c.id))
                .select_from(t.join(b, b.c.id == t.c.booking_id))
                .where(
                    and_(
                        b.c.show_id == show_id,
                        b.c.status == BookingStatus.CONFIRMED,
                        b.c.created_at > now - timedelta(seconds=60),
                    )
                )
            )
            .scalar()
        )
        return settings_of(show), int(sold or 0)

    settings, sold = run(db, work)
    tally = store.tally(show_id, now)
    return QueueFigures(
        settings,
        tally.waiting,
        tally.admitted,
        tally.active,
        tally.admitted_last_minute,
        sold,
        store.backend_status(),
    )
