"""Issue 14, tried through the REST API: each test is an attack that used to work."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.api.factories import Account, Stage, book, build_stage, hold
from ticketapp import booking


def test_check_in_of_another_organizers_ticket_reveals_nothing(
    client: TestClient,
    db: Engine,
    stage: Stage,
    customer: Account,
    other_organizer: Account,
) -> None:
    ticket = book(client, stage, customer, stage.seat_ids[:1])["tickets"][0]
    own = build_stage(db, other_organizer, title="Other play")

    r = client.post(
        "/api/v1/organizer/check-in",
        json={"ticket_code": ticket["code"], "show_id": own.show_id},
        headers=other_organizer.headers,
    )

    assert r.status_code == 200, r.text
    assert r.json() == {
        "status": "unknown",
        "admitted": False,
        "checked_in_at": None,
        "label": "",
        "booking_code": "",
    }


def test_a_cancelled_show_stays_cancelled(
    client: TestClient, db: Engine, stage: Stage, organizer: Account, customer: Account
) -> None:
    book(client, stage, customer, stage.seat_ids[:2])
    booking.cancel_show(stage.show_id, actor_id=organizer.id, actor_role="organizer", db=db)

    r = client.patch(
        f"/api/v1/shows/{stage.show_id}", json={"status": "scheduled"}, headers=organizer.headers
    )

    assert r.status_code == 409, r.text
    assert r.json()["error"]["message"] == (
        "This show has been cancelled; it stays cancelled and cannot be changed."
    )
    assert client.get(f"/api/v1/shows/{stage.show_id}").json()["status"] == "cancelled"
    held = client.post(
        "/api/v1/holds",
        json={"show_id": stage.show_id, "seat_ids": stage.seat_ids[:2]},
        headers=customer.headers,
    )
    assert held.status_code == 409, held.text


def test_booking_for_a_list_of_addresses_is_422_and_books_nothing(
    client: TestClient, stage: Stage, customer: Account
) -> None:
    hold_id = hold(client, stage, customer, stage.seat_ids[:1])

    r = client.post(
        "/api/v1/bookings",
        json={"hold_id": hold_id, "buyer_email": "a@x.com, b@y.org, c@z.net"},
        headers=customer.headers,
    )

    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "invalid_request"
    assert "one valid e-mail address" in r.json()["error"]["message"]
    assert client.get("/api/v1/bookings", headers=customer.headers).json() == []
    mine = client.get(f"/api/v1/shows/{stage.show_id}/seats", headers=customer.headers).json()
    assert mine["statuses"][str(stage.seat_ids[0])] == "mine"  # the hold is still there
