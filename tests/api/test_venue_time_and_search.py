"""The API's side of venue time zones, search and extending a hold."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi.testclient import TestClient

from tests.api.factories import Account, Clock, Stage

EVENTS = "/api/v1/events"


def test_an_event_takes_its_venue_zone_and_refuses_an_unknown_one(
    client: TestClient, organizer: Account
) -> None:
    body = {"title": "Dvořák", "venue_name": "Musikverein", "timezone": "Europe/Vienna"}
    r = client.post(EVENTS, json=body, headers=organizer.headers)
    assert r.status_code == 201, r.text
    event = r.json()
    assert event["timezone"] == "Europe/Vienna"

    r = client.patch(
        f"{EVENTS}/{event['id']}", json={"timezone": "Mars/Olympus"}, headers=organizer.headers
    )
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "timezone"
    r = client.get(f"{EVENTS}/{event['id']}", headers=organizer.headers)
    assert r.json()["timezone"] == "Europe/Vienna"


def test_a_show_created_with_an_offset_time_is_stored_as_that_moment(
    client: TestClient, stage: Stage
) -> None:
    body = {
        "starts_at": "2031-03-31T19:30:00+02:00",
        "layout_id": stage.layout_id,
        "prices": [
            {"name": "Premium", "price_cents": 5000},
            {"name": "Standard", "price_cents": 3000},
            {"name": "Standing", "price_cents": 1500},
        ],
    }
    r = client.post(f"{EVENTS}/{stage.event_id}/shows", json=body, headers=stage.organizer.headers)
    assert r.status_code == 201, r.text
    assert datetime.fromisoformat(r.json()["starts_at"]) == datetime.fromisoformat(
        "2031-03-31T17:30:00+00:00"
    )


def test_the_event_list_search_ignores_case_and_accents(client: TestClient, stage: Stage) -> None:
    r = client.patch(
        f"{EVENTS}/{stage.event_id}", json={"title": "Dvořák"}, headers=stage.organizer.headers
    )
    assert r.status_code == 200, r.text
    found = client.get(EVENTS, params={"q": "DVORAK"}).json()
    assert [e["title"] for e in found["items"]] == ["Dvořák"]
    assert found["items"][0]["timezone"] == "UTC"
    assert client.get(EVENTS, params={"q": "smetana"}).json()["total"] == 0


def test_a_reversed_date_range_is_a_422_saying_so(client: TestClient, stage: Stage) -> None:
    r = client.get(
        EVENTS,
        params={"date_from": "2031-05-02T00:00:00Z", "date_to": "2031-05-01T00:00:00Z"},
    )
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "date_to"
    r = client.get(EVENTS, params={"day_from": "2031-05-02", "day_to": "2031-05-01"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "date_to"


def test_the_event_list_filters_by_the_venue_calendar_day(client: TestClient, stage: Stage) -> None:
    starts = client.get(f"{EVENTS}/{stage.event_id}/shows").json()[0]["starts_at"]
    day = datetime.fromisoformat(starts).date().isoformat()  # the stage's venue is on UTC
    found = client.get(EVENTS, params={"day_from": day, "day_to": day}).json()
    assert stage.event_id in [e["id"] for e in found["items"]]
    later = (datetime.fromisoformat(starts) + timedelta(days=1)).date().isoformat()
    assert client.get(EVENTS, params={"day_from": later}).json()["total"] == 0
    assert client.get(EVENTS, params={"day_to": "0"}).status_code == 422  # not a Unix time


def test_a_hold_is_extended_once_in_its_last_minute(
    client: TestClient, stage: Stage, customer: Account, clock: Clock
) -> None:
    r = client.post(
        "/api/v1/holds",
        json={"show_id": stage.show_id, "seat_ids": stage.seat_ids[:1]},
        headers=customer.headers,
    )
    assert r.status_code == 201, r.text
    hold_id, expires_at = r.json()["hold_id"], datetime.fromisoformat(r.json()["expires_at"])
    extend = f"/api/v1/holds/{hold_id}/extend"

    early = client.post(extend, headers=customer.headers)
    assert early.status_code == 409 and early.json()["error"]["code"] == "conflict"

    clock.advance(seconds=(expires_at - clock()).total_seconds() - 30)
    assert client.get(f"/api/v1/holds/{hold_id}", headers=customer.headers).json()["extendable"]
    r = client.post(extend, headers=customer.headers)
    assert r.status_code == 200, r.text
    assert datetime.fromisoformat(r.json()["expires_at"]) > expires_at + timedelta(minutes=1)
    assert r.json()["extendable"] is False
    assert client.post(extend, headers=customer.headers).status_code == 409
