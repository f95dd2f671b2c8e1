"""Bookings over HTTP: confirm a hold (idempotently), list mine, get, cancel; nobody reads or
cancels someone else's booking."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from tests.api.factories import Account, Clock, Stage, book, hold
from ticketapp.db import session_scope
from ticketapp.models import Booking

BOOKINGS = "/api/v1/bookings"


def booking_count(db: Engine) -> int:
    with session_scope(db) as session:
        return session.exec(select(func.count(Booking.id))).one()


def test_confirming_a_hold_books_one_ticket_per_seat(
    client: TestClient, stage: Stage, customer: Account
) -> None:
    hold_id = hold(client, stage, customer, stage.seat_ids[:2])
    r = client.post(
        BOOKINGS,
        json={"hold_id": hold_id, "buyer_name": "Carla C.", "buyer_email": "c@example.com"},
        headers=customer.headers,
    )
    assert r.status_code == 201, r.text
    booking = r.json()
    assert booking["status"] == "confirmed"
    assert booking["total_cents"] == 10000
    assert len(booking["tickets"]) == 2
    assert booking["buyer_name"] == "Carla C."
    statuses = client.get(f"/api/v1/shows/{stage.show_id}/seats").json()["statuses"]
    assert statuses[str(stage.seat_ids[0])] == "booked"


def test_buyer_defaults_to_the_account(client: TestClient, stage: Stage, customer: Account) -> None:
    booking = book(client, stage, customer, stage.seat_ids[:1])
    assert booking["buyer_name"] == "Carla Customer"
    assert booking["buyer_email"] == "carla@example.com"


def test_confirming_an_expired_hold_is_410(
    client: TestClient, stage: Stage, customer: Account, clock: Clock
) -> None:
    hold_id = hold(client, stage, customer, stage.seat_ids[:1])
    clock.advance(minutes=11)
    r = client.post(BOOKINGS, json={"hold_id": hold_id}, headers=customer.headers)
    assert r.status_code == 410
    assert r.json()["error"]["code"] == "hold_expired"


def test_confirming_someone_elses_hold_is_403(
    client: TestClient, stage: Stage, customer: Account, other_customer: Account
) -> None:
    hold_id = hold(client, stage, customer, stage.seat_ids[:1])
    r = client.post(BOOKINGS, json={"hold_id": hold_id}, headers=other_customer.headers)
    assert r.status_code == 403
    assert client.post(BOOKINGS, json={"hold_id": hold_id}).status_code == 401


@pytest.mark.parametrize(
    "body", [{}, {"hold_id": 0}, {"hold_id": "abc"}, {"hold_id": 1, "buyer_name": "x" * 121}]
)
def test_confirm_rejects_invalid_input(client: TestClient, customer: Account, body: dict) -> None:
    r = client.post(BOOKINGS, json=body, headers=customer.headers)
    assert r.status_code == 422


def test_confirm_unknown_hold_is_404(client: TestClient, customer: Account) -> None:
    assert (
        client.post(BOOKINGS, json={"hold_id": 4242}, headers=customer.headers).status_code == 404
    )


def test_retried_confirm_with_idempotency_key_returns_the_same_booking(
    client: TestClient, db: Engine, stage: Stage, customer: Account
) -> None:
    hold_id = hold(client, stage, customer, stage.seat_ids[:2])
    headers = {**customer.headers, "Idempotency-Key": "pay-1"}
    first = client.post(BOOKINGS, json={"hold_id": hold_id}, headers=headers)
    again = client.post(BOOKINGS, json={"hold_id": hold_id}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert booking_count(db) == 1


def test_confirm_key_reused_for_another_hold_is_422(
    client: TestClient, stage: Stage, customer: Account
) -> None:
    first = hold(client, stage, customer, stage.seat_ids[:1])
    headers = {**customer.headers, "Idempotency-Key": "pay-2"}
    assert client.post(BOOKINGS, json={"hold_id": first}, headers=headers).status_code == 201
    r = client.post(BOOKINGS, json={"hold_id": first + 1}, headers=headers)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "idempotency_key_reused"


def test_list_my_bookings_shows_only_mine(
    client: TestClient, stage: Stage, customer: Account, other_customer: Account
) -> None:
    mine = book(client, stage, customer, stage.seat_ids[:1])
    book(client, stage, other_customer, stage.seat_ids[1:2])
    r = client.get(BOOKINGS, headers=customer.headers)
    assert r.status_code == 200
    assert [b["id"] for b in r.json()] == [mine["id"]]
    assert client.get(BOOKINGS).status_code == 401


def test_get_booking_for_owner_organizer_and_admin_but_not_others(
    client: TestClient,
    stage: Stage,
    customer: Account,
    other_customer: Account,
    organizer: Account,
    other_organizer: Account,
    admin: Account,
) -> None:
    booking = book(client, stage, customer, stage.seat_ids[:1])
    url = f"{BOOKINGS}/{booking['id']}"
    assert client.get(url, headers=customer.headers).json()["code"] == booking["code"]
    assert client.get(url, headers=organizer.headers).status_code == 200
    assert client.get(url, headers=admin.headers).status_code == 200
    r = client.get(url, headers=other_customer.headers)
    assert r.status_code == 403
    assert "tickets" not in r.json()
    assert client.get(url, headers=other_organizer.headers).status_code == 403
    assert client.get(url).status_code == 401
    assert client.get(f"{BOOKINGS}/99999", headers=customer.headers).status_code == 404
    assert client.get(f"{BOOKINGS}/0", headers=customer.headers).status_code == 422
    assert client.get(f"{BOOKINGS}/x", headers=customer.headers).status_code == 404  # no route


def test_cancel_booking_frees_the_seats(
    client: TestClient, stage: Stage, customer: Account
) -> None:
    booking = book(client, stage, customer, stage.seat_ids[:2])
    r = client.post(
        f"{BOOKINGS}/{booking['id']}/cancel", json={"reason": "ill"}, headers=customer.headers
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "cancelled"
    assert all(not t["live"] for t in r.json()["tickets"])
    statuses = client.get(f"/api/v1/shows/{stage.show_id}/seats").json()["statuses"]
    assert statuses[str(stage.seat_ids[0])] == "available"


def test_cancelling_someone_elses_booking_is_403_and_changes_nothing(
    client: TestClient, stage: Stage, customer: Account, other_customer: Account
) -> None:
    booking = book(client, stage, customer, stage.seat_ids[:1])
    url = f"{BOOKINGS}/{booking['id']}/cancel"
    assert client.post(url, json={}, headers=other_customer.headers).status_code == 403
    assert client.post(url, json={}).status_code == 401
    assert client.post(url, json={"reason": 5}, headers=customer.headers).status_code == 422
    got = client.get(f"{BOOKINGS}/{booking['id']}", headers=customer.headers).json()
    assert got["status"] == "confirmed"


def test_cancelling_after_the_show_started_is_409(
    client: TestClient, stage: Stage, customer: Account, clock: Clock
) -> None:
    booking = book(client, stage, customer, stage.seat_ids[:1])
    clock.advance(days=31)
    r = client.post(f"{BOOKINGS}/{booking['id']}/cancel", json={}, headers=customer.headers)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "sales_closed"


def test_event_with_bookings_cannot_be_deleted_or_unpublished(
    client: TestClient, stage: Stage, customer: Account, organizer: Account
) -> None:
    book(client, stage, customer, stage.seat_ids[:1])
    url = f"/api/v1/events/{stage.event_id}"
    r = client.delete(url, headers=organizer.headers)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "conflict"
    assert client.patch(url, json={"status": "draft"}, headers=organizer.headers).status_code == 409
    assert client.get(url).status_code == 200
