"""The outbox row is written in the booking change's own transaction: exactly one per change,
none for a change that did not commit. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, update
from sqlmodel import select

from tests.engine.conftest import NOW, STARTS, make_users
from tests.mail.conftest import book, buyer, outbox_rows, stage
from ticketapp.booking import (
    Actor,
    BookingMail,
    HoldExpired,
    MailKind,
    NotAllowed,
    SalesClosed,
    cancel_booking,
    cancel_booking_in,
    check_invariants,
    confirm_hold,
    failed_mails,
    hold_seats,
    retry_mail,
)
from ticketapp.booking import bookings as bookings_module
from ticketapp.booking import outbox as outbox_module
from ticketapp.db import session_scope
from ticketapp.models import Booking, Event, Hold, MailStatus, OutboxMail, Role


def test_confirming_a_hold_queues_one_confirmation_with_the_booking_as_committed(engine):
    venue = stage(engine)
    customer = buyer(engine)

    booked = book(engine, venue, customer, "A1", "K2", email_address="ada@example.test")

    [row] = outbox_rows(engine)
    assert (row.kind, row.dedupe_key, row.booking_id) == (
        MailKind.BOOKING_CONFIRMED,
        f"booking-confirmed:{booked.id}",
        booked.id,
    )
    assert row.to_address == "ada@example.test"
    assert row.status == MailStatus.PENDING and row.attempts == 0 and row.next_attempt_at == NOW
    assert booked.code in row.subject and "Concert" in row.subject
    mail = BookingMail.from_json(row.payload)
    assert (mail.booking_code, mail.total_cents, mail.starts_at) == (booked.code, 8000, STARTS)
    assert sorted((t.label, t.category, t.price_cents) for t in mail.tickets) == sorted(
        (t.label, t.category_name, t.price_cents) for t in booked.tickets
    )
    assert {t.code for t in mail.tickets} == {t.code for t in booked.tickets}


def test_confirming_the_same_hold_again_queues_nothing_new(engine):
    venue = stage(engine)
    customer = buyer(engine)
    held = hold_seats(customer, venue.show_id, venue.ids("A1"), now=NOW, db=engine)
    first = confirm_hold(held.hold_id, user_id=customer, now=NOW, db=engine)

    again = confirm_hold(held.hold_id, user_id=customer, now=NOW, db=engine)

    assert again.id == first.id
    assert [r.dedupe_key for r in outbox_rows(engine)] == [f"booking-confirmed:{first.id}"]


def test_enqueueing_an_existing_key_inserts_nothing_and_raises_nothing(engine):
    venue = stage(engine)
    booked = book(engine, venue, buyer(engine), "A1")

    with session_scope(engine) as session:
        added = outbox_module.enqueue_booking_mail(
            session, MailKind.BOOKING_CONFIRMED, booked, now=NOW + timedelta(minutes=1)
        )

    assert added is False
    assert len(outbox_rows(engine)) == 1


def test_confirming_an_expired_hold_sends_nothing(engine):
    venue = stage(engine)
    customer = buyer(engine)
    held = hold_seats(customer, venue.show_id, venue.ids("A1"), now=NOW, db=engine)

    with pytest.raises(HoldExpired):
        confirm_hold(held.hold_id, user_id=customer, now=held.expires_at, db=engine)

    assert outbox_rows(engine) == []


def test_a_failure_after_the_mail_is_queued_rolls_back_booking_and_mail(engine, monkeypatch):
    venue = stage(engine)
    customer = buyer(engine)
    held = hold_seats(customer, venue.show_id, venue.ids("A1", "A2"), now=NOW, db=engine)
    real_write = bookings_module._write_booking
    queued_in_transaction = []

    def write_then_fail(conn, *args, **kwargs):
        real_write(conn, *args, **kwargs)
        queued_in_transaction.append(
            conn.execute(select(func.count()).select_from(OutboxMail)).one()[0]
        )
        raise RuntimeError("the process dies before COMMIT")

    monkeypatch.setattr(bookings_module, "_write_booking", write_then_fail)

    with pytest.raises(RuntimeError):
        confirm_hold(held.hold_id, user_id=customer, now=NOW, db=engine)

    assert queued_in_transaction == [1]  # the row was written, then rolled back with all
    assert outbox_rows(engine) == []
    with session_scope(engine) as session:
        assert session.get(Hold, held.hold_id).status == "active"
        assert session.exec(select(Booking)).all() == []
    assert check_invariants(engine, now=NOW) == []


def test_cancelling_queues_one_cancellation_mail_however_often_it_is_asked(engine):
    venue = stage(engine)
    customer = buyer(engine)
    booked = book(engine, venue, customer, "A1")

    for _ in range(2):
        cancel_booking(
            booked.id, actor=Actor(customer, Role.CUSTOMER), reason="Ill", now=NOW, db=engine
        )

    confirmation, cancellation = outbox_rows(engine)
    assert confirmation.kind == MailKind.BOOKING_CONFIRMED
    assert (cancellation.kind, cancellation.dedupe_key) == (
        MailKind.BOOKING_CANCELLED,
        f"booking-cancelled:{booked.id}",
    )
    mail = BookingMail.from_json(cancellation.payload)
    assert (mail.reason, mail.cancelled_by_buyer) == ("Ill", True)
    assert check_invariants(engine, now=NOW) == []


def test_an_organizer_cancelling_is_told_to_the_buyer_with_the_reason(engine):
    venue = stage(engine)
    booked = book(engine, venue, buyer(engine), "A1")

    cancel_booking(
        booked.id,
        actor=Actor(venue.organizer_id, Role.ORGANIZER),
        reason="Double booking at the box office",
        now=NOW,
        db=engine,
    )

    mail = BookingMail.from_json(outbox_rows(engine)[-1].payload)
    assert mail.kind == MailKind.BOOKING_CANCELLED
    assert (mail.reason, mail.cancelled_by_buyer) == ("Double booking at the box office", False)


def test_cancelling_a_booking_of_a_cancelled_event_says_the_show_is_off(engine):
    venue = stage(engine)
    booked = book(engine, venue, buyer(engine), "A1")

    # How an "cancel the whole event" operation uses it: one transaction, every booking.
    with session_scope(engine) as session:
        session.exec(update(Event).where(Event.id == venue.event_id).values(status="cancelled"))
        cancel_booking_in(
            session,
            booked.id,
            actor=Actor(venue.organizer_id, Role.ORGANIZER),
            reason="The band split up",
            now=NOW,
        )

    row = outbox_rows(engine)[-1]
    assert row.kind == MailKind.SHOW_CANCELLED
    assert row.dedupe_key == f"booking-cancelled:{booked.id}"
    assert row.subject.startswith("Cancelled: Concert")
    assert BookingMail.from_json(row.payload).reason == "The band split up"


def test_an_explicit_mail_kind_wins(engine):
    venue = stage(engine)
    booked = book(engine, venue, buyer(engine), "A1")

    cancel_booking(
        booked.id,
        actor=Actor(venue.organizer_id, Role.ORGANIZER),
        mail_kind=MailKind.SHOW_CANCELLED,
        now=NOW,
        db=engine,
    )

    assert outbox_rows(engine)[-1].kind == MailKind.SHOW_CANCELLED


def test_a_refused_or_rolled_back_cancellation_sends_nothing(engine):
    venue = stage(engine)
    customer = buyer(engine)
    booked = book(engine, venue, customer, "A1")

    with pytest.raises(SalesClosed):
        cancel_booking(booked.id, actor=Actor(customer, Role.CUSTOMER), now=STARTS, db=engine)
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        cancel_booking_in(session, booked.id, actor=Actor(customer, Role.CUSTOMER), now=NOW)
        raise RuntimeError("the event-wide cancel fails on a later booking")

    assert [r.kind for r in outbox_rows(engine)] == [MailKind.BOOKING_CONFIRMED]
    assert check_invariants(engine, now=NOW) == []


def _fail_all(engine) -> None:
    with session_scope(engine) as session:
        session.exec(
            update(OutboxMail).values(status=MailStatus.FAILED, attempts=8, last_error="boom")
        )


def test_failed_mails_are_shown_to_their_events_organizer_and_admins_only(engine):
    mine, theirs = stage(engine), stage(engine)
    customer = buyer(engine)
    admin = make_users(engine, 1, Role.ADMIN, "admin")[0]
    booked = book(engine, mine, customer, "A1")
    book(engine, theirs, customer, "A1")
    _fail_all(engine)

    seen = failed_mails(mine.organizer, db=engine)

    assert [(m.booking_id, m.event_id, m.event_title) for m in seen] == [
        (booked.id, mine.event_id, "Concert")
    ]
    assert (seen[0].booking_code, seen[0].last_error, seen[0].status) == (
        booked.code,
        "boom",
        "failed",
    )
    assert len(failed_mails(Actor(admin, Role.ADMIN), db=engine)) == 2
    assert failed_mails(mine.organizer, event_id=theirs.event_id, db=engine) == []
    with pytest.raises(NotAllowed):
        failed_mails(Actor(customer, Role.CUSTOMER), db=engine)


def test_retrying_a_failed_mail_puts_it_back_in_the_queue(engine):
    venue = stage(engine)
    book(engine, venue, buyer(engine), "A1")
    _fail_all(engine)
    [failed] = failed_mails(venue.organizer, db=engine)
    later = NOW + timedelta(days=1)

    again = retry_mail(failed.id, actor=venue.organizer, now=later, db=engine)

    assert (again.status, again.attempts, again.next_attempt_at) == ("pending", 0, later)
    assert failed_mails(venue.organizer, db=engine) == []
