"""The waiting room over HTTP: the organizer turns it on, customers join and get passes, and
every request that holds seats without a valid pass is refused with a link to the queue.

The store is the database one on the test database; ticks are the engine's `admit_due` at the
API's clock (the engine takes time as a parameter), so nothing sleeps.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.api.factories import Account, Clock, Stage
from ticketapp.api import app
from ticketapp.api.routes.queue import get_waiting_room
from ticketapp.booking import PostgresWaitingRoom, admit_due

QUEUE_SETTINGS = {"enabled": True, "per_minute": 120}


@pytest.fixture
def store(db: Engine, client: TestClient) -> Iterator[PostgresWaitingRoom]:
    waiting_room = PostgresWaitingRoom(db)
    app.dependency_overrides[get_waiting_room] = lambda: waiting_room
    yield waiting_room


def queue_on(client: TestClient, stage: Stage, **settings) -> dict:
    r = client.put(
        f"/api/v1/organizer/shows/{stage.show_id}/queue",
        json=QUEUE_SETTINGS | settings,
        headers=stage.organizer.headers,
    )
    assert r.status_code == 200, r.text
    return r.json()


def admitted_pass(
    client: TestClient, stage: Stage, account: Account, store, db: Engine, clock: Clock
) -> str:
    """Join, let one tick run, and return the pass the status now hands out."""
    joined = client.post(f"/api/v1/shows/{stage.show_id}/queue", headers=account.headers)
    assert joined.status_code == 200, joined.text
    admit_due(store=store, now=clock(), db=db)
    status = client.get(f"/api/v1/shows/{stage.show_id}/queue", headers=account.headers).json()
    assert status["state"] == "admitted", status
    return status["pass_token"]


def hold_requests(stage: Stage) -> dict[str, tuple[str, dict]]:
    show = stage.show_id
    return {
        "chosen seats": ("/api/v1/holds", {"show_id": show, "seat_ids": stage.seat_ids[:1]}),
        "best available": ("/api/v1/holds/best-available", {"show_id": show, "quantity": 2}),
        "general admission": (
            "/api/v1/holds/general-admission",
            {"show_id": show, "quantity": 2, "section": "Standing"},
        ),
        "purchase": ("/api/v1/bookings", {"show_id": show, "seat_ids": stage.seat_ids[5:6]}),
    }


def test_every_hold_request_without_a_valid_pass_is_403_with_the_queue_to_join(
    client: TestClient, stage: Stage, customer: Account, other_customer: Account, store, db, clock
) -> None:
    queue_on(client, stage)
    others_pass = admitted_pass(client, stage, other_customer, store, db, clock)
    for name, (path, body) in hold_requests(stage).items():
        for headers in ({}, {"Queue-Pass": "qp1.forged"}, {"Queue-Pass": others_pass}):
            r = client.post(path, json=body, headers=customer.headers | headers)
            assert r.status_code == 403, (name, r.text)
            error = r.json()["error"]
            assert error["code"] == "queue_pass_required"
            assert error["queue_url"] == f"/api/v1/shows/{stage.show_id}/queue"
            assert error["queue_page"] == f"/shows/{stage.show_id}"
    # nothing was held by any of them
    figures = client.get(
        f"/api/v1/organizer/shows/{stage.show_id}/queue", headers=stage.organizer.headers
    ).json()
    assert figures["sold_last_minute"] == 0


def test_an_admitted_customer_holds_and_books_with_the_pass(
    client: TestClient, stage: Stage, customer: Account, store, db, clock
) -> None:
    queue_on(client, stage)
    queue_pass = admitted_pass(client, stage, customer, store, db, clock)
    hold_id = None
    for name, (path, body) in hold_requests(stage).items():
        if name == "purchase" and hold_id is not None:
            # A purchase books exactly what it names: let the cart go first.
            assert client.delete(f"/api/v1/holds/{hold_id}", headers=customer.headers).is_success
        r = client.post(path, json=body, headers=customer.headers | {"Queue-Pass": queue_pass})
        assert r.status_code == 201, (name, r.text)
        if "queue_pass" in r.json():  # a hold hands out the renewed pass
            assert r.json()["queue_pass"]
            hold_id = r.json()["hold_id"]
    # the pass runs out after its shopping time, and with it the right to hold
    clock.advance(seconds=601 + 600)
    r = client.post(
        "/api/v1/holds",
        json={"show_id": stage.show_id, "seat_ids": stage.seat_ids[2:3]},
        headers=customer.headers | {"Queue-Pass": queue_pass},
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "queue_pass_required"


def test_join_and_status_show_the_place_and_estimate_then_the_pass(
    client: TestClient, stage: Stage, customer: Account, other_customer: Account, store, db, clock
) -> None:
    queue_on(client, stage, per_minute=1, max_active=None)
    url = f"/api/v1/shows/{stage.show_id}/queue"
    assert client.get(url, headers=customer.headers).json()["state"] == "not_joined"
    client.post(url, headers=other_customer.headers)
    admit_due(store=store, now=clock(), db=db)  # the first tick lets one in at once
    mine = client.post(url, headers=customer.headers).json()
    assert mine["state"] == "waiting" and mine["position"] == 1
    assert mine["estimate_seconds"] == 60  # one a minute, as configured (nothing measured yet)
    assert client.post(url, headers=customer.headers).json()["position"] == 1  # same place
    clock.advance(seconds=61)
    admit_due(store=store, now=clock(), db=db)
    status = client.get(url, headers=customer.headers).json()
    assert status["state"] == "admitted" and status["pass_token"]
    assert status["pass_expires_at"]


def test_the_organizer_sees_live_figures_and_can_pause_and_resume(
    client: TestClient, stage: Stage, customer: Account, store, db, clock
) -> None:
    queue_on(client, stage)
    admitted_pass(client, stage, customer, store, db, clock)
    base = f"/api/v1/organizer/shows/{stage.show_id}/queue"
    figures = client.get(base, headers=stage.organizer.headers).json()
    assert figures["admitted"] == 1 and figures["active"] == 1 and figures["waiting"] == 0
    assert figures["settings"]["per_minute"] == 120 and figures["store"] == "database"
    paused = client.post(f"{base}/pause", headers=stage.organizer.headers).json()
    assert paused["paused"] is True
    resumed = client.post(f"{base}/resume", headers=stage.organizer.headers).json()
    assert resumed["paused"] is False
    everything = client.put(
        f"/api/v1/organizer/events/{stage.event_id}/queue",
        json={"enabled": True, "max_active": 50},
        headers=stage.organizer.headers,
    )
    assert everything.status_code == 200
    assert [s["max_active"] for s in everything.json()] == [50]


def test_bad_settings_and_strangers_are_refused_and_change_nothing(
    client: TestClient, stage: Stage, customer: Account, other_organizer: Account, store
) -> None:
    base = f"/api/v1/organizer/shows/{stage.show_id}/queue"
    for body in (
        {"enabled": True},
        {"enabled": True, "per_minute": 0},
        {"enabled": True, "per_minute": 5, "pass_seconds": 5},
    ):
        r = client.put(base, json=body, headers=stage.organizer.headers)
        assert r.status_code == 422, r.text
        assert r.json()["error"]["code"] == "invalid_request"
    assert client.put(base, json=QUEUE_SETTINGS, headers=customer.headers).status_code == 403
    assert client.put(base, json=QUEUE_SETTINGS, headers=other_organizer.headers).status_code == 403
    # still no queue: holding works without a pass, joining is a 409
    r = client.post(
        "/api/v1/holds",
        json={"show_id": stage.show_id, "seat_ids": stage.seat_ids[:1]},
        headers=customer.headers,
    )
    assert r.status_code == 201
    joined = client.post(f"/api/v1/shows/{stage.show_id}/queue", headers=customer.headers)
    assert joined.status_code == 409
    assert client.post("/api/v1/shows/999999/queue", headers=customer.headers).status_code == 404
    assert client.post(f"/api/v1/shows/{stage.show_id}/queue").status_code == 401


def test_openapi_documents_the_queue_and_the_pass_header(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    queue = spec["paths"]["/api/v1/shows/{show_id}/queue"]
    assert {"get", "post"} <= set(queue)
    assert queue["get"]["responses"]["200"]["content"]["application/json"]["schema"][
        "$ref"
    ].endswith("/QueueOut")
    hold_params = spec["paths"]["/api/v1/holds"]["post"]["parameters"]
    assert any(p["name"] == "Queue-Pass" and p["in"] == "header" for p in hold_params)
    assert (
        "queue_pass_required"
        in spec["paths"]["/api/v1/holds"]["post"]["responses"]["403"]["description"]
    )
