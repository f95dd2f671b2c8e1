"""Fixtures of the mail tests: a real SMTP server in this process, bookings to mail about.

`smtp` is aiosmtpd on a free port of 127.0.0.1 that keeps every message it accepts; it can be
stopped (the port then refuses connections: "SMTP down") and started again on the same port.
Time is explicit as in the engine tests: bookings happen at `NOW`, and the sender is given
`now=` so backoff is skipped by moving the clock, never by sleeping.
"""

from __future__ import annotations

import email
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.engine import Engine
from sqlmodel import select

from tests.engine.conftest import NOW, Venue, build_show, make_users
from ticketapp.booking import BookingView, confirm_hold, grid_section, hold_seats
from ticketapp.db import session_scope
from ticketapp.mail.render import KEY_HEADER
from ticketapp.mail.sender import MailSender
from ticketapp.mail.transport import SmtpTransport
from ticketapp.models import OutboxMail

MAIL_FROM = "ticketapp <tickets@ticketapp.test>"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def key(self) -> str:
        return self.message[KEY_HEADER]


@dataclass
class Inbox:
    """aiosmtpd handler: accepts everything except `refused` recipients, keeps what it got."""

    received: list[Received] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)
    arrived: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        self.arrived.set()
        return "250 Message accepted for delivery"

    def mail_keys(self) -> list[str]:
        return [r.key for r in self.received]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    def __init__(self, **controller_options) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.options = controller_options
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(
            self.inbox, hostname="127.0.0.1", port=self.port, **self.options
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def transport(self, **options) -> SmtpTransport:
        return SmtpTransport("127.0.0.1", self.port, starttls=False, timeout=5, **options)

    @property
    def received(self) -> list[Received]:
        return self.inbox.received


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def make_sender(db: Engine, server: SmtpServer, **options) -> MailSender:
    return MailSender(server.transport(), mail_from=MAIL_FROM, db=db, **options)


def stage(db: Engine) -> Venue:
    """A show with two price categories: Stalls (Premium, €50) and Circle (Standard, €30)."""
    return build_show(
        db,
        [
            grid_section("Stalls", "Premium", ["A"], 6),
            grid_section("Circle", "Standard", ["K"], 6, y0=5),
        ],
    )


def book(
    db: Engine, venue: Venue, buyer_id: int, *seats: str, email_address: str = ""
) -> BookingView:
    held = hold_seats(buyer_id, venue.show_id, venue.ids(*seats), now=NOW, db=db)
    return confirm_hold(held.hold_id, user_id=buyer_id, buyer_email=email_address, now=NOW, db=db)


def outbox_rows(db: Engine) -> list[OutboxMail]:
    with session_scope(db) as session:
        return list(session.exec(select(OutboxMail).order_by(OutboxMail.id)))


def buyer(db: Engine) -> int:
    return make_users(db, 1)[0]
