"""Overload is answered, not queued (issue 13, point 4).

A burst several times the per-worker bound against the real server: every request gets a
definite answer — done, or 503 + Retry-After in the API's error format — and the liveness
check keeps answering throughout. How quick those answers are is a figure, not a test: it
depends on what else the machine runs, so `bench.rush` measures it (its burst window).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.harness import PROJECT_DIR, free_port
from tests.appserver import start_server, stop_app
from tests.serving.conftest import Answer, request

pytestmark = pytest.mark.postgres

WORKERS = 2
BOUND = 2  # MAX_REQUESTS_IN_FLIGHT per worker
# The rush was 500 requests in one second on a bigger machine; here 300 a second for
# two seconds from up to 36 connections at once, nine times the server's 2 x 2 in flight.
BURST_REQUESTS = 600
BURST_SECONDS = 2.0
CLIENTS = 36
# The server and the /ping poller run ahead of other work on this machine (other test runs
# share its two cores); the burst itself comes from this process at normal priority, as
# customers' requests come from elsewhere. What is measured is the server under our burst.
PRIORITY = -10 if os.geteuid() == 0 else 0


@pytest.fixture
def busy_server(app_db_url: str, tmp_path):
    port = free_port()
    server = start_server(
        app_db_url,
        port,
        tmp_path / "server.log",
        workers=WORKERS,
        backend_only=True,
        # Sign-up hashes a password: a request with real CPU cost, so the bound is reached.
        # The burst comes from one address: lift the per-address sign-up limit (issue 14),
        # or it, not the admission bound, answers most of the burst (429).
        extra_env={
            "MAX_REQUESTS_IN_FLIGHT": str(BOUND),
            "BCRYPT_ROUNDS": "8",
            "SIGNUPS_PER_HOUR": "1000000",
        },
        nice=PRIORITY,
    )
    yield f"http://127.0.0.1:{port}"
    stop_app(server)


def test_a_burst_beyond_the_bound_gets_definite_answers_and_ping_keeps_answering(
    busy_server: str,
) -> None:
    def sign_up(i: int) -> Answer:
        body = {
            "name": f"Rush {i}",
            "email": f"rush-{uuid.uuid4().hex[:12]}@example.com",
            "password": "a long enough password",
        }
        return request(f"{busy_server}/api/v1/auth/signup", method="POST", body=body)

    def paced(i: int) -> Answer:
        # Request i goes out at its moment in the second, like customers arriving at once.
        time.sleep(max(0.0, t0 + i * BURST_SECONDS / BURST_REQUESTS - time.monotonic()))
        return sign_up(i)

    # A server in production is warm: its workers have connections in their pools.
    for i in range(WORKERS * BOUND):
        assert sign_up(-i).status == 201

    pinger = subprocess.Popen(
        [
            "nice",
            "-n",
            str(PRIORITY),
            sys.executable,
            "-m",
            "tests.serving.pinger",
            f"{busy_server}/ping",
        ],
        cwd=PROJECT_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert pinger.stdout is not None and pinger.stdout.readline() == "ready\n"
        with ThreadPoolExecutor(CLIENTS) as pool:
            t0 = time.monotonic()
            answers = list(pool.map(paced, range(BURST_REQUESTS)))
    finally:
        pings, _ = pinger.communicate("", timeout=30)
    ping_seconds = json.loads(pings)

    done = [a for a in answers if a.status == 201]
    refused = [a for a in answers if a.status == 503]
    assert len(done) + len(refused) == len(answers), sorted({a.status for a in answers})
    assert done, "some of the burst must be served"
    assert refused, "a burst of six times the bound must meet the bound"
    for answer in refused:
        assert int(answer.headers["retry-after"]) >= 1
        assert answer.body["error"]["code"] == "overloaded"
    assert len(ping_seconds) >= 10, "the liveness poller must have run during the burst"
    unanswered = [s for s in ping_seconds if s == float("inf")]
    assert not unanswered, f"{len(unanswered)} liveness checks got no answer during the burst"
