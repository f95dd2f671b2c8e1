"""A killed worker is replaced, and the other keeps serving meanwhile (issue 13, point 1)."""

from __future__ import annotations

import os
import signal
import time

import pytest

from bench.harness import free_port
from tests.appserver import start_server, stop_app, worker_pids
from tests.owned_services import wait_for
from tests.serving.conftest import Poller

pytestmark = pytest.mark.postgres


def _kill_worker(server, pid: int) -> tuple[float, float]:
    """SIGKILL one worker; returns when the signal went out and when the worker was gone.

    A request that worker was serving at that moment is lost with it (connection reset): the
    test judges only requests that started after the worker was gone.
    """
    signalled = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: pid not in worker_pids(server), 5, f"worker {pid} to die")
    return signalled, time.monotonic()


def test_sigkilled_worker_is_replaced_within_5s_while_the_other_keeps_serving(
    app_db_url: str, tmp_path
) -> None:
    port = free_port()
    server = start_server(app_db_url, port, tmp_path / "server.log", workers=2, backend_only=True)
    try:
        wait_for(lambda: len(worker_pids(server)) == 2, 30, "two workers")
        first, second = sorted(worker_pids(server))
        # A database-backed API call, so each answer proves a whole worker served it.
        with Poller(f"http://127.0.0.1:{port}/api/v1/events") as poller:
            wait_for(lambda: len(poller.answers) >= 5, 20, "the poller to get answers")

            signalled, dead_at = _kill_worker(server, first)
            took = wait_for(
                lambda: len(worker_pids(server) - {first, second}) == 1,
                5,
                "a new worker process after the SIGKILL",
            )
            assert dead_at - signalled + took <= 5.0
            (replacement,) = worker_pids(server) - {first, second}

            # Every request made after the worker died was answered, by the survivor ...
            wait_for(lambda: len(poller.between(dead_at, time.monotonic())) >= 10, 20, "answers")
            # ... and the replacement serves too: kill the survivor and keep asking.
            second_kill, second_dead_at = _kill_worker(server, second)
            wait_for(lambda: len(worker_pids(server)) == 2, 5, "the survivor's own replacement")
            wait_for(
                lambda: len(poller.between(second_dead_at, time.monotonic())) >= 10,
                20,
                "answers after the second kill",
            )
            assert replacement in worker_pids(server)
        judged = poller.between(dead_at, second_kill) + poller.between(
            second_dead_at, time.monotonic()
        )
        failures = [a for a in judged if a.status != 200]
        assert not failures, f"{len(failures)} of {len(judged)} failed: {failures[:3]}"
        assert server.poll() is None, "the server must still be running"
    finally:
        stop_app(server)
    log = (tmp_path / "server.log").read_text()
    assert "Unexpected exit from worker-1" in log or "Unexpected exit from worker-2" in log
    assert "Respawning worker" in log
