"""`python -m ticketapp.mailer`: deliver the mail outbox, as its own process or inside the app.

By default (TICKETAPP_MAILER=in-process) the app runs the sender loop in a background thread
for its whole lifetime (`background_sender`, a Reflex lifespan task). With
TICKETAPP_MAILER=external the app leaves that to this command, e.g. as its own service:

    python -m ticketapp.mailer          # poll the outbox until SIGTERM / Ctrl-C
    python -m ticketapp.mailer --once   # deliver what is due now, then exit (cron, tests)

Any number of senders may run at once, in-app or not: claims never overlap (see
`ticketapp.mail.sender`). Without SMTP_HOST, development mails land in MAIL_DIR as .eml files.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
import threading
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.engine import Engine

from ticketapp.mail.sender import BATCH_SIZE, POLL_SECONDS, MailSender
from ticketapp.mail.transport import transport_from_settings
from ticketapp.settings import ConfigError, Settings, settings

log = logging.getLogger("ticketapp.mailer")


def build_sender(
    db: Engine | None = None, config: Settings = settings, **options: Any
) -> MailSender:
    """The sender the settings describe: SMTP, or the development mail folder."""
    return MailSender(
        transport_from_settings(config),
        mail_from=config.mail_from,
        site_url=config.public_url,
        db=db,
        **options,
    )


@contextlib.asynccontextmanager
async def background_sender(
    sender: MailSender | None = None, poll_seconds: float = POLL_SECONDS
) -> AsyncIterator[None]:
    """Reflex lifespan task: the sender loop in a thread while the app runs.

    A thread, not a coroutine: smtplib and the database driver block, and must not stall the
    event loop that serves the UI. `sender` is for tests; the app uses the settings'.
    """
    if sender is None:
        try:
            sender = build_sender()
        except ConfigError as exc:
            log.error("mail sender not started: %s", exc)
            yield
            return
    stop = threading.Event()
    thread = threading.Thread(
        target=sender.run_forever,
        args=(stop, poll_seconds),
        name="ticketapp-mailer",
        daemon=True,
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        await asyncio.to_thread(thread.join, 30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ticketapp.mailer", description=__doc__)
    parser.add_argument("--once", action="store_true", help="deliver what is due, then exit")
    parser.add_argument("--poll", type=float, default=POLL_SECONDS, help="seconds between polls")
    parser.add_argument("--batch", type=int, default=BATCH_SIZE, help="mails claimed at a time")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        sender = build_sender(batch_size=max(1, args.batch))
    except ConfigError as exc:
        log.error("%s", exc)
        return 2
    if args.once:
        report = sender.drain()
        log.info("sent %d, retrying %d, failed %d", report.sent, report.retrying, report.failed)
        return 0
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    sender.run_forever(stop, poll_seconds=args.poll)
    return 0


if __name__ == "__main__":
    sys.exit(main())
