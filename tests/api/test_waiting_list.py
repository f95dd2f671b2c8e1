"""The waiting list through the REST API: join a sold-out category, get an offer when a
booking is cancelled, book it like any hold; the organizer sees the list and turns it off."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.factories import Account, Stage, book
from ticketapp.booking import check_invariants
from ticketapp.db import session_scope
from ticketapp.models import PriceCategory


def premium_id(db, stage: Stage) -> int:
    with session_scope(db) as session:
        category = session.exec(
            PriceCategory.__table__.select().where(
                PriceCategory.show_id == stage.show_id, PriceCategory.name == "Premium"
            )
        ).first()
        return category.id


def test_a_customer_waits_for_a_sold_out_category_and_books_the_offer(
    client: TestClient, db, stage: Stage, customer: Account, other_customer: Account
) -> None:
    sold = book(client, stage, other_customer, stage.seat_ids[:6])  # all of Premium
    url = f"/api/v1/shows/{stage.show_id}/waiting-list"
    premium = premium_id(db, stage)

    still_on_sale = client.post(url, json={"quantity": 2}, headers=customer.headers)
    assert still_on_sale.status_code == 409, still_on_sale.text
    assert "still on sale" in still_on_sale.json()["error"]["message"]
    too_many = client.post(
        url, json={"quantity": 9, "category_id": premium}, headers=customer.headers
    )
    assert too_many.status_code == 422 and too_many.json()["error"]["field"] == "quantity"
    assert client.post(url, json={"quantity": 0}, headers=customer.headers).status_code == 422
    assert client.post(url, json={"quantity": 1}).status_code == 401

    joined = client.post(
        url, json={"quantity": 2, "category_id": premium}, headers=customer.headers
    )
    assert joined.status_code == 201, joined.text
    place = joined.json()
    assert (place["status"], place["position"], place["category_name"]) == ("waiting", 1, "Premium")
    again = client.post(url, json={"quantity": 1, "category_id": premium}, headers=customer.headers)
    assert again.status_code == 409

    cancelled = client.post(
        f"/api/v1/bookings/{sold['id']}/cancel", json={}, headers=other_customer.headers
    )
    assert cancelled.status_code == 200, cancelled.text

    mine = client.get(f"{url}/me", headers=customer.headers).json()
    assert mine["status"] == "offered" and mine["hold_id"] and mine["offer_expires_at"]
    hold = client.get(f"/api/v1/holds/{mine['hold_id']}", headers=customer.headers).json()
    assert len(hold["seats"]) == 2 and {s["category_name"] for s in hold["seats"]} == {"Premium"}
    booked = client.post(
        "/api/v1/bookings", json={"hold_id": mine["hold_id"]}, headers=customer.headers
    )
    assert booked.status_code == 201, booked.text
    assert client.get(f"{url}/me", headers=customer.headers).json()["status"] == "booked"
    assert check_invariants(db) == []


def test_the_organizer_sees_the_list_and_turns_it_off(
    client: TestClient,
    db,
    stage: Stage,
    customer: Account,
    other_customer: Account,
    other_organizer: Account,
) -> None:
    book(client, stage, other_customer, stage.seat_ids[:6])
    url = f"/api/v1/shows/{stage.show_id}/waiting-list"
    premium = premium_id(db, stage)
    place = client.post(
        url, json={"quantity": 3, "category_id": premium}, headers=customer.headers
    ).json()
    desk = f"/api/v1/organizer/shows/{stage.show_id}/waiting-list"

    assert client.get(desk, headers=customer.headers).status_code == 403
    assert client.get(desk, headers=other_organizer.headers).status_code == 403
    summary = client.get(desk, headers=stage.organizer.headers).json()
    assert (summary["enabled"], summary["waiting"], summary["seats_wanted"]) == (True, 1, 3)
    assert summary["entries"][0]["customer_email"] == "carla@example.com"

    bad = client.put(
        desk, json={"enabled": True, "offer_seconds": 5}, headers=stage.organizer.headers
    )
    assert bad.status_code == 422
    off = client.put(
        desk, json={"enabled": False, "offer_seconds": 900}, headers=stage.organizer.headers
    )
    assert off.status_code == 200, off.text
    assert (off.json()["enabled"], off.json()["waiting"], off.json()["offer_seconds"]) == (
        False,
        0,
        900,
    )
    mine = client.get(f"/api/v1/waiting-list/{place['entry_id']}", headers=customer.headers)
    assert mine.json()["status"] == "closed"
    refused = client.post(
        url, json={"quantity": 1, "category_id": premium}, headers=customer.headers
    )
    assert refused.status_code == 409


def test_a_customer_leaves_their_place(
    client: TestClient, db, stage: Stage, customer: Account, other_customer: Account
) -> None:
    book(client, stage, other_customer, stage.seat_ids[:6])
    url = f"/api/v1/shows/{stage.show_id}/waiting-list"
    place = client.post(
        url, json={"quantity": 1, "category_id": premium_id(db, stage)}, headers=customer.headers
    ).json()
    entry = f"/api/v1/waiting-list/{place['entry_id']}"

    assert client.delete(entry, headers=other_customer.headers).status_code == 403
    left = client.delete(entry, headers=customer.headers)

    assert left.status_code == 200 and left.json()["status"] == "left"
    assert client.get(f"{url}/me", headers=other_customer.headers).status_code == 404


def test_the_waiting_list_is_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    join = paths["/api/v1/shows/{show_id}/waiting-list"]["post"]
    assert set(join["responses"]) >= {"201", "401", "404", "409", "422"}
    assert "/api/v1/organizer/shows/{show_id}/waiting-list" in paths
    assert "delete" in paths["/api/v1/waiting-list/{entry_id}"]
