"""Delivery through a real SMTP server: outages, retries, giving up, leases, racing senders.

Everything runs on PostgreSQL (the claim's FOR UPDATE SKIP LOCKED is the point of several
tests); one test repeats the basic path on SQLite. Nothing sleeps: the sender is handed
`now=` to move past a backoff or a lease, and races are forced with barriers.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import timedelta

import pytest
from aiosmtpd.smtp import AuthResult

from tests.engine.conftest import NOW, make_users
from tests.mail.conftest import (
    MAIL_FROM,
    SmtpServer,
    book,
    buyer,
    make_sender,
    outbox_rows,
    stage,
)
from ticketapp.booking import cancel_booking, failed_mails, retry_mail
from ticketapp.booking.access import Actor
from ticketapp.db import session_scope
from ticketapp.mail.sender import (
    MAX_ATTEMPTS,
    MailSender,
    backoff,
    claim_batch,
    record_sent,
)
from ticketapp.models import MailStatus, OutboxMail, Role


def test_confirmation_is_delivered_once_on_either_database(engine, smtp):
    venue = stage(engine)
    booked = book(engine, venue, buyer(engine), "A1")
    sender = make_sender(engine, smtp)

    first, second = sender.run_once(now=NOW), sender.run_once(now=NOW + timedelta(days=1))

    assert (first.sent, second.claimed) == (1, 0)
    assert smtp.inbox.mail_keys() == [f"booking-confirmed:{booked.id}"]
    [row] = outbox_rows(engine)
    assert (row.status, row.attempts, row.sent_at, row.claim_token) == ("sent", 1, NOW, "")


def test_with_smtp_down_the_booking_succeeds_and_its_mail_goes_out_when_the_server_is_back(
    pg_engine, smtp
):
    venue = stage(pg_engine)
    customer = buyer(pg_engine)
    smtp.stop()

    booked = book(pg_engine, venue, customer, "A1", "A2")
    sender = make_sender(pg_engine, smtp, rng=random.Random(7))
    down = sender.run_once(now=NOW)

    assert booked.status == "confirmed"
    assert (down.claimed, down.sent, down.retrying) == (1, 0, 1)
    [row] = outbox_rows(pg_engine)
    assert (row.status, row.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in row.last_error
    wait = row.next_attempt_at - NOW
    assert timedelta(seconds=30) <= wait <= timedelta(minutes=1)

    smtp.start()
    too_early = sender.run_once(now=NOW + wait / 2)  # still backing off: not even claimed
    back = sender.run_once(now=row.next_attempt_at)
    later = sender.run_once(now=row.next_attempt_at + timedelta(hours=1))

    assert (too_early.claimed, back.sent, later.claimed) == (0, 1, 0)
    assert smtp.inbox.mail_keys() == [f"booking-confirmed:{booked.id}"]
    [row] = outbox_rows(pg_engine)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")


def test_backoff_grows_exponentially_with_jitter_and_is_capped():
    rng = random.Random(1)
    for attempts in range(1, 12):
        ceiling = min(timedelta(hours=1), timedelta(minutes=1) * 2 ** (attempts - 1))
        for _ in range(20):
            assert ceiling / 2 <= backoff(attempts, rng) <= ceiling


def test_after_max_attempts_a_mail_is_failed_and_shown_to_the_organizer(pg_engine, smtp):
    venue = stage(pg_engine)
    booked = book(pg_engine, venue, buyer(pg_engine), "A1")
    smtp.stop()
    sender = make_sender(pg_engine, smtp)
    clock = NOW

    reports = []
    for _ in range(MAX_ATTEMPTS):
        reports.append(sender.run_once(now=clock))
        clock = outbox_rows(pg_engine)[0].next_attempt_at
    smtp.start()
    afterwards = sender.run_once(now=clock + timedelta(days=1))

    assert [r.retrying for r in reports] == [1] * (MAX_ATTEMPTS - 1) + [0]
    assert reports[-1].failed == 1 and afterwards.claimed == 0
    assert smtp.received == []
    [failed] = failed_mails(venue.organizer, db=pg_engine)
    assert (failed.booking_code, failed.attempts, failed.status) == (
        booked.code,
        MAX_ATTEMPTS,
        "failed",
    )
    assert "ConnectionRefusedError" in failed.last_error

    retry_mail(failed.id, actor=venue.organizer, now=clock, db=pg_engine)
    assert sender.run_once(now=clock).sent == 1
    assert smtp.inbox.mail_keys() == [f"booking-confirmed:{booked.id}"]


def test_a_recipient_refused_for_good_fails_at_once_and_others_still_go_out(pg_engine, smtp):
    venue = stage(pg_engine)
    smtp.inbox.refused.add("nobody@example.test")
    bad = book(pg_engine, venue, buyer(pg_engine), "A1", email_address="nobody@example.test")
    good = book(pg_engine, venue, buyer(pg_engine), "A2")

    report = make_sender(pg_engine, smtp).run_once(now=NOW)

    assert (report.sent, report.failed, report.retrying) == (1, 1, 0)
    assert smtp.inbox.mail_keys() == [f"booking-confirmed:{good.id}"]
    [failed] = failed_mails(venue.organizer, db=pg_engine)
    assert (failed.booking_id, failed.attempts) == (bad.id, 1)
    assert "550" in failed.last_error


def test_two_senders_at_once_deliver_every_mail_exactly_once(pg_engine, smtp):
    venue = stage(pg_engine)
    customers = make_users(pg_engine, 12)
    expected = []
    for customer, seat in zip(customers, ["A1", "A2", "A3", "A4", "A5", "A6"], strict=False):
        booked = book(pg_engine, venue, customer, seat)
        cancel_booking(booked.id, actor=Actor(customer, Role.CUSTOMER), now=NOW, db=pg_engine)
        expected += [f"booking-confirmed:{booked.id}", f"booking-cancelled:{booked.id}"]
    for customer, seat in zip(customers[6:], ["K1", "K2", "K3", "K4", "K5", "K6"], strict=True):
        expected.append(f"booking-confirmed:{book(pg_engine, venue, customer, seat).id}")
    start = threading.Barrier(2, timeout=30)
    both_hold_a_batch = threading.Barrier(2, timeout=30)
    claimed: dict[str, list[int]] = {"a": [], "b": []}
    errors: list[BaseException] = []

    class Rendezvous(MailSender):
        """A sender that waits, mid-batch, until the other one also holds a batch."""

        def __init__(self, name: str) -> None:
            super().__init__(smtp.transport(), mail_from=MAIL_FROM, db=pg_engine, batch_size=3)
            self.name, self.first = name, True

        def _render(self, mail):
            claimed[self.name].append(mail.id)
            if self.first:
                self.first = False
                both_hold_a_batch.wait()
            return super()._render(mail)

    def run(name: str) -> None:
        sender = Rendezvous(name)
        try:
            start.wait()
            while sender.run_once(now=NOW).claimed:
                pass
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(name,)) for name in claimed]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert errors == []
    assert claimed["a"] and claimed["b"]  # both really worked, at the same time
    assert not set(claimed["a"]) & set(claimed["b"])
    assert Counter(smtp.inbox.mail_keys()) == Counter(expected)
    assert all(len(r.message.get_all("X-Ticketapp-Mail-Key")) == 1 for r in smtp.received)
    assert {r.status for r in outbox_rows(pg_engine)} == {MailStatus.SENT}


def test_a_crashed_senders_mail_is_sent_by_another_once_its_lease_runs_out(pg_engine, smtp):
    venue = stage(pg_engine)
    booked = book(pg_engine, venue, buyer(pg_engine), "A1")
    lease = timedelta(minutes=10)
    # The first sender claims and dies before delivering: its claim is all that is left.
    [lost] = claim_batch(pg_engine, now=NOW, token="crashed", lease=lease)
    survivor = make_sender(pg_engine, smtp, lease=lease)

    during_lease = survivor.run_once(now=NOW + lease - timedelta(seconds=1))
    after_lease = survivor.run_once(now=NOW + lease)

    assert (during_lease.claimed, after_lease.sent) == (0, 1)
    assert smtp.inbox.mail_keys() == [f"booking-confirmed:{booked.id}"]
    # Were the first sender only slow, its late report could not undo the survivor's.
    assert record_sent(pg_engine, lost, token="crashed", now=NOW) is False
    [row] = outbox_rows(pg_engine)
    assert (row.status, row.attempts, row.sent_at) == ("sent", 2, NOW + lease)


def test_the_sender_logs_in_when_a_user_is_set(pg_engine):
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret")

    server = SmtpServer(authenticator=authenticator, auth_require_tls=False)
    server.start()
    try:
        booked = book(pg_engine, stage(pg_engine), buyer(pg_engine), "A1")
        wrong = MailSender(
            server.transport(user="mailer", password="wrong"), mail_from=MAIL_FROM, db=pg_engine
        )
        right = MailSender(
            server.transport(user="mailer", password="s3cret"), mail_from=MAIL_FROM, db=pg_engine
        )

        refused = wrong.run_once(now=NOW)
        accepted = right.run_once(now=NOW + timedelta(hours=1))
    finally:
        server.stop()

    # A wrong password is configuration, not the mail's fault: retried, not failed.
    assert (refused.retrying, refused.failed, accepted.sent) == (1, 0, 1)
    assert logins == [(b"mailer", b"wrong"), (b"mailer", b"s3cret")]
    assert server.inbox.mail_keys() == [f"booking-confirmed:{booked.id}"]


def test_the_sender_hands_back_what_it_cannot_send_within_half_its_lease(pg_engine, smtp):
    venue = stage(pg_engine)
    for seat in ("A1", "A2", "A3"):
        book(pg_engine, venue, buyer(pg_engine), seat)
    # A zero lease is "half used" before the first mail: the whole batch goes back.
    hasty = make_sender(pg_engine, smtp, lease=timedelta(0))

    report = hasty.run_once(now=NOW)

    assert (report.claimed, report.handed_back, report.sent) == (3, 3, 0)
    rows = outbox_rows(pg_engine)
    assert {(r.status, r.attempts, r.next_attempt_at) for r in rows} == {("pending", 0, NOW)}
    assert make_sender(pg_engine, smtp).run_once(now=NOW).sent == 3


@pytest.mark.parametrize("kind", ["confirmed", "cancelled"])
def test_every_change_has_its_mail_even_when_the_sender_first_sees_it_late(pg_engine, smtp, kind):
    venue = stage(pg_engine)
    customer = buyer(pg_engine)
    booked = book(pg_engine, venue, customer, "A1")
    if kind == "cancelled":
        cancel_booking(booked.id, actor=Actor(customer, Role.CUSTOMER), now=NOW, db=pg_engine)

    make_sender(pg_engine, smtp).run_once(now=NOW + timedelta(days=3))

    assert f"booking-{kind}:{booked.id}" in smtp.inbox.mail_keys()


def test_racing_claims_never_take_the_same_mail_twice(pg_engine):
    """Eight senders claim at the same instant, round after round, until all is claimed."""
    with session_scope(pg_engine) as session:
        session.add_all(
            OutboxMail(
                dedupe_key=f"race:{i}",
                kind="booking_confirmed",
                to_address=f"buyer{i}@example.test",
                subject="race",
                payload="{}",
                next_attempt_at=NOW,
                created_at=NOW,
            )
            for i in range(120)
        )
    senders = 8
    rounds_needed = 120 // (senders * 5) + 1
    start = threading.Barrier(senders, timeout=30)
    taken: list[list[int]] = [[] for _ in range(senders)]
    errors: list[BaseException] = []

    def claim_rounds(index: int) -> None:
        try:
            for _ in range(rounds_needed):
                start.wait()  # every claim of a round starts at once
                taken[index] += [
                    m.id for m in claim_batch(pg_engine, now=NOW, token=f"s{index}", limit=5)
                ]
        except BaseException as exc:
            errors.append(exc)
            start.abort()

    threads = [threading.Thread(target=claim_rounds, args=(i,)) for i in range(senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)

    assert errors == []
    every = [mail_id for ids in taken for mail_id in ids]
    assert len(every) == len(set(every)) == 120
    assert sum(1 for ids in taken if ids) > 1  # the work was really shared
