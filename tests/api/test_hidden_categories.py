"""Hidden price categories through the API: the organizer's flag, access codes that unlock
them, and clear JSON refusals (409 `seats_unavailable`) that change nothing."""

from __future__ import annotations

from tests.api.test_pricing import add_code, category_id

API = "/api/v1"


def hide(client, organizer, category: int, hidden: bool = True):
    return client.patch(
        f"{API}/organizer/categories/{category}", json={"hidden": hidden}, headers=organizer.headers
    )


def test_the_organizer_hides_a_category_and_the_public_no_longer_sees_its_price(
    client, stage, organizer, customer
):
    premium = category_id(client, stage, "Premium")
    assert hide(client, customer, premium).status_code == 403
    r = hide(client, organizer, premium)
    assert r.status_code == 200, r.text
    assert (r.json()["name"], r.json()["hidden"]) == ("Premium", True)
    public = client.get(f"{API}/shows/{stage.show_id}").json()
    assert [p["name"] for p in public["prices"]] == ["Standard", "Standing"]
    own = client.get(f"{API}/shows/{stage.show_id}", headers=organizer.headers).json()
    assert (own["prices"][0]["name"], own["prices"][0]["hidden"]) == ("Premium", True)
    statuses = client.get(f"{API}/shows/{stage.show_id}/seats").json()["statuses"]
    assert statuses[str(stage.seat_ids[0])] == "hidden"
    seat_map = client.get(f"{API}/shows/{stage.show_id}/seat-map").json()
    assert [c["hidden"] for c in seat_map["categories"] if c["name"] == "Premium"] == [True]
    assert hide(client, organizer, premium, hidden=False).json()["hidden"] is False
    statuses = client.get(f"{API}/shows/{stage.show_id}/seats").json()["statuses"]
    assert statuses[str(stage.seat_ids[0])] == "available"


def test_a_show_is_created_with_a_hidden_category(client, stage, organizer):
    r = client.post(
        f"{API}/events/{stage.event_id}/shows",
        json={
            "starts_at": "2031-06-01T19:30:00+02:00",
            "layout_id": stage.layout_id,
            "prices": [
                {"name": "Premium", "price_cents": 9000, "hidden": True},
                {"name": "Standard", "price_cents": 3000, "rank": 1},
                {"name": "Standing", "price_cents": 1500, "rank": 2},
            ],
        },
        headers=organizer.headers,
    )
    assert r.status_code == 201, r.text
    assert [(p["name"], p["hidden"]) for p in r.json()["prices"]] == [
        ("Premium", True),
        ("Standard", False),
        ("Standing", False),
    ]


def test_hidden_seats_are_refused_without_the_code_and_booked_with_it(
    client, stage, organizer, customer
):
    hide(client, organizer, category_id(client, stage, "Premium"))
    made = add_code(
        client, stage, organizer, code="crew", kind="access", value=0, unlocks_hidden=True
    )
    assert made["unlocks_hidden"] is True and made["category_names"] == []
    a1 = stage.seat_ids[0]
    body = {"show_id": stage.show_id, "seat_ids": [a1]}
    refused = client.post(f"{API}/holds", json=body, headers=customer.headers)
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "seats_unavailable" and error["seats"] == [a1]
    assert "not for sale" in error["message"]
    held = client.post(
        f"{API}/holds", json={**body, "access_code": "Crew"}, headers=customer.headers
    )
    assert held.status_code == 201, held.text
    hold_id = held.json()["hold_id"]
    no_code = client.post(f"{API}/bookings", json={"hold_id": hold_id}, headers=customer.headers)
    assert no_code.status_code == 409
    assert no_code.json()["error"]["code"] == "seats_unavailable"
    booked = client.post(
        f"{API}/bookings", json={"hold_id": hold_id, "promo_code": "crew"}, headers=customer.headers
    )
    assert booked.status_code == 201, booked.text
    assert booked.json()["promo_code"] == "CREW"


def test_a_one_request_purchase_of_hidden_seats_is_refused_without_the_code(
    client, stage, organizer, customer
):
    hide(client, organizer, category_id(client, stage, "Premium"))
    r = client.post(
        f"{API}/bookings",
        json={"show_id": stage.show_id, "seat_ids": [stage.seat_ids[0]]},
        headers=customer.headers,
    )
    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == "seats_unavailable"
    statuses = client.get(f"{API}/shows/{stage.show_id}/seats").json()["statuses"]
    assert statuses[str(stage.seat_ids[0])] == "hidden"  # nothing was held or sold


def test_an_access_code_must_unlock_something(client, stage, organizer):
    r = client.post(
        f"{API}/organizer/events/{stage.event_id}/promo-codes",
        json={"code": "NOTHING", "kind": "access", "value": 0},
        headers=organizer.headers,
    )
    assert r.status_code == 422
    assert "hidden categories" in r.json()["error"]["message"]


def test_the_hidden_flag_takes_only_a_json_boolean(client, stage, organizer):
    """0, "yes" and null are not booleans: a clear 422 and the category stays as it was."""
    premium = category_id(client, stage, "Premium")
    for wrong in (0, 1, "true", None):
        r = hide(client, organizer, premium, hidden=wrong)
        assert r.status_code == 422, (wrong, r.text)
        assert r.json()["error"]["code"]
    public = client.get(f"{API}/shows/{stage.show_id}").json()
    assert "Premium" in [p["name"] for p in public["prices"]]
