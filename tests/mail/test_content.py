"""What the buyer receives: the message as an SMTP server got it, parsed back with `email`."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import parseaddr

from sqlalchemy import update

from tests.engine.conftest import NOW, build_show, make_users
from tests.mail.conftest import MAIL_FROM, book, buyer, make_sender, stage
from ticketapp.booking import (
    cancel_booking,
    grid_section,
    join_waiting_list,
    my_waiting_place,
    outbox,
)
from ticketapp.booking.access import Actor
from ticketapp.db import session_scope
from ticketapp.mail.render import KEY_HEADER as KEY
from ticketapp.mail.render import qr_png
from ticketapp.mail.sender import MailSender
from ticketapp.models import OutboxMail, Role


def _parts(message: EmailMessage) -> tuple[str, str, list[EmailMessage]]:
    """The text body, the HTML body and the images of the HTML part."""
    # a confirmation wraps the alternatives in multipart/mixed with its files
    assert message.get_content_type() in ("multipart/alternative", "multipart/mixed")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    images = [p for p in message.walk() if p.get_content_maintype() == "image"]
    return text, html, images


def test_the_confirmation_arrives_with_seats_prices_total_and_a_qr_code_per_ticket(pg_engine, smtp):
    venue = stage(pg_engine)
    customer = buyer(pg_engine)
    booked = book(pg_engine, venue, customer, "A1", "K2", email_address="ada@example.test")

    report = make_sender(pg_engine, smtp).run_once(now=NOW)

    assert (report.claimed, report.sent) == (1, 1)
    [got] = smtp.received
    assert got.rcpt_tos == ["ada@example.test"]
    assert parseaddr(got.mail_from)[1] == parseaddr(MAIL_FROM)[1]
    message = got.message
    assert message["Subject"] == (
        f"Your tickets: Concert, Sat 8 Mar 2031, 12:00 UTC (booking {booked.code})"
    )
    assert parseaddr(message["To"])[1] == "ada@example.test"
    assert message["X-Ticketapp-Mail-Key"] == f"booking-confirmed:{booked.id}"
    assert message["Message-ID"].endswith("@ticketapp.test>")
    text, html, images = _parts(message)
    for body in (text, html):
        assert booked.code in body
        assert "Concert" in body and "Town Hall" in body and "Sat 8 Mar 2031, 12:00 UTC" in body
        assert "Stalls row A seat 1" in body and "Premium" in body and "€50.00" in body
        assert "Circle row K seat 2" in body and "Standard" in body and "€30.00" in body
        assert "€80.00" in body
        for ticket in booked.tickets:
            assert ticket.code in body
    # One PNG per ticket, referenced from the HTML by its Content-ID, encoding the ticket code.
    assert len(images) == 2
    by_cid = {image["Content-ID"].strip("<>"): image for image in images}
    for ticket in booked.tickets:
        [cid] = [c for c in by_cid if c.startswith(f"qr-{ticket.code}.")]
        assert f'src="cid:{cid}"' in html
        assert by_cid[cid].get_content_type() == "image/png"
        assert by_cid[cid].get_content() == qr_png(ticket.code)


def test_an_organizer_cancellation_arrives_with_the_reason_and_no_scannable_codes(pg_engine, smtp):
    venue = stage(pg_engine)
    customer = buyer(pg_engine)
    booked = book(pg_engine, venue, customer, "A1")
    sender = make_sender(pg_engine, smtp)
    sender.run_once(now=NOW)

    cancel_booking(
        booked.id,
        actor=Actor(venue.organizer_id, Role.ORGANIZER),
        reason="Sold twice <by mistake>",
        now=NOW,
        db=pg_engine,
    )
    sender.run_once(now=NOW)

    _, cancellation = (r.message for r in smtp.received)
    assert cancellation["Subject"] == (
        f"Booking {booked.code} cancelled: Concert, Sat 8 Mar 2031, 12:00 UTC"
    )
    text, html, images = _parts(cancellation)
    assert "The organizer has cancelled your booking" in text
    assert "Reason given: Sold twice <by mistake>" in text
    assert "Sold twice &lt;by mistake&gt;" in html and "<by mistake>" not in html
    assert "Stalls row A seat 1" in text and "€50.00" in text
    assert images == []
    assert booked.tickets[0].code not in text + html


def test_names_and_titles_are_escaped_in_html_and_kept_off_header_lines(pg_engine, smtp):
    venue = stage(pg_engine)
    customer = buyer(pg_engine)
    booked = book(pg_engine, venue, customer, "A1", email_address="ada@example.test")
    with session_scope(pg_engine) as session:
        mail = outbox.BookingMail.from_json(session.get(OutboxMail, 1).payload)
    hostile = outbox.BookingMail(
        **{
            **mail.__dict__,
            "buyer_name": 'Eve "<script>" \r\nBcc: x@evil.test',
            "event_title": "<b>Bold</b>\nBcc: y@evil.test",
        }
    )
    with session_scope(pg_engine) as session:
        session.exec(
            update(OutboxMail)
            .where(OutboxMail.id == 1)
            .values(payload=hostile.to_json(), subject=outbox.subject_of(hostile))
        )

    make_sender(pg_engine, smtp).run_once(now=NOW)

    [got] = smtp.received
    assert got.rcpt_tos == ["ada@example.test"]
    assert got.message["Bcc"] is None
    _, html, _ = _parts(got.message)
    assert "<script>" not in html and "<b>Bold</b>" not in html
    assert booked.code in got.message["Subject"]


def test_a_waiting_list_offer_arrives_with_its_seats_deadline_and_checkout_link(pg_engine, smtp):
    venue = build_show(pg_engine, [grid_section("Stalls", "Premium", ["A"], 2)])
    first, waiter = make_users(pg_engine, 2)
    booked = book(pg_engine, venue, first, "A1", "A2")
    join_waiting_list(waiter, venue.show_id, 2, now=NOW, db=pg_engine)
    cancel_booking(booked.id, actor=Actor(first, Role.CUSTOMER), now=NOW, db=pg_engine)
    place = my_waiting_place(waiter, venue.show_id, now=NOW, db=pg_engine)
    sender = MailSender(
        smtp.transport(), mail_from=MAIL_FROM, site_url="https://tickets.example/", db=pg_engine
    )

    sender.run_once(now=NOW)

    [offer] = [m.message for m in smtp.received if "waiting-offer" in m.message[KEY]]
    assert offer["Subject"] == "Seats for you: Concert, Sat 8 Mar 2031, 12:00 UTC"
    assert offer[KEY] == f"waiting-offer:{place.hold_id}"
    text = offer.get_body(("plain",)).get_content()
    html = offer.get_body(("html",)).get_content()
    link = f"https://tickets.example/checkout/{place.hold_id}"
    for body in (text, html):
        assert link in body
        assert "Stalls row A seat 1" in body and "Stalls row A seat 2" in body
        assert "Sat 1 Mar 2031, 12:30 UTC" in body  # held for 30 minutes from NOW
    assert f'href="{link}"' in html
