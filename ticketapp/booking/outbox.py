"""The mail outbox: what a buyer must hear about is written down with the change itself.

Invariants:
- Every booking change a buyer should hear about — confirmed, cancelled by the buyer or the
  organizer, cancelled because its show or event was — adds one `outbox_mail` row *inside the
  transaction that makes the change*. A rolled-back change leaves no mail behind; a committed
  change always has its mail, whatever happens to the process or the SMTP server next.
- One row per change, however often the change is attempted: `dedupe_key` ("booking-
  confirmed:42") is unique and the row goes in with INSERT ... ON CONFLICT DO NOTHING, so an
  idempotent re-confirm or a retried transaction adds nothing and raises nothing. A booking is
  cancelled at most once, so all cancellation kinds share the key "booking-cancelled:<id>".
- The row carries a JSON snapshot (`BookingMail`) read in that same transaction: the mail
  tells what was committed, even if the booking changes again before it goes out.

Rendering and delivery live in `ticketapp.mail`, outside any booking transaction: an SMTP
outage never fails or slows a booking; it only delays the mail (see `ticketapp.mail.sender`
for the claim, lease and retry rules).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from sqlmodel.sql.expression import Select

from ticketapp.booking._tx import moment, run
from ticketapp.booking.access import Actor, managed_by
from ticketapp.booking.errors import NotAllowed, NotFound
from ticketapp.booking.results import BookingView, MailView
from ticketapp.formatting import show_time
from ticketapp.models import Booking, BookingStatus, Event, MailStatus, OutboxMail, Show


class MailKind:
    BOOKING_CONFIRMED = "booking_confirmed"
    BOOKING_CANCELLED = "booking_cancelled"  # by the buyer, the organizer or an admin
    SHOW_CANCELLED = "show_cancelled"  # the show or the whole event is off
    ALL = (BOOKING_CONFIRMED, BOOKING_CANCELLED, SHOW_CANCELLED)


@dataclass(frozen=True)
class MailTicket:
    code: str
    label: str
    section: str
    category: str
    price_cents: int
    ticket_type: str = ""  # "" for a category without ticket types


@dataclass(frozen=True)
class BookingMail:
    """What a booking mail reports, as committed; stored as JSON in `OutboxMail.payload`."""

    kind: str
    booking_id: int
    booking_code: str
    buyer_name: str
    event_title: str
    venue_name: str
    venue_address: str
    starts_at: datetime
    currency: str
    total_cents: int
    tickets: tuple[MailTicket, ...]
    reason: str = ""
    cancelled_by_buyer: bool = False
    timezone: str = "UTC"  # the venue's: mails read the show's time on its clock (older: UTC)
    promo_code: str = ""
    discount_cents: int = 0  # total_cents is already after it

    def to_json(self) -> str:
        # Field by field, not dataclasses.asdict: that deep-copies every value and was the
        # largest single cost of a confirm after the SQL.
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["starts_at"] = self.starts_at.isoformat()
        data["tickets"] = [
            {f.name: getattr(t, f.name) for f in fields(MailTicket)} for t in self.tickets
        ]
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> BookingMail:
        data = json.loads(text)
        data["starts_at"] = datetime.fromisoformat(data["starts_at"])
        data["tickets"] = tuple(MailTicket(**t) for t in data["tickets"])
        return cls(**data)


def dedupe_key(kind: str, booking_id: int) -> str:
    change = (
        BookingStatus.CONFIRMED if kind == MailKind.BOOKING_CONFIRMED else BookingStatus.CANCELLED
    )
    return f"booking-{change}:{booking_id}"


def subject_of(mail: BookingMail) -> str:
    when = show_time(mail.starts_at, mail.timezone)
    title = " ".join(mail.event_title.split())  # a header must not carry a line break
    if mail.kind == MailKind.BOOKING_CONFIRMED:
        subject = f"Your tickets: {title}, {when} (booking {mail.booking_code})"
    elif mail.kind == MailKind.SHOW_CANCELLED:
        subject = f"Cancelled: {title}, {when} (booking {mail.booking_code})"
    else:
        subject = f"Booking {mail.booking_code} cancelled: {title}, {when}"
    return subject[:300]


def enqueue_booking_mail(
    session: Session,
    kind: str,
    view: BookingView,
    *,
    now: datetime,
    reason: str = "",
    cancelled_by_buyer: bool = False,
) -> bool:
    """Add the mail about `view`'s change to the caller's transaction; False if already there.

    Call it from inside the engine transaction that makes the change, after the change is
    flushed, with the view read in that transaction.
    """
    event = session.get(Event, view.event_id)
    row = mail_row(
        kind,
        view,
        venue_address=event.venue_address if event else "",
        now=now,
        reason=reason,
        cancelled_by_buyer=cancelled_by_buyer,
    )
    stmt = insert_mail(session.get_bind().dialect.name, row).returning(OutboxMail.id)
    # a row back means inserted (rowcount is not reliable here)
    return session.connection().execute(stmt).first() is not None


def mail_row(
    kind: str,
    view: BookingView,
    *,
    venue_address: str,
    now: datetime,
    reason: str = "",
    cancelled_by_buyer: bool = False,
) -> dict:
    """The outbox row reporting `view`'s change: recipient, subject and the JSON snapshot."""
    if kind not in MailKind.ALL:
        raise ValueError(f"unknown mail kind {kind!r}")
    mail = BookingMail(
        kind=kind,
        booking_id=view.id,
        booking_code=view.code,
        buyer_name=view.buyer_name,
        event_title=view.event_title,
        venue_name=view.venue_name,
        venue_address=venue_address,
        starts_at=view.starts_at,
        currency=view.currency,
        total_cents=view.total_cents,
        tickets=tuple(
            MailTicket(t.code, t.label, t.section, t.category_name, t.price_cents, t.ticket_type)
            for t in view.tickets
        ),
        reason=reason,
        cancelled_by_buyer=cancelled_by_buyer,
        timezone=view.timezone,
        promo_code=view.promo_code,
        discount_cents=view.discount_cents,
    )
    return {
        "dedupe_key": dedupe_key(kind, view.id),
        "kind": kind,
        "booking_id": view.id,
        "to_address": view.buyer_email,
        "subject": subject_of(mail),
        "payload": mail.to_json(),
        "status": MailStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "claim_token": "",
        "last_error": "",
        "created_at": now,
    }


def insert_mail(dialect_name: str, row: dict):
    """INSERT ... ON CONFLICT (dedupe_key) DO NOTHING of an outbox row.

    Not catch-IntegrityError: on PostgreSQL a failed INSERT would abort the whole booking
    transaction, and the engine would take it for a conflict.
    """
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return (
        dialect.insert(OutboxMail.__table__)
        .values(**row)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
    )


@cache
def mail_insert(dialect_name: str):
    """`insert_mail` built once, taking the row as parameters (see `mail_params`)."""
    columns = [
        "dedupe_key",
        "kind",
        "booking_id",
        "to_address",
        "subject",
        "payload",
        "status",
        "attempts",
        "next_attempt_at",
        "claim_token",
        "last_error",
        "created_at",
    ]
    return insert_mail(dialect_name, {name: bindparam(f"p_mail_{name}") for name in columns})


def mail_params(row: dict) -> dict:
    return {f"p_mail_{name}": value for name, value in row.items()}


def _mail_views(session: Session, query: Select) -> list[MailView]:
    return [
        MailView(
            id=m.id,
            kind=m.kind,
            status=m.status,
            to_address=m.to_address,
            subject=m.subject,
            booking_id=m.booking_id,
            booking_code=code,
            event_id=event_id,
            event_title=title,
            attempts=m.attempts,
            last_error=m.last_error,
            created_at=m.created_at,
            next_attempt_at=m.next_attempt_at,
            sent_at=m.sent_at,
        )
        for m, code, event_id, title in session.exec(query).all()
    ]


def _visible_mails(actor: Actor) -> Select:
    """Mails with their booking and event; an organizer's own events' only, all for admins."""
    if not actor.is_organizer:
        raise NotAllowed("Only organizers and admins can see undelivered mail.")
    return (
        select(OutboxMail, Booking.code, Event.id, Event.title)
        .outerjoin(Booking, Booking.id == OutboxMail.booking_id)
        .outerjoin(Show, Show.id == Booking.show_id)
        .outerjoin(Event, Event.id == Show.event_id)
        .where(managed_by(actor, Event.organizer_id))
    )


def failed_mails(
    actor: Actor,
    *,
    event_id: int | None = None,
    limit: int = 200,
    db: Engine | None = None,
) -> list[MailView]:
    """Mails the sender gave up on, newest first: an organizer's events', or all for admins."""
    query = _visible_mails(actor).where(OutboxMail.status == MailStatus.FAILED)
    if event_id is not None:
        query = query.where(Event.id == event_id)
    query = query.order_by(OutboxMail.created_at.desc(), OutboxMail.id.desc()).limit(limit)
    return run(db, lambda session: _mail_views(session, query))


def retry_mail(
    mail_id: int,
    *,
    actor: Actor,
    now: datetime | None = None,
    db: Engine | None = None,
) -> MailView:
    """Put a failed mail back in the queue with a fresh set of attempts (after a fix)."""
    now = moment(now)
    query = _visible_mails(actor).where(OutboxMail.id == mail_id)

    def work(session: Session) -> MailView:
        found = _mail_views(session, query.with_for_update(of=OutboxMail))
        if not found:
            raise NotFound("No such mail.")
        mail = session.get(OutboxMail, mail_id)
        if mail.status == MailStatus.FAILED:
            mail.status, mail.attempts, mail.next_attempt_at = MailStatus.PENDING, 0, now
            session.add(mail)
            session.flush()
        return _mail_views(session, query)[0]

    return run(db, work)
