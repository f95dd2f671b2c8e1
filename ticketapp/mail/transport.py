"""Where rendered mails go: an SMTP server, or (development) a folder of .eml files.

A transport opens one connection per batch (`connect()` yields a `deliver` callable) and
raises on failure; it never retries itself — retries, backoff and giving up are the sender's
(`ticketapp.mail.sender`), which must record every outcome in the outbox.

Failures are transient unless the server refused *this message* for good: a 5xx reply to
the recipients or to the message data (`PermanentFailure`). Everything else — connection
refused, timeouts, 4xx replies, and also authentication or STARTTLS errors, which are wrong
configuration rather than a bad mail — is retried, so fixing the configuration lets the queue
drain instead of failing every mail that arrived meanwhile.
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
import ssl
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Protocol

from ticketapp.mail.render import KEY_HEADER
from ticketapp.settings import ConfigError, Settings

log = logging.getLogger(__name__)

Deliver = Callable[[EmailMessage], None]
SMTP_TIMEOUT_SECONDS = 30.0
IMPLICIT_TLS_PORT = 465  # "SMTPS": TLS from the first byte, no STARTTLS


class PermanentFailure(Exception):
    """The server refused this message for good (5xx); retrying it cannot help."""


class Transport(Protocol):
    def connect(self) -> AbstractContextManager[Deliver]: ...


class SmtpTransport:
    """smtplib, STARTTLS when configured (implicit TLS on port 465), log-in when a user is set."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        user: str | None = None,
        password: str | None = None,
        starttls: bool = True,
        timeout: float = SMTP_TIMEOUT_SECONDS,
    ) -> None:
        self.host, self.port = host, port
        self.user, self.password = user, password
        self.starttls, self.timeout = starttls, timeout

    def _open(self) -> smtplib.SMTP:
        if self.port == IMPLICIT_TLS_PORT:
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.starttls:
            smtp.starttls(context=ssl.create_default_context())
        return smtp

    @contextmanager
    def connect(self) -> Iterator[Deliver]:
        smtp = self._open()
        try:
            if self.user:
                smtp.login(self.user, self.password or "")
            yield lambda message: _send(smtp, message)
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()  # the server is gone already; nothing more to say to it


def _send(smtp: smtplib.SMTP, message: EmailMessage) -> None:
    try:
        refused = smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        if codes and min(codes) >= 500:
            raise PermanentFailure(f"recipient refused: {exc.recipients}") from exc
        raise
    except smtplib.SMTPDataError as exc:
        if exc.smtp_code >= 500:
            raise PermanentFailure(f"message refused: {exc.smtp_code} {exc.smtp_error!r}") from exc
        raise
    if refused:  # some of several recipients; we only ever send to one
        log.warning("recipients refused for %s: %s", message["Message-ID"], refused)


class DirectoryTransport:
    """Development without SMTP: every mail becomes `<MAIL_DIR>/<date>-<key>.eml`.

    The name comes from the message's own Date and outbox key, and the file is written
    atomically (temporary file, then rename), so a retried mail replaces its file instead of
    adding a second one.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @contextmanager
    def connect(self) -> Iterator[Deliver]:
        self.directory.mkdir(parents=True, exist_ok=True)
        yield self._write

    def file_name(self, message: EmailMessage) -> str:
        when = parsedate_to_datetime(message["Date"]).strftime("%Y%m%d-%H%M%S")
        key = re.sub(r"[^A-Za-z0-9.-]+", "_", message[KEY_HEADER] or message["Message-ID"])
        return f"{when}-{key}.eml"

    def _write(self, message: EmailMessage) -> None:
        path = self.directory / self.file_name(message)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(message.as_bytes())
        os.replace(temporary, path)


def transport_from_settings(settings: Settings) -> SmtpTransport | DirectoryTransport:
    """SMTP when SMTP_HOST is set; else the mail folder, which production refuses."""
    if settings.smtp_host:
        return SmtpTransport(
            settings.smtp_host,
            settings.smtp_port,
            user=settings.smtp_user,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
        )
    if settings.is_production:
        # Mails stay pending in the outbox (nothing is lost) until SMTP is configured.
        raise ConfigError(
            "SMTP_HOST is not set: in production mail must go out over SMTP. Set SMTP_HOST "
            "(and SMTP_PORT, SMTP_USER, SMTP_PASSWORD, MAIL_FROM as needed)."
        )
    return DirectoryTransport(settings.mail_dir)
