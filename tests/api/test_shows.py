"""Shows over HTTP: listing per event, seat map and live statuses, organizer create/update."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.api.factories import Account, Stage, build_stage
from ticketapp import booking
from ticketapp.models import utcnow


def show_body(stage: Stage, **change: object) -> dict:
    body = {
        "starts_at": (utcnow() + timedelta(days=40)).isoformat(),
        "layout_id": stage.layout_id,
        "prices": [
            {"name": "Premium", "price_cents": 6000},
            {"name": "Standard", "price_cents": 3500, "rank": 1},
            {"name": "Standing", "price_cents": 0, "rank": 2},
        ],
    }
    return {**body, **change}


def test_list_shows_of_an_event_with_prices_and_places_left(
    client: TestClient, stage: Stage
) -> None:
    r = client.get(f"/api/v1/events/{stage.event_id}/shows")
    assert r.status_code == 200, r.text
    (show,) = r.json()
    assert show["id"] == stage.show_id
    assert [p["name"] for p in show["prices"]] == ["Premium", "Standard", "Standing"]
    assert show["places_total"] == show["places_left"] == 32


def test_shows_of_a_draft_event_are_hidden_from_the_public(
    client: TestClient, db: Engine, organizer: Account, customer: Account
) -> None:
    draft = build_stage(db, organizer, status="draft")
    for url in (
        f"/api/v1/events/{draft.event_id}/shows",
        f"/api/v1/shows/{draft.show_id}",
        f"/api/v1/shows/{draft.show_id}/seat-map",
        f"/api/v1/shows/{draft.show_id}/seats",
    ):
        assert client.get(url, headers=customer.headers).status_code == 404, url
        assert client.get(url, headers=organizer.headers).status_code == 200, url


def test_get_show_and_unknown_show(client: TestClient, stage: Stage) -> None:
    assert client.get(f"/api/v1/shows/{stage.show_id}").json()["event_id"] == stage.event_id
    assert client.get("/api/v1/shows/777").status_code == 404
    assert client.get("/api/v1/shows/0").status_code == 422
    assert client.get("/api/v1/shows/-1").status_code == 404  # not a number: no such route


def test_seat_map_lists_seats_with_positions_and_categories(
    client: TestClient, stage: Stage
) -> None:
    r = client.get(f"/api/v1/shows/{stage.show_id}/seat-map")
    assert r.status_code == 200, r.text
    seat_map = r.json()
    assert seat_map["show"]["event_title"] == "Hamlet"
    numbered = [s for s in seat_map["seats"] if not s["is_general_admission"]]
    assert len(numbered) == 12
    assert {c["name"] for c in seat_map["categories"]} == {"Premium", "Standard", "Standing"}
    assert seat_map["general_admission"][0]["capacity"] == 20


def test_seat_statuses_mark_my_held_seats_as_mine_and_others_as_held(
    client: TestClient, db: Engine, stage: Stage, customer: Account, other_customer: Account
) -> None:
    mine, theirs = stage.seat_ids[0], stage.seat_ids[1]
    booking.hold_seats(customer.id, stage.show_id, [mine], db=db)
    booking.hold_seats(other_customer.id, stage.show_id, [theirs], db=db)
    url = f"/api/v1/shows/{stage.show_id}/seats"
    statuses = client.get(url, headers=customer.headers).json()["statuses"]
    assert statuses[str(mine)] == "mine"
    assert statuses[str(theirs)] == "held"
    assert statuses[str(stage.seat_ids[2])] == "available"
    anonymous = client.get(url).json()["statuses"]
    assert anonymous[str(mine)] == anonymous[str(theirs)] == "held"


def test_organizer_creates_a_show_on_own_event(
    client: TestClient, stage: Stage, organizer: Account
) -> None:
    r = client.post(
        f"/api/v1/events/{stage.event_id}/shows", json=show_body(stage), headers=organizer.headers
    )
    assert r.status_code == 201, r.text
    show = r.json()
    assert show["places_total"] == 32
    assert {p["name"]: p["price_cents"] for p in show["prices"]}["Standing"] == 0
    assert len(client.get(f"/api/v1/events/{stage.event_id}/shows").json()) == 2


def test_create_show_needs_organizer_role_and_ownership(
    client: TestClient, stage: Stage, customer: Account, other_organizer: Account
) -> None:
    url = f"/api/v1/events/{stage.event_id}/shows"
    assert client.post(url, json=show_body(stage)).status_code == 401
    assert client.post(url, json=show_body(stage), headers=customer.headers).status_code == 403
    r = client.post(url, json=show_body(stage), headers=other_organizer.headers)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "not_allowed"


@pytest.mark.parametrize(
    "change",
    [
        {"starts_at": "2031-01-01T20:00:00"},  # no time zone
        {"starts_at": (utcnow() - timedelta(days=1)).isoformat()},  # in the past
        {"prices": [{"name": "Premium", "price_cents": -1}]},
        {"prices": []},
        {"prices": [{"name": "Premium", "price_cents": 100}]},  # categories missing
        {"hold_seconds": 1},
        {"max_seats_per_customer": 0},
        {"layout_id": 0},
    ],
)
def test_create_show_rejects_invalid_input(
    client: TestClient, stage: Stage, organizer: Account, change: dict
) -> None:
    r = client.post(
        f"/api/v1/events/{stage.event_id}/shows",
        json=show_body(stage, **change),
        headers=organizer.headers,
    )
    assert r.status_code == 422, r.text


def test_create_show_with_unknown_layout_is_404(
    client: TestClient, stage: Stage, organizer: Account
) -> None:
    r = client.post(
        f"/api/v1/events/{stage.event_id}/shows",
        json=show_body(stage, layout_id=9999),
        headers=organizer.headers,
    )
    assert r.status_code == 404


def test_organizer_reschedules_a_show_and_sales_close_moves_with_it(
    client: TestClient, stage: Stage, organizer: Account
) -> None:
    new_start = utcnow() + timedelta(days=50)
    r = client.patch(
        f"/api/v1/shows/{stage.show_id}",
        json={"starts_at": new_start.isoformat(), "hold_seconds": 300},
        headers=organizer.headers,
    )
    assert r.status_code == 200, r.text
    show = r.json()
    assert show["hold_seconds"] == 300
    assert show["starts_at"] == show["sales_close_at"]


def test_update_show_refuses_other_organizers_customers_and_anonymous(
    client: TestClient, stage: Stage, other_organizer: Account, customer: Account
) -> None:
    url = f"/api/v1/shows/{stage.show_id}"
    assert client.patch(url, json={"hold_seconds": 60}).status_code == 401
    assert client.patch(url, json={"hold_seconds": 60}, headers=customer.headers).status_code == 403
    r = client.patch(url, json={"hold_seconds": 60}, headers=other_organizer.headers)
    assert r.status_code == 403


@pytest.mark.parametrize(
    "change",
    [
        {"starts_at": "2001-01-01T00:00:00+00:00"},
        {"hold_seconds": 0},
        {"status": "postponed"},
        {"sales_open_at": "2100-01-01T00:00:00Z"},  # opens after it closes
        {"layout_id": 3},
    ],
)
def test_update_show_rejects_invalid_changes(
    client: TestClient, stage: Stage, organizer: Account, change: dict
) -> None:
    r = client.patch(f"/api/v1/shows/{stage.show_id}", json=change, headers=organizer.headers)
    assert r.status_code == 422, r.text


def test_cancelling_a_show_with_bookings_is_409_and_without_is_fine(
    client: TestClient, db: Engine, stage: Stage, organizer: Account, customer: Account
) -> None:
    url = f"/api/v1/shows/{stage.show_id}"
    hold = booking.hold_seats(customer.id, stage.show_id, stage.seat_ids[:1], db=db)
    booking.confirm_hold(hold.hold_id, user_id=customer.id, db=db)
    r = client.patch(url, json={"status": "cancelled"}, headers=organizer.headers)
    assert r.status_code == 409
    other = client.post(
        f"/api/v1/events/{stage.event_id}/shows", json=show_body(stage), headers=organizer.headers
    ).json()
    r = client.patch(
        f"/api/v1/shows/{other['id']}", json={"status": "cancelled"}, headers=organizer.headers
    )
    assert r.status_code == 200
    assert r.json()["status"] == "cancelled"


def test_patching_a_cancelled_show_back_to_scheduled_is_409(
    client: TestClient, db: Engine, stage: Stage, organizer: Account
) -> None:
    url = f"/api/v1/shows/{stage.show_id}"
    assert client.patch(url, json={"status": "cancelled"}, headers=organizer.headers).is_success

    r = client.patch(url, json={"status": "scheduled"}, headers=organizer.headers)

    assert r.status_code == 409, r.text
    assert client.get(url, headers=organizer.headers).json()["status"] == "cancelled"
