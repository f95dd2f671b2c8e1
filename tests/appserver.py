"""Start the real production server (`python -m ticketapp.server`) for tests.

The same entry point as `make run` and the README's production commands, started as its own
process group so that stopping it also stops its workers. `backend_only` skips the frontend
build (minutes) for tests that only talk HTTP to the API and Reflex's backend routes.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from bench.harness import PROJECT_DIR, app_env, stop_app, wait_until_up
from ticketapp.server import command

__all__ = ["start_server", "stop_app", "worker_pids"]


def start_server(
    database_url: str,
    port: int,
    log: Path,
    *,
    extra_env: dict[str, str] | None = None,
    workers: int | None = None,
    backend_only: bool = False,
    nice: int = 0,
) -> subprocess.Popen:
    """Start the server and return once /ping answers.

    `nice` < 0 (root only) runs the server ahead of everything else on the machine: a test
    that measures latency under a load it makes itself must not measure its neighbours' load.
    """
    proc = subprocess.Popen(
        command(port, workers=workers, backend_only=backend_only),
        cwd=PROJECT_DIR,
        env=app_env(database_url, extra_env),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=(lambda: os.nice(nice)) if nice else None,
    )
    wait_until_up(f"http://127.0.0.1:{port}/ping", proc, log)
    return proc


def worker_pids(server: subprocess.Popen) -> set[int]:
    """The server's live worker processes (its children; zombies are dead workers)."""
    pids = set()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may contain spaces, so split after the ")".
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == server.pid and state != "Z":
            pids.add(int(entry.name))
    return pids
