"""How the sender runs: the development mail folder, `python -m ticketapp.mailer`, the
background thread inside the app, and which transport the settings pick."""

from __future__ import annotations

import asyncio
import email
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from email import policy

import pytest
from sqlalchemy import update

from tests.engine.conftest import NOW
from tests.mail.conftest import MAIL_FROM, book, buyer, make_sender, outbox_rows, stage
from ticketapp.db import session_scope
from ticketapp.mail.sender import MailSender
from ticketapp.mail.transport import DirectoryTransport, SmtpTransport, transport_from_settings
from ticketapp.mailer import background_sender
from ticketapp.models import MailStatus, OutboxMail, utcnow
from ticketapp.settings import PROJECT_DIR, ConfigError, load

SECRET = "x" * 40


def test_without_smtp_mails_are_written_to_the_mail_folder_once_each(engine, tmp_path):
    booked = book(engine, stage(engine), buyer(engine), "A1", "A2")
    sender = MailSender(DirectoryTransport(tmp_path / "mail"), mail_from=MAIL_FROM, db=engine)

    sender.run_once(now=NOW)
    # Delivered again, as at-least-once allows after a crash: the file is replaced, not added.
    with session_scope(engine) as session:
        session.exec(update(OutboxMail).values(status=MailStatus.PENDING))
    sender.run_once(now=NOW)

    [path] = (tmp_path / "mail").iterdir()
    assert path.name == f"20310301-120000-booking-confirmed_{booked.id}.eml"
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert booked.code in message["Subject"]
    assert booked.code in message.get_body(("plain",)).get_content()
    assert len([p for p in message.walk() if p.get_content_type() == "image/png"]) == 2


def test_settings_pick_smtp_or_the_mail_folder_and_production_insists_on_smtp(tmp_path):
    smtp = transport_from_settings(
        load({"SMTP_HOST": "mail.example.test", "SMTP_USER": "u", "SMTP_PASSWORD": "p"})
    )
    folder = transport_from_settings(load({"MAIL_DIR": str(tmp_path)}))

    assert isinstance(smtp, SmtpTransport)
    assert (smtp.host, smtp.port, smtp.user, smtp.password, smtp.starttls) == (
        "mail.example.test",
        587,
        "u",
        "p",
        True,
    )
    assert isinstance(folder, DirectoryTransport) and folder.directory == tmp_path
    with pytest.raises(ConfigError, match="SMTP_HOST"):
        transport_from_settings(load({"TICKETAPP_ENV": "production", "SECRET_KEY": SECRET}))
    with pytest.raises(ConfigError, match="TICKETAPP_MAILER"):
        load({"TICKETAPP_MAILER": "sometimes"})


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "MAIL_"))}
    return {**env, "PYTHONPATH": str(PROJECT_DIR), **extra}


def test_python_m_ticketapp_mailer_once_delivers_what_is_due(pg_url, pg_engine, smtp):
    booked = book(pg_engine, stage(pg_engine), buyer(pg_engine), "A1")
    with session_scope(pg_engine) as session:  # the command runs on the real clock
        session.exec(update(OutboxMail).values(next_attempt_at=utcnow()))

    done = subprocess.run(
        [sys.executable, "-m", "ticketapp.mailer", "--once"],
        env=_env(
            DATABASE_URL=pg_url,
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(smtp.port),
            SMTP_STARTTLS="false",
            MAIL_FROM=MAIL_FROM,
        ),
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    assert "sent 1, retrying 0, failed 0" in done.stderr
    assert smtp.inbox.mail_keys() == [f"booking-confirmed:{booked.id}"]


def test_the_app_runs_the_sender_unless_told_it_runs_elsewhere():
    check = (
        "import ticketapp.ticketapp as t; print([f.__name__ for f in t.app.get_lifespan_tasks()])"
    )
    tasks = {}
    for mode in ("in-process", "external"):
        done = subprocess.run(
            [sys.executable, "-c", check],
            env=_env(TICKETAPP_MAILER=mode),
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        tasks[mode] = done.stdout
    assert "background_sender" in tasks["in-process"]
    assert "background_sender" not in tasks["external"]


def test_the_background_sender_delivers_while_the_app_runs_and_stops_with_it(pg_engine, smtp):
    booked = book(pg_engine, stage(pg_engine), buyer(pg_engine), "A1")
    with session_scope(pg_engine) as session:  # the loop runs on the real clock
        session.exec(update(OutboxMail).values(next_attempt_at=utcnow()))
    sender = make_sender(pg_engine, smtp)

    async def app_lifetime() -> bool:
        async with background_sender(sender, poll_seconds=0.05):
            return await asyncio.to_thread(smtp.inbox.arrived.wait, 30)

    # A thread of its own: browser tests in the same session keep a loop in the main thread.
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, app_lifetime()).result()
    assert smtp.inbox.mail_keys() == [f"booking-confirmed:{booked.id}"]
    assert [r.status for r in outbox_rows(pg_engine)] == ["sent"]
    assert not any(t.name == "ticketapp-mailer" for t in threading.enumerate())
