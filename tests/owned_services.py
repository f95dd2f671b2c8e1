"""Servers a fault test owns: a private Redis and a private PostgreSQL cluster.

The shared servers on 6379 and 5432 belong to everyone running tests on the machine; a test
that kills a server must kill its own. Each helper starts its server on a free port in a
temporary directory, can crash it (SIGKILL, no clean shutdown) and start it again on the same
port and data, and removes everything at the end. Waits poll a real condition with a deadline.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import redis

from bench.harness import free_port


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> float:
    """Poll `condition` until true; returns the seconds it took, fails after `timeout`."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class OwnedRedis:
    """`redis-server` on a free port, in memory only."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._dir = tempfile.mkdtemp(prefix="ticketapp-redis-")
        self._proc: subprocess.Popen | None = None

    def start(self) -> None:
        self._proc = subprocess.Popen(
            [
                "redis-server",
                *("--port", str(self.port)),
                *("--bind", "127.0.0.1"),
                *("--save", ""),
                *("--appendonly", "no"),
                *("--dir", self._dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, 10, f"redis-server on port {self.port}")

    def answers(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def crash(self) -> None:
        assert self._proc is not None
        self._proc.kill()
        self._proc.wait(timeout=10)
        self._proc = None

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=1)

    def close(self) -> None:
        if self._proc is not None:
            self.crash()
        shutil.rmtree(self._dir, ignore_errors=True)


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} not found under /usr/lib/postgresql/*/bin")
    return found[-1]


class OwnedPostgres:
    """A throw-away PostgreSQL cluster (initdb) on a free port, trust auth for `postgres`.

    PostgreSQL refuses to run as root, so as root the server runs as the `postgres` system user
    (`runuser`), which also owns the data directory.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self._root = Path(tempfile.mkdtemp(prefix="ticketapp-pg-"))
        self.data = self._root / "data"
        self._as_owner: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self._root, "postgres", "postgres")
            self._as_owner = ["runuser", "-u", "postgres", "--"]
        self._run([_pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-N"])

    @property
    def server_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}"

    def _run(self, argv: list[str]) -> None:
        subprocess.run(
            [*self._as_owner, *argv],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=self._root,
        )

    def start(self, timeout: float = 30) -> None:
        """Start the postmaster (crash recovery included) and wait until it takes connections.

        Right after a SIGKILL the old backends may still hold the shared memory for a moment,
        and the postmaster refuses to start until they are gone: retry until the deadline.
        """
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self._root} "
            "-c fsync=off -c max_connections=200"
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._run(
                    [
                        _pg_bin("pg_ctl"),
                        *("-D", str(self.data)),
                        *("-l", str(self._root / "server.log")),
                        *("-o", options),
                        "-w",
                        *("-t", "30"),
                        "start",
                    ]
                )
                return
            except subprocess.CalledProcessError:
                if time.monotonic() > deadline:
                    raise AssertionError(
                        "own PostgreSQL did not start:\n" + self.log_tail()
                    ) from None
                time.sleep(0.2)

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def crash(self) -> None:
        """SIGKILL the postmaster, as the OOM killer would; its backends follow it down."""
        os.kill(self.postmaster_pid(), signal.SIGKILL)
        wait_for(lambda: not self.answers(), 10, "PostgreSQL to stop answering")

    def answers(self) -> bool:
        try:
            with psycopg.connect(f"{self.server_url}/postgres", connect_timeout=2) as conn:
                conn.execute("SELECT 1")
            return True
        except psycopg.Error:
            return False

    def log_tail(self) -> str:
        with contextlib.suppress(OSError):
            return (self._root / "server.log").read_text()[-3000:]
        return ""

    def close(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, FileNotFoundError):
            self._run([_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"])
        shutil.rmtree(self._root, ignore_errors=True)
