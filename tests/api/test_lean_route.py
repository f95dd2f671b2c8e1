"""The hot routes' lean path and the per-process cache of callers behind it.

Each test runs the real listener (`SeatChangeHub.listen_postgres`, as every backend process
does) on the test database, so the cache follows real NOTIFYs from migration 0012's trigger.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Iterator

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.api.factories import Account, Stage
from ticketapp import auth
from ticketapp.api.lean import LeanRoute
from ticketapp.auth_cache import actors_of
from ticketapp.booking.access import Actor
from ticketapp.live import SeatChangeHub

pytestmark = pytest.mark.postgres


def wait_for(condition, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


@pytest.fixture
def following(pg_url: str, db: Engine) -> Iterator[None]:
    """A live listener on the test database, in its own thread and event loop."""
    loop = asyncio.new_event_loop()
    task_box: list[asyncio.Task] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        task_box.append(loop.create_task(SeatChangeHub().listen_postgres(pg_url)))
        with contextlib.suppress(asyncio.CancelledError):
            loop.run_until_complete(task_box[0])

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    wait_for(lambda: actors_of(db).following, "the listener to follow user changes")
    yield
    loop.call_soon_threadsafe(task_box[0].cancel)
    thread.join(10)
    assert not actors_of(db).following


def served_lean() -> int:
    return LeanRoute.served_lean


def test_hold_and_book_are_served_by_the_lean_path_once_the_caller_is_known(
    client: TestClient, stage: Stage, customer: Account, following: None
) -> None:
    # The first request reads the caller's row (generic path) and remembers it.
    assert client.get("/api/v1/auth/me", headers=customer.headers).status_code == 200
    before = served_lean()
    r = client.post(
        "/api/v1/holds",
        json={"show_id": stage.show_id, "seat_ids": stage.seat_ids[:2]},
        headers={**customer.headers, "Idempotency-Key": "lean-hold-1"},
    )
    assert r.status_code == 201, r.text
    hold_id = r.json()["hold_id"]
    r = client.post("/api/v1/bookings", json={"hold_id": hold_id}, headers=customer.headers)
    assert r.status_code == 201, r.text
    assert sorted(t["seat_id"] for t in r.json()["tickets"]) == sorted(stage.seat_ids[:2])
    assert served_lean() == before + 2

    # A retry with the same key is answered from the record, through the lean path too.
    again = client.post(
        "/api/v1/holds",
        json={"show_id": stage.show_id, "seat_ids": stage.seat_ids[:2]},
        headers={**customer.headers, "Idempotency-Key": "lean-hold-1"},
    )
    assert again.status_code == 201
    assert again.json()["hold_id"] == hold_id
    assert again.headers["Idempotent-Replayed"] == "true"
    assert served_lean() == before + 3


@pytest.mark.parametrize(
    ("body", "headers", "status", "code"),
    [
        ({"show_id": 1, "seat_ids": []}, {}, 422, "invalid_request"),
        ({"show_id": "x"}, {}, 422, "invalid_request"),
        (None, {"content-type": "text/plain"}, 422, "invalid_request"),
        ({"show_id": 1, "seat_ids": [1]}, {"Idempotency-Key": "bad key"}, 422, "invalid_request"),
        ({"show_id": 1, "seat_ids": [1]}, {"Authorization": "Bearer nonsense"}, 401, None),
        ({"show_id": 1, "seat_ids": [1]}, {"Authorization": ""}, 401, None),
    ],
)
def test_bad_requests_get_the_generic_answers(
    client: TestClient,
    customer: Account,
    following: None,
    body: dict | None,
    headers: dict,
    status: int,
    code: str | None,
) -> None:
    assert client.get("/api/v1/auth/me", headers=customer.headers).status_code == 200
    before = served_lean()
    sent = {**customer.headers, **headers}
    if body is None:
        r = client.post("/api/v1/holds", content=b"show_id=1", headers=sent)
    else:
        r = client.post("/api/v1/holds", json=body, headers=sent)
    assert r.status_code == status, r.text
    assert "error" in r.json()
    if code:
        assert r.json()["error"]["code"] == code
    assert served_lean() == before


def test_a_known_caller_costs_no_statement(db: Engine, customer: Account, following: None) -> None:
    auth.actor_from_token(customer.token, db=db)  # read once, remembered
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db, "before_cursor_execute", count)
    try:
        actor = auth.actor_from_token(customer.token, db=db)
    finally:
        event.remove(db, "before_cursor_execute", count)
    assert actor == Actor(customer.id, "customer", "Carla Customer", "carla@example.com")
    assert statements == []


def revoke_elsewhere(pg_url: str, user_id: int) -> None:
    """What another process (or an admin at the psql prompt) does: bump the token version."""
    dsn = pg_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "UPDATE app_user SET token_version = token_version + 1 WHERE id = %s", (user_id,)
        )


def test_a_session_revoked_in_another_process_ends_here_too(
    client: TestClient, db: Engine, pg_url: str, customer: Account, following: None
) -> None:
    assert client.get("/api/v1/auth/me", headers=customer.headers).status_code == 200
    assert auth.cached_actor(customer.token, db=db) is not None

    revoke_elsewhere(pg_url, customer.id)

    wait_for(lambda: auth.cached_actor(customer.token, db=db) is None, "the NOTIFY")
    assert client.get("/api/v1/auth/me", headers=customer.headers).status_code == 401
    r = client.post("/api/v1/holds", json={"show_id": 1, "seat_ids": [1]}, headers=customer.headers)
    assert r.status_code == 401


def test_a_session_revoked_in_this_process_ends_before_the_answer(
    client: TestClient, db: Engine, customer: Account, following: None
) -> None:
    assert client.get("/api/v1/auth/me", headers=customer.headers).status_code == 200
    assert (
        client.post("/api/v1/auth/logout-everywhere", headers=customer.headers).status_code == 204
    )
    # No waiting for the NOTIFY: this process forgot the user before answering.
    assert client.get("/api/v1/auth/me", headers=customer.headers).status_code == 401


def test_without_the_listener_every_caller_is_read_from_the_database(
    client: TestClient, db: Engine, pg_url: str, customer: Account
) -> None:
    assert not actors_of(db).following
    assert client.get("/api/v1/auth/me", headers=customer.headers).status_code == 200
    assert auth.cached_actor(customer.token, db=db) is None
    revoke_elsewhere(pg_url, customer.id)
    assert client.get("/api/v1/auth/me", headers=customer.headers).status_code == 401


def test_a_changed_name_or_role_is_not_served_stale(
    client: TestClient, db: Engine, pg_url: str, customer: Account, following: None
) -> None:
    assert client.get("/api/v1/auth/me", headers=customer.headers).status_code == 200
    dsn = pg_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("UPDATE app_user SET role = 'organizer' WHERE id = %s", (customer.id,))
    wait_for(
        lambda: (a := auth.actor_from_token(customer.token, db=db)).role == "organizer" and a,
        "the role change to reach the cache",
    )
    me = client.get("/api/v1/auth/me", headers=customer.headers)
    assert me.json()["role"] == "organizer"
