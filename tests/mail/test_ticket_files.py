"""The confirmation mail carries the PDF tickets and the calendar file, rendered by the sender
from the booking as it is when the mail goes out."""

from __future__ import annotations

from email.message import EmailMessage

from sqlalchemy import update

from tests.engine.conftest import NOW
from tests.mail.conftest import book, buyer, make_sender, stage
from tests.ticket_files import calendar_events, pdf_page_sizes_mm, pdf_pages_text, pdf_qr_codes
from ticketapp.booking import cancel_booking
from ticketapp.booking.access import Actor
from ticketapp.db import session_scope
from ticketapp.models import Event, Role


def _files(message: EmailMessage) -> dict[str, EmailMessage]:
    return {part.get_filename(): part for part in message.iter_attachments()}


def test_the_confirmation_attaches_the_pdf_tickets_and_the_calendar_file(pg_engine, smtp):
    venue = stage(pg_engine)
    with session_scope(pg_engine) as session:
        session.exec(
            update(Event).where(Event.id == venue.event_id).values(timezone="America/New_York")
        )
    booked = book(pg_engine, venue, buyer(pg_engine), "A1", "K2", email_address="ada@example.test")

    make_sender(pg_engine, smtp).run_once(now=NOW)

    [got] = smtp.received
    files = _files(got.message)
    assert set(files) == {f"tickets-{booked.code}.pdf", f"booking-{booked.code}.ics"}
    pdf = files[f"tickets-{booked.code}.pdf"]
    assert pdf.get_content_type() == "application/pdf"
    data = pdf.get_content()
    pages = pdf_pages_text(data)
    assert len(pages) == 2
    # 12:00 UTC on 8 March 2031 is 07:00 in New York (EST)
    assert all("Sat 8 Mar 2031, 07:00 EST" in page and booked.code in page for page in pages)
    seats = [f"row {t.row_label}, seat {t.number}" for t in booked.tickets]
    assert sorted(seats) == ["row A, seat 1", "row K, seat 2"]
    assert all(seat in page for seat, page in zip(seats, pages, strict=True))
    assert pdf_qr_codes(data) == [[t.code] for t in booked.tickets]
    assert pdf_page_sizes_mm(data) == [(210, 297)] * 2
    ics = files[f"booking-{booked.code}.ics"]
    assert ics.get_content_type() == "text/calendar"
    (event,) = calendar_events(ics.get_payload(decode=True))
    assert event.decoded("dtstart") == booked.starts_at
    assert event["dtstart"].params["TZID"] == "America/New_York"
    assert str(event["location"]) == "Town Hall"


def test_a_booking_cancelled_before_its_confirmation_went_out_gets_no_files(pg_engine, smtp):
    venue = stage(pg_engine)
    customer = buyer(pg_engine)
    booked = book(pg_engine, venue, customer, "A1")
    cancel_booking(booked.id, actor=Actor(customer, Role.CUSTOMER), now=NOW, db=pg_engine)

    make_sender(pg_engine, smtp).run_once(now=NOW)

    messages = [r.message for r in smtp.received]
    assert len(messages) == 2  # the confirmation, then the cancellation
    assert all(_files(m) == {} for m in messages)
    assert all(p.get_content_type() != "application/pdf" for m in messages for p in m.walk())
