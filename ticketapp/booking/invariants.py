"""The invariant checker: scan the whole database and name every broken booking rule.

Run it after any load test or race (every engine test ends with `assert check_invariants(db)
== []`), or against production in a quiet moment. Each message starts with the name of the rule
it breaks, then the rows involved, e.g. `double_booked: seat 17 has 2 live tickets`.

The rules, as the engine keeps them:
- `double_booked`: a seat has at most one live ticket (the partial unique index says so too).
- `booked_without_ticket` / `ticket_without_booked_seat`: a seat is `booked` exactly when it has
  a live ticket of the booking it names, and a live ticket belongs to a confirmed booking of the
  seat's own show.
- `booking_without_tickets` / `booking_total_mismatch`: a confirmed booking has live tickets
  and its total is their sum; `booked_after_expiry`: a booking never came from a hold that had
  already run out (a hold past its time is never counted as sold).
- `stale_seat_state` / `held_without_live_hold`: an available or blocked seat carries no hold
  or booking; a held seat names a hold of its own show, no booking, and does not outlive that
  hold (a released, confirmed or expired hold holds nothing).
- `hold_status_mismatch`: a confirmed hold has exactly one booking and only confirmed holds
  have bookings.
- `counts_do_not_add_up`: per show, sold + held + available + blocked = places, sold = live
  tickets, revenue = the confirmed bookings' totals.
- `ga_over_capacity`: a standing area never sells more than its capacity.
- `over_customer_cap` / `several_live_holds`: a customer has at most one live hold per show and
  holds at most the show's cap.
- `offer_without_hold` / `several_open_places` / `sold_past_list` (the waiting list): an
  offered entry names a hold of its own customer and show; a customer has at most one waiting
  place per show; while someone waits and the list is on, no set of available seats fits them
  (returned seats went to offers, not back on sale past the list).
- `mail_missing` / `mail_without_change`: every booking has its confirmation mail in the
  outbox and every cancelled one its cancellation mail (both written with the change), and no
  booking that is still confirmed has a cancellation mail (one from a rolled-back cancel).
- `type_count_mismatch` / `over_type_limit`: a ticket type's `sold` is its number of live
  tickets, never above its quantity limit; `code_count_mismatch` / `over_code_limit`: a promo
  code's `uses` is its number of confirmed bookings, never above its limit.

The checks are plain aggregate queries with no locks, run in one read transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import and_, func, or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ticketapp.booking._tx import moment, run
from ticketapp.booking.inventory import ACTIVE, CONFIRMED
from ticketapp.booking.reports import sales_of_show
from ticketapp.booking.waiting_list import unserved_fits
from ticketapp.models import (
    Booking,
    BookingStatus,
    Hold,
    LayoutSection,
    OutboxMail,
    PromoCode,
    SeatStatus,
    Show,
    ShowSeat,
    Ticket,
    TicketType,
    WaitingEntry,
    WaitingStatus,
)

Check = Callable[[Session, datetime], list[str]]
KNOWN_STATUSES = (SeatStatus.AVAILABLE, SeatStatus.HELD, SeatStatus.BOOKED, SeatStatus.BLOCKED)


def _double_booked(session: Session, now: datetime) -> list[str]:
    rows = session.exec(
        select(Ticket.show_seat_id, func.count(Ticket.id))
        .where(Ticket.live.is_(True))
        .group_by(Ticket.show_seat_id)
        .having(func.count(Ticket.id) > 1)
    ).all()
    return [f"double_booked: seat {seat} has {n} live tickets" for seat, n in rows]


def _booked_without_ticket(session: Session, now: datetime) -> list[str]:
    live_ticket = (
        select(Ticket.id)
        .where(
            Ticket.show_seat_id == ShowSeat.id,
            Ticket.booking_id == ShowSeat.booking_id,
            Ticket.live.is_(True),
        )
        .exists()
    )
    rows = session.exec(
        select(ShowSeat.id, ShowSeat.booking_id).where(
            ShowSeat.status == SeatStatus.BOOKED, ~live_ticket
        )
    ).all()
    return [
        f"booked_without_ticket: seat {seat} is booked (booking {booking}) without a live ticket"
        for seat, booking in rows
    ]


def _ticket_without_booked_seat(session: Session, now: datetime) -> list[str]:
    rows = session.exec(
        select(Ticket.id, ShowSeat.id, ShowSeat.status, Booking.status)
        .join(ShowSeat, ShowSeat.id == Ticket.show_seat_id)
        .join(Booking, Booking.id == Ticket.booking_id)
        .where(
            Ticket.live.is_(True),
            or_(
                ShowSeat.status != SeatStatus.BOOKED,
                ShowSeat.booking_id.is_(None),
                ShowSeat.booking_id != Ticket.booking_id,
                ShowSeat.show_id != Booking.show_id,
                Booking.status != BookingStatus.CONFIRMED,
            ),
        )
    ).all()
    return [
        f"ticket_without_booked_seat: live ticket {ticket} on seat {seat} "
        f"(seat {seat_status}, booking {booking_status})"
        for ticket, seat, seat_status, booking_status in rows
    ]


def _booking_tickets(session: Session, now: datetime) -> list[str]:
    live_sum = (
        select(func.coalesce(func.sum(Ticket.price_cents), 0))
        .where(Ticket.booking_id == Booking.id, Ticket.live.is_(True))
        .correlate(Booking)
        .scalar_subquery()
    )
    live_count = (
        select(func.count(Ticket.id))
        .where(Ticket.booking_id == Booking.id, Ticket.live.is_(True))
        .correlate(Booking)
        .scalar_subquery()
    )
    problems = []
    for booking, total, count, tickets in session.exec(
        select(Booking.id, Booking.total_cents, live_count, live_sum).where(
            Booking.status == BookingStatus.CONFIRMED
        )
    ).all():
        if count == 0:
            problems.append(f"booking_without_tickets: confirmed booking {booking} has none")
        elif total != tickets:
            problems.append(
                f"booking_total_mismatch: booking {booking} total {total} != tickets {tickets}"
            )
    return problems


def _booked_after_expiry(session: Session, now: datetime) -> list[str]:
    rows = session.exec(
        select(Booking.id, Hold.id)
        .join(Hold, Hold.id == Booking.hold_id)
        .where(Booking.created_at >= Hold.expires_at)
    ).all()
    return [
        f"booked_after_expiry: booking {booking} was made after hold {hold} had expired"
        for booking, hold in rows
    ]


def _stale_seat_state(session: Session, now: datetime) -> list[str]:
    rows = session.exec(
        select(ShowSeat.id, ShowSeat.status).where(
            or_(
                ShowSeat.status.not_in(KNOWN_STATUSES),
                and_(
                    ShowSeat.status.in_((SeatStatus.AVAILABLE, SeatStatus.BLOCKED)),
                    or_(
                        ShowSeat.hold_id.is_not(None),
                        ShowSeat.booking_id.is_not(None),
                        ShowSeat.held_until.is_not(None),
                    ),
                ),
                and_(
                    ShowSeat.status == SeatStatus.BOOKED,
                    or_(ShowSeat.hold_id.is_not(None), ShowSeat.held_until.is_not(None)),
                ),
            )
        )
    ).all()
    return [f"stale_seat_state: seat {seat} is {status!r} with leftovers" for seat, status in rows]


def _held_without_live_hold(session: Session, now: datetime) -> list[str]:
    rows = session.exec(
        select(ShowSeat.id, ShowSeat.hold_id, Hold.status)
        .outerjoin(Hold, Hold.id == ShowSeat.hold_id)
        .where(
            ShowSeat.status == SeatStatus.HELD,
            or_(
                ShowSeat.held_until.is_(None),
                ShowSeat.booking_id.is_not(None),
                Hold.id.is_(None),
                Hold.show_id != ShowSeat.show_id,
                ShowSeat.held_until > Hold.expires_at,
                and_(Hold.status != ACTIVE, ShowSeat.held_until > now),
            ),
        )
    ).all()
    return [
        f"held_without_live_hold: seat {seat} is held by hold {hold} ({status})"
        for seat, hold, status in rows
    ]


def _hold_status_mismatch(session: Session, now: datetime) -> list[str]:
    rows = session.exec(
        select(Hold.id, Hold.status, func.count(Booking.id))
        .outerjoin(Booking, Booking.hold_id == Hold.id)
        .group_by(Hold.id, Hold.status)
        .having(
            or_(
                and_(Hold.status == CONFIRMED, func.count(Booking.id) != 1),
                and_(Hold.status != CONFIRMED, func.count(Booking.id) > 0),
            )
        )
    ).all()
    return [
        f"hold_status_mismatch: hold {hold} is {status} with {n} bookings"
        for hold, status, n in rows
    ]


def _counts(session: Session, now: datetime) -> list[str]:
    problems = []
    tickets = dict(
        session.exec(
            select(ShowSeat.show_id, func.count(Ticket.id))
            .join(ShowSeat, ShowSeat.id == Ticket.show_seat_id)
            .where(Ticket.live.is_(True))
            .group_by(ShowSeat.show_id)
        ).all()
    )
    totals = dict(
        session.exec(
            select(Booking.show_id, func.sum(Booking.total_cents))
            .where(Booking.status == BookingStatus.CONFIRMED)
            .group_by(Booking.show_id)
        ).all()
    )
    for show in session.exec(select(Show).order_by(Show.id)).all():
        c = sales_of_show(session, show, now).counts
        if c.sold + c.held + c.available + c.blocked != c.total:
            problems.append(
                f"counts_do_not_add_up: show {show.id} sold {c.sold} + held {c.held} + "
                f"available {c.available} + blocked {c.blocked} != {c.total} places"
            )
        if c.sold != tickets.get(show.id, 0):
            problems.append(
                f"counts_do_not_add_up: show {show.id} has {c.sold} booked seats but "
                f"{tickets.get(show.id, 0)} live tickets"
            )
        if c.revenue_cents != int(totals.get(show.id) or 0):
            problems.append(
                f"counts_do_not_add_up: show {show.id} revenue {c.revenue_cents} != "
                f"bookings total {int(totals.get(show.id) or 0)}"
            )
    return problems


def _ga_over_capacity(session: Session, now: datetime) -> list[str]:
    rows = session.exec(
        select(
            ShowSeat.show_id,
            ShowSeat.section,
            func.count(ShowSeat.id).filter(ShowSeat.status == SeatStatus.BOOKED),
            func.count(ShowSeat.id),
            func.max(LayoutSection.capacity),
        )
        .join(Show, Show.id == ShowSeat.show_id)
        .outerjoin(
            LayoutSection,
            and_(
                LayoutSection.layout_id == Show.layout_id,
                LayoutSection.name == ShowSeat.section,
                LayoutSection.is_general_admission.is_(True),
            ),
        )
        .where(ShowSeat.is_general_admission.is_(True))
        .group_by(ShowSeat.show_id, ShowSeat.section)
    ).all()
    problems = []
    for show, section, sold, places, capacity in rows:
        limit = min(places, capacity) if capacity is not None else places
        if sold > limit:
            problems.append(
                f"ga_over_capacity: show {show} area {section!r} sold {sold} of {limit}"
            )
    return problems


def _customer_holds(session: Session, now: datetime) -> list[str]:
    live = and_(Hold.status == ACTIVE, Hold.expires_at > now)
    problems = [
        f"several_live_holds: user {user} has {n} live holds on show {show}"
        for user, show, n in session.exec(
            select(Hold.user_id, Hold.show_id, func.count(Hold.id))
            .where(live)
            .group_by(Hold.user_id, Hold.show_id)
            .having(func.count(Hold.id) > 1)
        ).all()
    ]
    problems += [
        f"over_customer_cap: user {user} holds {n} seats on show {show} (cap {cap})"
        for user, show, cap, n in session.exec(
            select(Hold.user_id, Hold.show_id, Show.max_seats_per_customer, func.count(ShowSeat.id))
            .join(ShowSeat, ShowSeat.hold_id == Hold.id)
            .join(Show, Show.id == Hold.show_id)
            .where(live, ShowSeat.status == SeatStatus.HELD, ShowSeat.held_until > now)
            .group_by(Hold.user_id, Hold.show_id, Show.max_seats_per_customer)
            .having(func.count(ShowSeat.id) > Show.max_seats_per_customer)
        ).all()
    ]
    return problems


def _mails(session: Session, now: datetime) -> list[str]:
    def has_mail(*kinds: str):
        return (
            select(OutboxMail.id)
            .where(OutboxMail.booking_id == Booking.id, OutboxMail.kind.in_(kinds))
            .exists()
        )

    cancelled_kinds = ("booking_cancelled", "show_cancelled")
    problems = [
        f"mail_missing: booking {booking_id} has no confirmation mail"
        for booking_id in session.exec(
            select(Booking.id).where(~has_mail("booking_confirmed")).order_by(Booking.id)
        )
    ]
    problems += [
        f"mail_missing: cancelled booking {booking_id} has no cancellation mail"
        for booking_id in session.exec(
            select(Booking.id)
            .where(Booking.status == BookingStatus.CANCELLED, ~has_mail(*cancelled_kinds))
            .order_by(Booking.id)
        )
    ]
    problems += [
        f"mail_without_change: booking {booking_id} is confirmed but has a cancellation mail"
        for booking_id in session.exec(
            select(Booking.id)
            .where(Booking.status == BookingStatus.CONFIRMED, has_mail(*cancelled_kinds))
            .order_by(Booking.id)
        )
    ]
    return problems


def _waiting_list(session: Session, now: datetime) -> list[str]:
    problems = [
        f"offer_without_hold: waiting entry {entry} is offered with hold {hold}"
        for entry, hold in session.exec(
            select(WaitingEntry.id, WaitingEntry.hold_id)
            .outerjoin(Hold, Hold.id == WaitingEntry.hold_id)
            .where(
                WaitingEntry.status == WaitingStatus.OFFERED,
                or_(
                    Hold.id.is_(None),
                    Hold.show_id != WaitingEntry.show_id,
                    Hold.user_id != WaitingEntry.user_id,
                ),
            )
        ).all()
    ]
    problems += [
        f"several_open_places: user {user} waits {n} times on show {show}"
        for user, show, n in session.exec(
            select(WaitingEntry.user_id, WaitingEntry.show_id, func.count(WaitingEntry.id))
            .where(WaitingEntry.status == WaitingStatus.WAITING)
            .group_by(WaitingEntry.user_id, WaitingEntry.show_id)
            .having(func.count(WaitingEntry.id) > 1)
        ).all()
    ]
    return problems + unserved_fits(session, now)


def _pricing_counters(session: Session, now: datetime) -> list[str]:
    live = (
        select(func.count(Ticket.id))
        .where(Ticket.ticket_type_id == TicketType.id, Ticket.live.is_(True))
        .correlate(TicketType)
        .scalar_subquery()
    )
    problems = [
        f"type_count_mismatch: ticket type {type_id} counts {sold} sold, has {tickets} live"
        for type_id, sold, tickets in session.exec(
            select(TicketType.id, TicketType.sold, live)
            .where(TicketType.sold != live)
            .order_by(TicketType.id)
        )
    ]
    problems += [
        f"over_type_limit: ticket type {type_id} sold {sold} of {limit}"
        for type_id, sold, limit in session.exec(
            select(TicketType.id, TicketType.sold, TicketType.quantity_limit)
            .where(TicketType.sold > TicketType.quantity_limit)
            .order_by(TicketType.id)
        )
    ]
    used = (
        select(func.count(Booking.id))
        .where(Booking.promo_code_id == PromoCode.id, Booking.status == BookingStatus.CONFIRMED)
        .correlate(PromoCode)
        .scalar_subquery()
    )
    problems += [
        f"code_count_mismatch: promo code {code_id} counts {uses} uses, has {bookings} bookings"
        for code_id, uses, bookings in session.exec(
            select(PromoCode.id, PromoCode.uses, used)
            .where(PromoCode.uses != used)
            .order_by(PromoCode.id)
        )
    ]
    problems += [
        f"over_code_limit: promo code {code_id} used {uses} of {limit} times"
        for code_id, uses, limit in session.exec(
            select(PromoCode.id, PromoCode.uses, PromoCode.max_uses)
            .where(PromoCode.uses > PromoCode.max_uses)
            .order_by(PromoCode.id)
        )
    ]
    return problems


CHECKS: tuple[Check, ...] = (
    _double_booked,
    _booked_without_ticket,
    _ticket_without_booked_seat,
    _booking_tickets,
    _booked_after_expiry,
    _stale_seat_state,
    _held_without_live_hold,
    _hold_status_mismatch,
    _counts,
    _ga_over_capacity,
    _customer_holds,
    _mails,
    _waiting_list,
    _pricing_counters,
)


def check_invariants(db: Engine | None = None, *, now: datetime | None = None) -> list[str]:
    """Every broken invariant in the database, one message each; [] when all is well."""
    now = moment(now)

    def work(session: Session) -> list[str]:
        problems: list[str] = []
        for check in CHECKS:
            problems += check(session, now)
        return problems

    return run(db, work)
