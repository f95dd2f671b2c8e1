"""Run the real app for browser tests and benchmarks: `python -m ticketapp.server` on one port."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
BIN_DIR = PROJECT_DIR / ".venv" / "bin"
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


def app_env(database_url: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "PATH": f"{BIN_DIR}:{os.environ.get('PATH', '')}",
        "REFLEX_USE_NPM": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
        # The app's mail sender writes .eml files without SMTP: keep test and benchmark
        # bookings out of the developer's own mail folder (var/mail).
        "MAIL_DIR": os.environ.get("MAIL_DIR") or tempfile.mkdtemp(prefix="ticketapp-mail-"),
        **(extra or {}),
    }


def wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = 420) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited early:\n{log.read_text()[-4000:]}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as resp:
            if resp.status == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"the app did not come up in {timeout}s:\n{log.read_text()[-4000:]}")


def start_app(
    database_url: str, port: int, log: Path, extra_env: dict[str, str] | None = None
) -> subprocess.Popen:
    """Start the production app (`python -m ticketapp.server`, the one way to run it) and
    return once /ping answers."""
    from ticketapp.server import command

    proc = subprocess.Popen(
        command(port),
        cwd=PROJECT_DIR,
        env=app_env(database_url, extra_env),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    wait_until_up(f"http://127.0.0.1:{port}/ping", proc, log)
    return proc


def stop_app(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def migrate(database_url: str) -> None:
    """Bring a benchmark's fresh database to the newest schema (`alembic upgrade head`)."""
    subprocess.run(
        [str(BIN_DIR / "alembic"), "upgrade", "head"],
        cwd=PROJECT_DIR,
        env=app_env(database_url),
        check=True,
        capture_output=True,
    )
