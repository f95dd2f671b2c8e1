"""Browser tests: the real production app (`python -m ticketapp.server`, one port) on a fresh
PostgreSQL database, driven through Debian's Chromium by Playwright."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy.engine import Engine

from bench.harness import CHROMIUM, CHROMIUM_ARGS, free_port
from tests import dbutil
from tests.appserver import start_server, stop_app
from ticketapp.db import make_engine

# A 2-core CI machine building and serving the app while Chromium renders: give the UI a
# little more than Playwright's default 5 s before calling a wait a failure.
expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def app_db_url() -> str:
    url = dbutil.create_pg_database("ticketapp_e2e")
    dbutil.migrate(url)
    yield url
    dbutil.drop_pg_database(url)


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
# Browser tests run the app in scale-out mode: two backend workers sharing PostgreSQL and
# Redis, so every journey also proves the workers agree on state and live seat changes.
SCALE_OUT = {"REFLEX_REDIS_URL": REDIS_URL, "GRANIAN_WORKERS": "2"}
# Every browser logs in and signs up from 127.0.0.1, many times a minute: the limits that
# guard a real deployment would stop the suite (they have their own tests).
GENEROUS_LIMITS = {"LOGIN_ATTEMPTS_PER_MINUTE": "10000", "SIGNUPS_PER_HOUR": "10000"}


SERVER_LOG = pytest.StashKey[Path]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test carries the tail of the app server's log: what the server did
    (or raised) while the page waited is the first thing to read, and CI keeps no files."""
    report = yield
    log = item.config.stash.get(SERVER_LOG, None)
    if report.failed and log is not None and log.exists():
        tail = log.read_text(errors="replace").splitlines()[-80:]
        report.sections.append(("app server log, last 80 lines", "\n".join(tail)))
    return report


@pytest.fixture(scope="session")
def mail_dir(tmp_path_factory) -> Path:
    """Where the app's mail sender writes its .eml files (no SMTP in tests)."""
    return tmp_path_factory.mktemp("mail")


@pytest.fixture(scope="session")
def app_server(request, app_db_url, tmp_path_factory, mail_dir) -> str:
    port = free_port()
    log = tmp_path_factory.mktemp("app") / "reflex.log"
    # Links in mails point at this very server.
    mail = {"MAIL_DIR": str(mail_dir), "PUBLIC_URL": f"http://localhost:{port}"}
    proc = start_server(app_db_url, port, log, extra_env={**SCALE_OUT, **GENEROUS_LIMITS, **mail})
    request.config.stash[SERVER_LOG] = log
    yield f"http://localhost:{port}"
    stop_app(proc)


@pytest.fixture
def app_engine(app_db_url) -> Engine:
    """The app's own database, for arranging data and checking outcomes."""
    engine = make_engine(app_db_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def base_url(app_server) -> str:
    return app_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}
