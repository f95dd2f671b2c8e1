"""Browser tests: the real production app (`reflex run --env prod`, one port) on a fresh
PostgreSQL database, driven through Debian's Chromium by Playwright."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests import dbutil
from ticketapp.db import make_engine

PROJECT_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = 420) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited early:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the app did not come up in {timeout}s:\n{log.read_text()[-4000:]}")


def start_app(database_url: str, port: int, log: Path, extra_env: dict | None = None):
    bin_dir = PROJECT_DIR / ".venv" / "bin"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}",
        "REFLEX_USE_NPM": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
        **(extra_env or {}),
    }
    proc = subprocess.Popen(
        [
            str(bin_dir / "reflex"),
            "run",
            "--env",
            "prod",
            "--frontend-port",
            str(port),
            "--backend-port",
            str(port),
        ],
        cwd=PROJECT_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    wait_until_up(f"http://127.0.0.1:{port}/ping", proc, log)
    return proc


def stop_app(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def app_db_url() -> str:
    url = dbutil.create_pg_database("ticketapp_e2e")
    dbutil.migrate(url)
    yield url
    dbutil.drop_pg_database(url)


@pytest.fixture(scope="session")
def app_server(app_db_url, tmp_path_factory) -> str:
    port = free_port()
    log = tmp_path_factory.mktemp("app") / "reflex.log"
    proc = start_app(app_db_url, port, log)
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
