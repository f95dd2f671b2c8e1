"""Delivering the outbox: claim a batch, send it outside any transaction, record each outcome.

Invariants:
- Every mail is delivered at least once. A row leaves pending/sending only for `sent` (the
  server accepted it) or `failed` (refused for good, or `max_attempts` transient failures);
  `failed` rows are shown to the event's organizer and admins (`booking.failed_mails`).
- Two senders never hold the same row at once. A claim is ONE statement: UPDATE the due rows
  (pending and due, or sending with a lease that ran out) to `sending`, with a fresh
  `claim_token` and `next_attempt_at` = now + lease, RETURNING them. On PostgreSQL the due
  rows are picked by a MATERIALIZED CTE with FOR UPDATE SKIP LOCKED, so concurrent senders
  take disjoint batches without waiting for each other, and the outer WHERE repeats the
  "due" test, so a row another sender just claimed is never taken twice. On SQLite, BEGIN
  IMMEDIATE (ticketapp.db) serializes claims.
- The lease makes a crashed sender harmless: its rows fall due again when the lease ends.
  Outcomes are recorded only under the lease (`claim_token` must still match), and a sender
  stops delivering a batch once half of the lease is used, handing the rest back, so a slow
  server cannot let a second sender deliver the same row meanwhile.
- `attempts` is counted at claim time, so a mail that kills the sender is given up on too.
- After a transient failure the row waits base * 2**(attempts-1) (capped), times a random
  factor in [0.5, 1]: the jitter keeps mails queued during one outage from all retrying in
  the same second.
- No transaction is open while talking to SMTP; each outcome is committed right after its
  delivery, so a crash mid-batch re-sends at most the one mail in flight. That re-send (and
  only that) is what "at least once" allows; it carries the same Message-ID and mail key
  header (ticketapp.mail.render), so receivers can drop it.
"""

from __future__ import annotations

import logging
import random
import secrets
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from ticketapp.booking.outbox import BookingMail, MailKind
from ticketapp.booking.ticket_files import booking_for_mail
from ticketapp.booking.waiting_list import OFFER_KEY_PREFIX, OfferMail
from ticketapp.db import get_engine, session_scope
from ticketapp.documents import booking_calendar, tickets_pdf
from ticketapp.mail.render import Attachment, render, render_offer
from ticketapp.mail.transport import PermanentFailure, Transport
from ticketapp.models import MailStatus, OutboxMail, utcnow

log = logging.getLogger(__name__)

BATCH_SIZE = 10
LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 8  # with the backoff below: about one to two hours of outage before giving up
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)
POLL_SECONDS = 5.0
_DUE_STATUSES = (MailStatus.PENDING, MailStatus.SENDING)


@dataclass(frozen=True)
class ClaimedMail:
    id: int
    dedupe_key: str
    to_address: str
    subject: str
    payload: str
    attempts: int  # including the one just claimed
    created_at: datetime


@dataclass
class SendReport:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    handed_back: int = 0

    def __iadd__(self, other: SendReport) -> SendReport:
        for name in ("claimed", "sent", "retrying", "failed", "handed_back"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


def backoff(attempts: int, rng: random.Random) -> timedelta:
    """How long a mail waits after its `attempts`-th failure."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempts - 1))
    return ceiling * rng.uniform(0.5, 1.0)


def claim_batch(
    db: Engine, *, now: datetime, token: str, limit: int = BATCH_SIZE, lease: timedelta = LEASE
) -> list[ClaimedMail]:
    """Take up to `limit` due mails for the sender holding `token` (see the module docstring)."""
    is_due = (OutboxMail.status.in_(_DUE_STATUSES), OutboxMail.next_attempt_at <= now)
    due = (
        select(OutboxMail.id)
        .where(*is_due)
        .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("due")
        .prefix_with("MATERIALIZED")
    )
    stmt = (
        update(OutboxMail)
        .where(OutboxMail.id.in_(select(due.c.id)), *is_due)
        .values(
            status=MailStatus.SENDING,
            attempts=OutboxMail.attempts + 1,
            next_attempt_at=now + lease,
            claim_token=token,
        )
        .returning(
            OutboxMail.id,
            OutboxMail.dedupe_key,
            OutboxMail.to_address,
            OutboxMail.subject,
            OutboxMail.payload,
            OutboxMail.attempts,
            OutboxMail.created_at,
        )
    )
    with session_scope(db) as session:
        rows = session.connection().execute(stmt).all()
    return sorted((ClaimedMail(*row) for row in rows), key=lambda m: m.id)


def _settle(db: Engine, mail_ids: list[int], token: str, **values: object) -> int:
    """Update rows this sender still holds under `token`; how many it still held."""
    stmt = (
        update(OutboxMail)
        .where(
            OutboxMail.id.in_(mail_ids),
            OutboxMail.claim_token == token,
            OutboxMail.status == MailStatus.SENDING,
        )
        .values(claim_token="", **values)
        .returning(OutboxMail.id)
    )
    with session_scope(db) as session:
        return len(session.connection().execute(stmt).all())


def record_sent(db: Engine, mail: ClaimedMail, *, token: str, now: datetime) -> bool:
    held = _settle(db, [mail.id], token, status=MailStatus.SENT, sent_at=now, last_error="")
    return held == 1


def record_failure(
    db: Engine,
    mail: ClaimedMail,
    error: BaseException,
    *,
    token: str,
    now: datetime,
    permanent: bool,
    max_attempts: int,
    rng: random.Random,
) -> str | None:
    """Back off, or give up; the row's new status, None if the lease was lost meanwhile."""
    give_up = permanent or mail.attempts >= max_attempts
    status = MailStatus.FAILED if give_up else MailStatus.PENDING
    next_at = now if give_up else now + backoff(mail.attempts, rng)
    text = f"{type(error).__name__}: {error}"[:1000]
    held = _settle(db, [mail.id], token, status=status, next_attempt_at=next_at, last_error=text)
    return status if held else None


def hand_back(db: Engine, mails: list[ClaimedMail], *, token: str, now: datetime) -> int:
    """Return claimed but unsent mails to the queue, due at once, their attempt not counted."""
    if not mails:
        return 0
    return _settle(
        db,
        [m.id for m in mails],
        token,
        status=MailStatus.PENDING,
        next_attempt_at=now,
        attempts=OutboxMail.attempts - 1,
    )


class MailSender:
    """One sender: any number may run at once, in threads or processes, on one database."""

    def __init__(
        self,
        transport: Transport,
        *,
        mail_from: str,
        site_url: str = "http://localhost:3000",
        db: Engine | None = None,
        batch_size: int = BATCH_SIZE,
        lease: timedelta = LEASE,
        max_attempts: int = MAX_ATTEMPTS,
        rng: random.Random | None = None,
    ) -> None:
        self.transport = transport
        self.mail_from = mail_from
        self.site_url = site_url
        self.db = db or get_engine()
        self.batch_size, self.lease, self.max_attempts = batch_size, lease, max_attempts
        self.rng = rng or random.Random()

    def run_once(self, now: datetime | None = None) -> SendReport:
        """Claim one batch and deliver it. `now` is the outbox clock (tests move it)."""
        now = now or utcnow()
        token = secrets.token_hex(16)
        batch = claim_batch(self.db, now=now, token=token, limit=self.batch_size, lease=self.lease)
        report = SendReport(claimed=len(batch))
        if not batch:
            return report
        started = time.monotonic()
        with ExitStack() as stack:
            try:
                deliver = stack.enter_context(self.transport.connect())
            except Exception as exc:  # server down, refused, TLS or log-in trouble
                for mail in batch:
                    self._failed(mail, exc, token, now, report, permanent=False)
                return report
            for index, mail in enumerate(batch):
                if time.monotonic() - started > self.lease.total_seconds() / 2:
                    report.handed_back += hand_back(self.db, batch[index:], token=token, now=now)
                    log.warning("slow mail server: handed back %d mails", len(batch) - index)
                    break
                try:
                    deliver(self._render(mail))
                except PermanentFailure as exc:
                    self._failed(mail, exc, token, now, report, permanent=True)
                except Exception as exc:  # one bad mail or a dropped connection: note, go on
                    self._failed(mail, exc, token, now, report, permanent=False)
                else:
                    if record_sent(self.db, mail, token=token, now=now):
                        report.sent += 1
                        log.info("mail %s sent to %s", mail.dedupe_key, mail.to_address)
                    else:
                        log.warning("mail %s sent after its lease ran out", mail.dedupe_key)
        return report

    def drain(self, now: datetime | None = None, stop: threading.Event | None = None) -> SendReport:
        """Deliver batches until nothing is due (or `stop` is set)."""
        total = SendReport()
        while stop is None or not stop.is_set():
            report = self.run_once(now)
            total += report
            if report.claimed == 0:
                break
        return total

    def run_forever(self, stop: threading.Event, poll_seconds: float = POLL_SECONDS) -> None:
        """Poll the outbox until `stop` is set; a failing pass (database down) is retried."""
        log.info("mail sender started (%s)", type(self.transport).__name__)
        while not stop.is_set():
            try:
                self.drain(stop=stop)
            except Exception:
                log.exception("mail sender pass failed; trying again in %.0f s", poll_seconds)
            stop.wait(poll_seconds)
        log.info("mail sender stopped")

    def _render(self, mail: ClaimedMail) -> EmailMessage:
        if mail.dedupe_key.startswith(OFFER_KEY_PREFIX):
            return render_offer(
                OfferMail.from_json(mail.payload),
                mail_id=mail.id,
                dedupe_key=mail.dedupe_key,
                to_address=mail.to_address,
                subject=mail.subject,
                created_at=mail.created_at,
                mail_from=self.mail_from,
                site_url=self.site_url,
            )
        snapshot = BookingMail.from_json(mail.payload)
        return render(
            snapshot,
            mail_id=mail.id,
            dedupe_key=mail.dedupe_key,
            to_address=mail.to_address,
            subject=mail.subject,
            created_at=mail.created_at,
            mail_from=self.mail_from,
            attachments=self._ticket_files(snapshot, mail.created_at),
        )

    def _ticket_files(self, snapshot: BookingMail, created_at: datetime) -> list[Attachment]:
        """A confirmation carries the PDF tickets and the calendar file, rendered here (not in
        the booking's transaction) from the booking as it is now: none once it is cancelled.
        The buyer's locale is unknown to a mail, so the PDF is on A4, the world's paper; the
        booking page offers Letter too."""
        if snapshot.kind != MailKind.BOOKING_CONFIRMED:
            return []
        view = booking_for_mail(snapshot.booking_id, db=self.db)
        if view is None:
            return []
        return [
            Attachment(f"tickets-{view.code}.pdf", tickets_pdf(view, "a4"), "application", "pdf"),
            Attachment(
                f"booking-{view.code}.ics",
                booking_calendar(view, now=created_at),
                "text",
                "calendar",
            ),
        ]

    def _failed(
        self,
        mail: ClaimedMail,
        exc: BaseException,
        token: str,
        now: datetime,
        report: SendReport,
        *,
        permanent: bool,
    ) -> None:
        status = record_failure(
            self.db,
            mail,
            exc,
            token=token,
            now=now,
            permanent=permanent,
            max_attempts=self.max_attempts,
            rng=self.rng,
        )
        if status == MailStatus.FAILED:
            report.failed += 1
            log.error("mail %s failed for good: %s", mail.dedupe_key, exc)
        elif status == MailStatus.PENDING:
            report.retrying += 1
            log.warning("mail %s not sent (attempt %d): %s", mail.dedupe_key, mail.attempts, exc)
