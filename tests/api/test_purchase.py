"""The one-request purchase: POST /api/v1/bookings with a show and seats (or a quantity) holds
and confirms in one transaction — all or nothing, with the rules and answers of the two-step
flow, and the same Idempotency-Key semantics."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from tests.api.factories import Account, Stage, hold
from ticketapp.booking import check_invariants
from ticketapp.db import session_scope
from ticketapp.models import Booking, Hold, OutboxMail

BOOKINGS = "/api/v1/bookings"


def counts(db: Engine) -> tuple[int, int, int]:
    with session_scope(db) as session:
        return (
            session.exec(select(func.count(Booking.id))).one(),
            session.exec(select(func.count(Hold.id)).where(Hold.status == "active")).one(),
            session.exec(select(func.count(OutboxMail.id))).one(),
        )


def test_buying_seats_in_one_request_books_them_with_tickets_and_mail(
    client: TestClient, db: Engine, stage: Stage, customer: Account
) -> None:
    seats = stage.seat_ids[:2]
    r = client.post(
        BOOKINGS,
        json={"show_id": stage.show_id, "seat_ids": seats, "buyer_name": "Box Office"},
        headers=customer.headers,
    )
    assert r.status_code == 201, r.text
    booking = r.json()
    assert booking["status"] == "confirmed"
    assert sorted(t["seat_id"] for t in booking["tickets"]) == sorted(seats)
    assert booking["total_cents"] == 10000
    assert booking["buyer_name"] == "Box Office"
    statuses = client.get(f"/api/v1/shows/{stage.show_id}/seats").json()["statuses"]
    assert {statuses[str(s)] for s in seats} == {"booked"}
    assert counts(db) == (1, 0, 1)  # a booking, no hold left open, its confirmation mail
    assert check_invariants(db) == []


def test_buying_the_best_seats_by_quantity(
    client: TestClient, db: Engine, stage: Stage, customer: Account
) -> None:
    r = client.post(
        BOOKINGS, json={"show_id": stage.show_id, "quantity": 3}, headers=customer.headers
    )
    assert r.status_code == 201, r.text
    tickets = r.json()["tickets"]
    assert len(tickets) == 3
    assert {t["category_name"] for t in tickets} == {"Premium"}  # the best category first
    assert counts(db)[:2] == (1, 0)


def test_buying_standing_places_of_a_section(
    client: TestClient, stage: Stage, customer: Account
) -> None:
    r = client.post(
        BOOKINGS,
        json={"show_id": stage.show_id, "quantity": 4, "section": "Standing"},
        headers=customer.headers,
    )
    assert r.status_code == 201, r.text
    assert r.json()["total_cents"] == 4 * 1500


def test_a_lost_seat_fails_the_whole_purchase_and_leaves_nothing(
    client: TestClient, db: Engine, stage: Stage, customer: Account, other_customer: Account
) -> None:
    hold(client, stage, other_customer, stage.seat_ids[1:2])
    r = client.post(
        BOOKINGS,
        json={"show_id": stage.show_id, "seat_ids": stage.seat_ids[:2]},
        headers=customer.headers,
    )
    assert r.status_code == 409
    assert r.json()["error"]["seats"] == [stage.seat_ids[1]]
    assert counts(db) == (0, 1, 0)  # only the other customer's hold


def test_a_purchase_never_books_seats_held_earlier(
    client: TestClient, db: Engine, stage: Stage, customer: Account
) -> None:
    """Holding adds to the live hold: a purchase must not book (and charge) what the customer
    holds on the seat map besides the seats it names."""
    held = hold(client, stage, customer, stage.seat_ids[5:6])
    for body in (
        {"show_id": stage.show_id, "seat_ids": stage.seat_ids[:2]},
        {"show_id": stage.show_id, "quantity": 2},
    ):
        r = client.post(BOOKINGS, json=body, headers=customer.headers)
        assert r.status_code == 409, r.text
        assert r.json()["error"]["code"] == "conflict"
        assert "on hold" in r.json()["error"]["message"]
    assert counts(db) == (0, 1, 0)  # nothing booked; the earlier hold is as it was
    assert client.get(f"/api/v1/holds/{held}", headers=customer.headers).json()["seat_ids"] == [
        stage.seat_ids[5]
    ]
    # Naming exactly the seats of the hold buys them.
    r = client.post(
        BOOKINGS,
        json={"show_id": stage.show_id, "seat_ids": stage.seat_ids[5:6]},
        headers=customer.headers,
    )
    assert r.status_code == 201, r.text
    assert [t["seat_id"] for t in r.json()["tickets"]] == [stage.seat_ids[5]]


def test_the_cap_per_customer_applies(client: TestClient, stage: Stage, customer: Account) -> None:
    r = client.post(
        BOOKINGS,
        json={"show_id": stage.show_id, "seat_ids": stage.seat_ids[:9]},
        headers=customer.headers,
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "hold_limit_exceeded"


def test_a_retried_purchase_with_the_same_key_buys_once(
    client: TestClient, db: Engine, stage: Stage, customer: Account
) -> None:
    headers = {**customer.headers, "Idempotency-Key": "kiosk-7"}
    body = {"show_id": stage.show_id, "seat_ids": stage.seat_ids[:2]}
    first = client.post(BOOKINGS, json=body, headers=headers)
    again = client.post(BOOKINGS, json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    by_quantity = {**customer.headers, "Idempotency-Key": "kiosk-8"}
    body = {"show_id": stage.show_id, "quantity": 2}
    first = client.post(BOOKINGS, json=body, headers=by_quantity)
    again = client.post(BOOKINGS, json=body, headers=by_quantity)
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert counts(db)[0] == 2
    reused = client.post(BOOKINGS, json={"show_id": stage.show_id, "quantity": 1}, headers=headers)
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"


@pytest.mark.parametrize(
    "body",
    [
        {"show_id": 1},
        {"show_id": 1, "seat_ids": [1], "quantity": 1},
        {"show_id": 1, "quantity": 0},
        {"show_id": 1, "seat_ids": []},
        {"show_id": 1, "seat_ids": [1], "surprise": True},
    ],
)
def test_a_purchase_needs_seats_or_a_quantity(
    client: TestClient, db: Engine, customer: Account, body: dict
) -> None:
    r = client.post(BOOKINGS, json=body, headers=customer.headers)
    assert r.status_code == 422
    assert "error" in r.json()
    assert counts(db) == (0, 0, 0)


def test_a_purchase_needs_a_log_in(client: TestClient, stage: Stage) -> None:
    r = client.post(BOOKINGS, json={"show_id": stage.show_id, "seat_ids": stage.seat_ids[:1]})
    assert r.status_code == 401


def test_the_purchase_is_documented(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    body = schema["paths"]["/api/v1/bookings"]["post"]["requestBody"]["content"]
    text = str(body)
    assert "ConfirmIn" in text and "PurchaseIn" in text
