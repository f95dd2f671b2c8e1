"""An answer never lies about what was committed: failures at the worst moments.

- The connection fails right after COMMIT, before the answer is sent: the client is told the
  outcome is unknown (503, never "nothing was done"), and its retry with the same
  Idempotency-Key gets the original 201 — the booking exists once.
- The worker serving a confirm is killed (SIGKILL) in the middle of it: PostgreSQL drops its
  transaction with its connection, and a retry of the same key on another worker within
  seconds gets a definite answer.
Real PostgreSQL, real server processes; the only thing injected is the failure itself.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from bench.harness import free_port
from tests.api.factories import Account, Stage, hold
from ticketapp.models import Booking
from ticketapp.settings import settings

BOOKINGS = "/api/v1/bookings"
PROJECT_DIR = Path(__file__).resolve().parents[2]


def bookings(db: Engine) -> int:
    with db.connect() as conn:
        return conn.execute(select(func.count()).select_from(Booking)).scalar()


def test_a_commit_whose_answer_is_lost_is_reported_as_unknown_and_the_retry_gets_the_201(
    client: TestClient, db: Engine, stage: Stage, customer: Account
) -> None:
    hold_id = hold(client, stage, customer, stage.seat_ids[:2])
    failures: list[str] = []

    def note_the_booking(conn, cursor, statement, *args) -> None:
        if "INSERT INTO booking" in statement:
            conn.info["books"] = True

    def commit_then_lose_the_connection(conn) -> None:
        if failures or not conn.info.pop("books", False):
            return  # only the confirm's own commit (the log-in check commits too)
        dbapi = conn.connection.dbapi_connection
        dbapi.commit()  # the booking is committed for real...
        dbapi.close()  # ...and the connection dies before anyone hears about it
        failures.append("lost")

    headers = {**customer.headers, "Idempotency-Key": "pay-lost"}
    event.listen(db, "before_cursor_execute", note_the_booking)
    event.listen(db, "commit", commit_then_lose_the_connection)
    try:
        first = client.post(BOOKINGS, json={"hold_id": hold_id}, headers=headers)
    finally:
        event.remove(db, "commit", commit_then_lose_the_connection)
        event.remove(db, "before_cursor_execute", note_the_booking)

    assert failures == ["lost"]
    assert first.status_code == 503
    assert first.json()["error"]["code"] == "outcome_unknown"
    assert "nothing" not in first.json()["error"]["message"].lower()
    assert first.headers["Retry-After"]
    assert bookings(db) == 1  # it did happen
    again = client.post(BOOKINGS, json={"hold_id": hold_id}, headers=headers)
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["status"] == "confirmed"
    assert len(again.json()["tickets"]) == 2
    assert bookings(db) == 1


def _api_server(url: str, port: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url.replace("postgresql+psycopg://", "postgresql://"),
        "SECRET_KEY": settings.secret_key,
        "PYTHONUNBUFFERED": "1",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "asgi",
            "--workers",
            "1",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "ticketapp.api:app",
        ],
        cwd=PROJECT_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait_up(port: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the API server exited"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/events?limit=1").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError("the API server did not come up")


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@pytest.mark.postgres
def test_a_retry_after_the_worker_died_mid_confirm_gets_a_definite_answer(
    client: TestClient, db: Engine, pg_url: str, stage: Stage, customer: Account, tmp_path
) -> None:
    hold_id = hold(client, stage, customer, stage.seat_ids[:2])
    ports = [free_port(), free_port()]
    doomed, survivor = (_api_server(pg_url, p, tmp_path / f"api{p}.log") for p in ports)
    try:
        for port, proc in zip(ports, (doomed, survivor), strict=True):
            _wait_up(port, proc)
        headers = {**customer.headers, "Idempotency-Key": "pay-killed"}
        # Hold the hold's row lock, so the doomed worker's confirm is caught mid-transaction.
        blocker = db.connect()
        blocker.exec_driver_sql(f"SELECT id FROM hold WHERE id = {hold_id} FOR UPDATE")
        answers: list = []

        def confirm_on_doomed() -> None:
            try:
                answers.append(
                    httpx.post(
                        f"http://127.0.0.1:{ports[0]}{BOOKINGS}",
                        json={"hold_id": hold_id},
                        headers=headers,
                        timeout=30,
                    )
                )
            except httpx.HTTPError as exc:
                answers.append(exc)

        request = threading.Thread(target=confirm_on_doomed)
        request.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # until the doomed worker waits for our lock
            waiting = blocker.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND datname = current_database()"
            ).scalar()
            if waiting:
                break
            time.sleep(0.02)
        else:
            raise AssertionError("the confirm never reached the database")
        _kill(doomed)
        blocker.rollback()
        blocker.close()
        request.join(timeout=30)
        assert answers and isinstance(answers[0], httpx.HTTPError)  # the client heard nothing

        killed_at = time.monotonic()
        retry = None
        while time.monotonic() - killed_at < 10:
            retry = httpx.post(
                f"http://127.0.0.1:{ports[1]}{BOOKINGS}",
                json={"hold_id": hold_id},
                headers=headers,
                timeout=10,
            )
            if retry.status_code != 503:
                break
            time.sleep(0.2)
        assert retry is not None and retry.status_code == 201, retry.text if retry else None
        assert len(retry.json()["tickets"]) == 2
        assert bookings(db) == 1
    finally:
        _kill(doomed)
        _kill(survivor)


def test_a_read_whose_commit_fails_is_simply_run_again_never_an_unknown_outcome(
    client: TestClient, db: Engine, customer: Account
) -> None:
    lost: list[str] = []

    def lose_the_connection_at_commit(conn) -> None:
        if not lost:
            conn.connection.dbapi_connection.close()
            lost.append("lost")

    event.listen(db, "commit", lose_the_connection_at_commit)
    try:
        r = client.get(BOOKINGS, headers=customer.headers)
    finally:
        event.remove(db, "commit", lose_the_connection_at_commit)
    assert lost == ["lost"]
    # A read changed nothing: its connection was found dead, so it ran again on a fresh one.
    assert r.status_code == 200, r.text
    assert r.json() == []
