"""Booking mails as people read them: plain text, HTML, and a QR code per live ticket.

Invariants:
- Rendering is a pure function of the outbox row (its `BookingMail` snapshot, address,
  subject, id, key and creation time). A retried mail is the same message with the same
  Message-ID and Date, so a receiver handed it twice — delivery is at-least-once — can tell.
- Everything a buyer or an organizer typed (names, titles, venues, reasons) is escaped in the
  HTML part — it is a Jinja2 template with autoescape (`templates/booking.html`), so no value
  reaches the markup unescaped — and headers never carry a line break.
- QR codes are PNG parts of a multipart/related HTML part, referenced by `cid:` (many mail
  clients drop `data:` URIs), marked inline with a file name so clients that do not show them
  in place list them as attachments. Only a confirmation carries codes: a cancelled ticket is
  void, and a scannable picture of it would only confuse the door.
- Files (the PDF tickets and the calendar file) are attached as the sender hands them in
  (`Attachment`): the sender reads the booking as it is at sending time, so a booking
  cancelled before its confirmation went out gets no PDF.

No Reflex, no database here.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr

import segno
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ticketapp.booking.outbox import BookingMail, MailKind
from ticketapp.booking.waiting_list import OfferMail
from ticketapp.formatting import money, show_time

KEY_HEADER = "X-Ticketapp-Mail-Key"  # the outbox dedupe key, for receivers and tests
QR_SCALE, QR_BORDER = 5, 2


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str  # "application"
    subtype: str  # "pdf"


def mail_domain(mail_from: str) -> str:
    address = parseaddr(mail_from)[1]
    return address.rpartition("@")[2] or "ticketapp.invalid"


def message_id(mail_id: int, dedupe_key: str, created_at: datetime, mail_from: str) -> str:
    """Stable across retries; the creation time keeps it unique across database resets."""
    local = f"{dedupe_key.replace(':', '.')}.{mail_id}.{int(created_at.timestamp() * 1e6)}"
    return f"<{local}@{mail_domain(mail_from)}>"


def qr_png(code: str) -> bytes:
    # make_qr, never a Micro QR: many door scanners cannot read those.
    buffer = io.BytesIO()
    segno.make_qr(code, error="m").save(buffer, kind="png", scale=QR_SCALE, border=QR_BORDER)
    return buffer.getvalue()


def _qr_pixels(code: str) -> int:
    return segno.make_qr(code, error="m").symbol_size(scale=QR_SCALE, border=QR_BORDER)[0]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _lead(mail: BookingMail) -> list[str]:
    """The opening sentences, as plain text (escaped later for HTML)."""
    when = show_time(mail.starts_at, mail.timezone)
    if mail.kind == MailKind.BOOKING_CONFIRMED:
        lines = [
            "Your booking is confirmed. Show the QR code of each ticket at the entrance;",
            "the ticket code printed under it works too.",
        ]
    elif mail.kind == MailKind.SHOW_CANCELLED:
        lines = [
            f"We are sorry: {mail.event_title} on {when} has been cancelled by the organizer,",
            f"and with it your booking {mail.booking_code}. Its tickets are no longer valid.",
        ]
    elif mail.cancelled_by_buyer:
        lines = [
            f"Your booking {mail.booking_code} has been cancelled, as you asked.",
            "Its tickets are no longer valid and the seats are back on sale.",
        ]
    else:
        lines = [
            f"The organizer has cancelled your booking {mail.booking_code}.",
            "Its tickets are no longer valid.",
        ]
    if mail.reason and mail.kind != MailKind.BOOKING_CONFIRMED:
        lines.append(f"Reason given: {_one_line(mail.reason)}")
    return lines


def _facts(mail: BookingMail) -> list[tuple[str, str]]:
    where = mail.venue_name + (f", {mail.venue_address}" if mail.venue_address else "")
    return [
        ("Booking code", mail.booking_code),
        ("Event", mail.event_title),
        ("When", show_time(mail.starts_at, mail.timezone)),
        ("Where", where),
    ]


# Autoescape for .html templates: a value can only reach the markup escaped (.txt: plain).
_templates = Environment(
    loader=PackageLoader("ticketapp.mail", "templates"),
    autoescape=select_autoescape(["html"]),
    keep_trailing_newline=True,
    undefined=StrictUndefined,
)


def _context(mail: BookingMail) -> dict:
    """What both parts of a mail show, as plain values (the templates do the layout)."""
    confirmed = mail.kind == MailKind.BOOKING_CONFIRMED
    return {
        "buyer_name": mail.buyer_name,
        "lead": _lead(mail),
        "confirmed": confirmed,
        "total": money(mail.total_cents, mail.currency),
        # The discount line: the prices and the total above are already after it.
        "discount": money(mail.discount_cents, mail.currency) if mail.discount_cents else "",
        "promo_code": mail.promo_code,
        "seats": [
            {
                "label": t.label,
                "category": t.category,
                "type": t.ticket_type,
                "price": money(t.price_cents, mail.currency),
                "code": t.code,
            }
            for t in mail.tickets
        ],
    }


def _text(mail: BookingMail) -> str:
    return _templates.get_template("booking.txt").render(
        **_context(mail), facts=[(label, _one_line(value)) for label, value in _facts(mail)]
    )


def _html(mail: BookingMail, cids: dict[str, str]) -> str:
    context = _context(mail)
    for seat in context["seats"]:
        code = seat["code"]
        seat["qr"] = {"cid": cids[code], "size": _qr_pixels(code)} if code in cids else None
    return _templates.get_template("booking.html").render(
        **context, title=mail.event_title, facts=_facts(mail)
    )


def _headers(
    message: EmailMessage,
    *,
    buyer_name: str,
    mail_id: int,
    dedupe_key: str,
    to_address: str,
    subject: str,
    created_at: datetime,
    mail_from: str,
) -> None:
    message["From"] = mail_from
    message["To"] = formataddr((_one_line(buyer_name), to_address))
    message["Subject"] = _one_line(subject)
    message["Date"] = format_datetime(created_at)
    message["Message-ID"] = message_id(mail_id, dedupe_key, created_at, mail_from)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
    message[KEY_HEADER] = dedupe_key


def render_offer(
    mail: OfferMail,
    *,
    mail_id: int,
    dedupe_key: str,
    to_address: str,
    subject: str,
    created_at: datetime,
    mail_from: str,
    site_url: str,
) -> EmailMessage:
    """A waiting-list offer: the seats held for the customer, until when, and the link."""
    message = EmailMessage()
    _headers(
        message,
        buyer_name=mail.buyer_name,
        mail_id=mail_id,
        dedupe_key=dedupe_key,
        to_address=to_address,
        subject=subject,
        created_at=created_at,
        mail_from=mail_from,
    )
    where = mail.venue_name + (f", {mail.venue_address}" if mail.venue_address else "")
    context = {
        "buyer_name": mail.buyer_name,
        "title": mail.event_title,
        "facts": [
            ("Event", _one_line(mail.event_title)),
            ("When", show_time(mail.starts_at, mail.timezone)),
            ("Where", _one_line(where)),
        ],
        "seats": list(mail.seats),
        "until": show_time(mail.expires_at, mail.timezone),
        "link": site_url.rstrip("/") + mail.checkout_path,
    }
    message.set_content(
        _templates.get_template("offer.txt").render(**context), cte="quoted-printable"
    )
    message.add_alternative(
        _templates.get_template("offer.html").render(**context),
        subtype="html",
        cte="quoted-printable",
    )
    return message


def render(
    mail: BookingMail,
    *,
    mail_id: int,
    dedupe_key: str,
    to_address: str,
    subject: str,
    created_at: datetime,
    mail_from: str,
    attachments: Sequence[Attachment] = (),
) -> EmailMessage:
    """The complete message: multipart/alternative of text and (HTML + QR images), inside
    multipart/mixed with the attachments when there are any."""
    domain = mail_domain(mail_from)
    message = EmailMessage()
    _headers(
        message,
        buyer_name=mail.buyer_name,
        mail_id=mail_id,
        dedupe_key=dedupe_key,
        to_address=to_address,
        subject=subject,
        created_at=created_at,
        mail_from=mail_from,
    )
    # quoted-printable: the .eml files of development stay readable in a text editor
    message.set_content(_text(mail), cte="quoted-printable")
    cids = {}
    if mail.kind == MailKind.BOOKING_CONFIRMED:
        cids = {t.code: f"qr-{t.code}.{mail_id}@{domain}" for t in mail.tickets}
    message.add_alternative(_html(mail, cids), subtype="html", cte="quoted-printable")
    html_part = message.get_payload()[1]
    for code, cid in cids.items():
        html_part.add_related(
            qr_png(code),
            "image",
            "png",
            cid=f"<{cid}>",
            disposition="inline",
            filename=f"ticket-{code}.png",
        )
    for item in attachments:
        message.add_attachment(
            item.content, maintype=item.maintype, subtype=item.subtype, filename=item.filename
        )
    return message
