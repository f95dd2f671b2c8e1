"""The door through the API: door staff invited by an organizer check tickets in for that
organizer's events — and reach nothing else; two devices scanning one ticket admit it once."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.api.factories import Account, Stage, book, build_stage
from ticketapp import auth

DOOR_PASSWORD = "door-pass-4711"


def invite(
    client: TestClient, db: Engine, organizer: Account, email: str = "dora@example.com"
) -> Account:
    r = client.post(
        "/api/v1/organizer/door-staff",
        json={"name": "Dora Door", "email": email, "password": DOOR_PASSWORD},
        headers=organizer.headers,
    )
    assert r.status_code == 201, r.text
    login = client.post("/api/v1/auth/login", json={"email": email, "password": DOOR_PASSWORD})
    assert login.status_code == 200, login.text
    user = auth.find_user_by_email(email, db=db)
    assert user is not None and user.role == "door"
    assert [m["email"] for m in r.json()] == [email]
    return Account(user, login.json()["access_token"])


def test_door_staff_scan_tickets_of_the_inviting_organizer(
    client: TestClient, db: Engine, stage: Stage, organizer: Account, customer: Account
) -> None:
    ticket = book(client, stage, customer, stage.seat_ids[:1])["tickets"][0]
    door = invite(client, db, organizer)
    body = {"ticket_code": ticket["code"].lower(), "show_id": stage.show_id}

    first = client.post("/api/v1/door/check-in", json=body, headers=door.headers)
    again = client.post("/api/v1/door/check-in", json=body, headers=door.headers)

    assert first.status_code == 200, first.text
    assert first.json()["status"] == "checked_in"
    assert first.json()["category_name"] == "Premium" and first.json()["label"]
    assert again.json()["status"] == "already_checked_in"
    assert again.json()["checked_in_at"] == first.json()["checked_in_at"]
    counts = client.get(f"/api/v1/door/shows/{stage.show_id}/counts", headers=door.headers)
    assert counts.json() == {"show_id": stage.show_id, "checked_in": 1, "sold": 1}
    shows = client.get("/api/v1/door/shows", headers=door.headers).json()
    assert [s["show_id"] for s in shows] == [stage.show_id]


def test_door_staff_reach_nothing_else(
    client: TestClient,
    db: Engine,
    stage: Stage,
    organizer: Account,
    other_organizer: Account,
    customer: Account,
) -> None:
    bought = book(client, stage, customer, stage.seat_ids[:1])
    door = invite(client, db, organizer)
    rival = build_stage(db, other_organizer, title="Macbeth")
    rival_ticket = book(client, rival, customer, rival.seat_ids[:1])["tickets"][0]
    refused = [
        ("GET", f"/api/v1/organizer/events/{stage.event_id}/sales", None),
        ("GET", f"/api/v1/organizer/shows/{stage.show_id}/sales", None),
        ("GET", f"/api/v1/organizer/events/{stage.event_id}/bookings", None),
        ("GET", "/api/v1/organizer/events", None),
        ("GET", "/api/v1/organizer/door-staff", None),
        ("POST", "/api/v1/organizer/check-in", {"ticket_code": "X", "show_id": stage.show_id}),
        ("GET", f"/api/v1/bookings/{bought['id']}", None),
        ("GET", f"/api/v1/bookings/{bought['id']}/tickets.pdf", None),
        ("POST", f"/api/v1/bookings/{bought['id']}/cancel", {}),
        ("PATCH", f"/api/v1/events/{stage.event_id}", {"title": "Mine now"}),
        ("POST", "/api/v1/events", {"title": "Door party", "venue_name": "Hall"}),
        ("PATCH", f"/api/v1/shows/{stage.show_id}", {"hold_seconds": 300}),
        ("GET", f"/api/v1/door/shows/{rival.show_id}/counts", None),
        (
            "POST",
            "/api/v1/door/check-in",
            {"ticket_code": rival_ticket["code"], "show_id": rival.show_id},
        ),
    ]
    for method, url, body in refused:
        r = client.request(method, url, json=body, headers=door.headers)
        assert r.status_code == 403, (method, url, r.status_code, r.text)
        assert "error" in r.json()
    title = client.get(f"/api/v1/events/{stage.event_id}").json()["title"]
    assert title == "Hamlet"


def test_a_revoked_door_account_is_refused_at_once(
    client: TestClient, db: Engine, stage: Stage, organizer: Account, customer: Account
) -> None:
    ticket = book(client, stage, customer, stage.seat_ids[:1])["tickets"][0]
    door = invite(client, db, organizer)

    gone = client.delete(f"/api/v1/organizer/door-staff/{door.id}", headers=organizer.headers)

    assert gone.status_code == 204
    body = {"ticket_code": ticket["code"], "show_id": stage.show_id}
    assert client.post("/api/v1/door/check-in", json=body, headers=door.headers).status_code == 403
    assert client.get("/api/v1/organizer/door-staff", headers=organizer.headers).json() == []


def test_inviting_an_existing_customer_is_a_conflict_and_bad_input_is_422(
    client: TestClient, organizer: Account, customer: Account
) -> None:
    r = client.post(
        "/api/v1/organizer/door-staff",
        json={"name": "Carla", "email": customer.user.email, "password": DOOR_PASSWORD},
        headers=organizer.headers,
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "email_taken"
    for body in (
        {"name": "D", "email": "not-an-address", "password": DOOR_PASSWORD},
        {"name": "D", "email": "d@example.com", "password": "short"},
        {"name": "", "email": "d@example.com", "password": DOOR_PASSWORD},
    ):
        r = client.post("/api/v1/organizer/door-staff", json=body, headers=organizer.headers)
        assert r.status_code == 422, (body, r.text)
    assert client.get("/api/v1/organizer/door-staff", headers=organizer.headers).json() == []
    as_customer = client.post(
        "/api/v1/organizer/door-staff",
        json={"name": "D", "email": "d@example.com", "password": DOOR_PASSWORD},
        headers=customer.headers,
    )
    assert as_customer.status_code == 403


def test_two_devices_scanning_one_ticket_at_once_admit_it_once(
    client: TestClient, db: Engine, stage: Stage, organizer: Account, customer: Account
) -> None:
    ticket = book(client, stage, customer, stage.seat_ids[:1])["tickets"][0]
    door = invite(client, db, organizer)
    devices = [organizer, door]
    barrier = threading.Barrier(len(devices))
    answers: list[str] = []

    def device(account: Account) -> None:
        barrier.wait()
        r = client.post(
            "/api/v1/door/check-in",
            json={"ticket_code": ticket["code"], "show_id": stage.show_id},
            headers=account.headers,
        )
        answers.append(r.json()["status"])

    threads = [threading.Thread(target=device, args=(a,)) for a in devices]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(answers) == ["already_checked_in", "checked_in"]


def test_the_door_is_in_the_openapi_schema(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/v1/door/check-in",
        "/api/v1/door/shows",
        "/api/v1/door/shows/{show_id}/counts",
        "/api/v1/organizer/door-staff",
        "/api/v1/organizer/door-staff/{user_id}",
    ):
        assert path in paths
    check_in = paths["/api/v1/door/check-in"]["post"]["responses"]
    assert {"200", "401", "403", "404", "422"} <= set(check_in)
