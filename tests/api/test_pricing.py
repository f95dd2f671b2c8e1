"""Ticket types and promo codes through the API: organizer CRUD, pricing a hold, confirming
and buying with `ticket_types` and `promo_code`, and clear 4xx answers that change nothing."""

from __future__ import annotations

from datetime import timedelta

from tests.api.factories import hold
from ticketapp import booking
from ticketapp.models import Role, utcnow

API = "/api/v1"


def category_id(client, stage, name: str) -> int:
    show = client.get(f"{API}/shows/{stage.show_id}").json()
    return next(p["id"] for p in show["prices"] if p["name"] == name)


def add_type(client, stage, organizer, name: str, price: int, **extra) -> dict:
    premium = category_id(client, stage, "Premium")
    r = client.post(
        f"{API}/organizer/categories/{premium}/ticket-types",
        json={"name": name, "price_cents": price, **extra},
        headers=organizer.headers,
    )
    assert r.status_code == 201, r.text
    return r.json()


def add_code(client, stage, organizer, **body) -> dict:
    r = client.post(
        f"{API}/organizer/events/{stage.event_id}/promo-codes", json=body, headers=organizer.headers
    )
    assert r.status_code == 201, r.text
    return r.json()


def test_organizer_manages_ticket_types_and_buyers_see_them(client, stage, organizer, customer):
    adult = add_type(client, stage, organizer, "Adult", 4500)
    child = add_type(
        client, stage, organizer, "Child", 2500, quantity_limit=10, proof_note="Under 14"
    )
    listed = client.get(f"{API}/shows/{stage.show_id}/ticket-types").json()
    assert [(t["name"], t["price_cents"], t["quantity_limit"]) for t in listed] == [
        ("Adult", 4500, None),
        ("Child", 2500, 10),
    ]
    r = client.put(
        f"{API}/organizer/ticket-types/{child['id']}",
        json={"name": "Kid", "price_cents": 2000},
        headers=organizer.headers,
    )
    assert r.status_code == 200 and r.json()["name"] == "Kid"
    premium = category_id(client, stage, "Premium")
    refused = client.post(
        f"{API}/organizer/categories/{premium}/ticket-types",
        json={"name": "X", "price_cents": 1},
        headers=customer.headers,
    )
    assert refused.status_code == 403
    assert (
        client.delete(
            f"{API}/organizer/ticket-types/{adult['id']}", headers=organizer.headers
        ).status_code
        == 204
    )
    assert [t["name"] for t in client.get(f"{API}/shows/{stage.show_id}/ticket-types").json()] == [
        "Kid"
    ]


def test_a_hold_is_quoted_and_confirmed_with_types_and_a_code(client, stage, organizer, customer):
    add_type(client, stage, organizer, "Adult", 4500)
    child = add_type(client, stage, organizer, "Child", 2500)
    add_code(client, stage, organizer, code="family", kind="percent", value=10, max_uses=5)
    a1, a2 = stage.seat_ids[0], stage.seat_ids[1]
    hold_id = hold(client, stage, customer, [a1, a2])
    choice = {"ticket_types": {str(a2): child["id"]}, "promo_code": "Family"}

    quote = client.post(f"{API}/holds/{hold_id}/quote", json=choice, headers=customer.headers)
    assert quote.status_code == 200, quote.text
    body = quote.json()
    assert (body["subtotal_cents"], body["discount_cents"], body["total_cents"]) == (
        7000,
        700,
        6300,
    )
    assert [o["name"] for o in body["lines"][0]["options"]] == ["Adult", "Child"]

    r = client.post(
        f"{API}/bookings", json={"hold_id": hold_id, **choice}, headers=customer.headers
    )
    assert r.status_code == 201, r.text
    booked = r.json()
    assert (booked["total_cents"], booked["discount_cents"], booked["promo_code"]) == (
        6300,
        700,
        "FAMILY",
    )
    assert {(t["ticket_type"], t["price_cents"]) for t in booked["tickets"]} == {
        ("Adult", 4050),
        ("Child", 2250),
    }
    codes = client.get(
        f"{API}/organizer/events/{stage.event_id}/promo-codes", headers=organizer.headers
    ).json()
    assert [(c["code"], c["uses"]) for c in codes] == [("FAMILY", 1)]
    rows = client.get(
        f"{API}/organizer/events/{stage.event_id}/bookings", headers=organizer.headers
    ).json()["items"]
    assert [(r["promo_code"], r["discount_cents"]) for r in rows] == [("FAMILY", 700)]


def test_a_bad_code_is_a_clear_422_and_the_hold_stays(client, stage, organizer, customer):
    add_code(
        client,
        stage,
        organizer,
        code="OLD",
        kind="amount",
        value=500,
        valid_until="2001-01-01T00:00:00Z",
    )
    hold_id = hold(client, stage, customer, [stage.seat_ids[0]])
    for typed, message in [("NOPE", "unknown"), ("old", "expired")]:
        r = client.post(
            f"{API}/bookings",
            json={"hold_id": hold_id, "promo_code": typed},
            headers=customer.headers,
        )
        assert r.status_code == 422, r.text
        error = r.json()["error"]
        assert error["code"] == "promo_code_refused" and error["field"] == "promo_code"
        assert message in error["message"]
    view = client.get(f"{API}/holds/{hold_id}", headers=customer.headers).json()
    assert view["live"] is True
    ok = client.post(f"{API}/bookings", json={"hold_id": hold_id}, headers=customer.headers)
    assert ok.status_code == 201 and ok.json()["discount_cents"] == 0


def test_a_one_request_purchase_takes_types_and_a_code(client, stage, organizer, customer):
    child = add_type(client, stage, organizer, "Child", 2500, quantity_limit=1)
    add_code(client, stage, organizer, code="FIVER", kind="fixed_price", value=500)
    a1, a2 = stage.seat_ids[0], stage.seat_ids[1]
    r = client.post(
        f"{API}/bookings",
        json={
            "show_id": stage.show_id,
            "seat_ids": [a1],
            "ticket_types": {str(a1): child["id"]},
            "promo_code": "fiver",
        },
        headers=customer.headers,
    )
    assert r.status_code == 201, r.text
    assert r.json()["tickets"][0]["price_cents"] == 500
    sold_out = client.post(
        f"{API}/bookings",
        json={"show_id": stage.show_id, "seat_ids": [a2], "ticket_types": {str(a2): child["id"]}},
        headers=customer.headers,
    )
    assert sold_out.status_code == 409
    assert sold_out.json()["error"]["code"] == "ticket_type_sold_out"


def test_organizer_promo_code_crud_validates_and_guards(client, stage, organizer, customer):
    made = add_code(client, stage, organizer, code="early", kind="percent", value=20)
    assert made["code"] == "EARLY"
    bad = client.post(
        f"{API}/organizer/events/{stage.event_id}/promo-codes",
        json={"code": "X", "kind": "percent", "value": 150},
        headers=organizer.headers,
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "value"
    other = client.get(
        f"{API}/organizer/events/{stage.event_id}/promo-codes", headers=customer.headers
    )
    assert other.status_code == 403
    r = client.put(
        f"{API}/organizer/promo-codes/{made['id']}",
        json={"code": "EARLY", "kind": "amount", "value": 300, "max_uses_per_customer": 1},
        headers=organizer.headers,
    )
    assert r.status_code == 200 and (r.json()["kind"], r.json()["value"]) == ("amount", 300)
    gone = client.delete(f"{API}/organizer/promo-codes/{made['id']}", headers=organizer.headers)
    assert gone.status_code == 204


def test_an_access_code_holds_and_books_in_the_presale(client, db, stage, organizer, customer):
    presale_show = booking.create_show(
        stage.event_id,
        utcnow() + timedelta(days=40),
        stage.layout_id,
        [
            booking.PriceSpec("Premium", 5000),
            booking.PriceSpec("Standard", 3000),
            booking.PriceSpec("Standing", 1500),
        ],
        sales_open_at=utcnow() + timedelta(days=10),
        actor=booking.Actor(organizer.id, Role.ORGANIZER),
        db=db,
    )
    seat_id = client.get(f"{API}/shows/{presale_show.id}/seat-map").json()["seats"][0]["id"]
    add_code(client, stage, organizer, code="FANS", kind="access", value=0, unlocks_presale=True)
    body = {"show_id": presale_show.id, "seat_ids": [seat_id]}
    closed = client.post(f"{API}/holds", json=body, headers=customer.headers)
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "sales_closed"
    wrong = client.post(
        f"{API}/holds", json={**body, "access_code": "nope"}, headers=customer.headers
    )
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "promo_code"
    held = client.post(
        f"{API}/holds", json={**body, "access_code": "fans"}, headers=customer.headers
    )
    assert held.status_code == 201, held.text
    r = client.post(
        f"{API}/bookings",
        json={"hold_id": held.json()["hold_id"], "promo_code": "fans"},
        headers=customer.headers,
    )
    assert r.status_code == 201, r.text
    assert (r.json()["promo_code"], r.json()["discount_cents"]) == ("FANS", 0)
