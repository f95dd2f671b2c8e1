"""Events over HTTP: public search and filters, drafts kept private, organizer edits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.api.factories import Account, Stage, build_stage
from ticketapp.models import utcnow

EVENTS = "/api/v1/events"


def test_list_events_shows_published_events_with_prices_and_places(
    client: TestClient, stage: Stage
) -> None:
    r = client.get(EVENTS)
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["total"] == 1
    (item,) = page["items"]
    assert item["id"] == stage.event_id
    assert item["price_from_cents"] == 1500
    assert item["places_total"] == 32
    assert item["places_left"] == 32
    assert item["sold_out"] is False


def test_list_events_searches_text_and_filters_category_venue_and_dates(
    client: TestClient, db: Engine, organizer: Account, stage: Stage
) -> None:
    build_stage(db, organizer, title="Macbeth")

    def ids(**params: str) -> set[int]:
        r = client.get(EVENTS, params=params)
        assert r.status_code == 200, r.text
        return {e["id"] for e in r.json()["items"]}

    assert ids(q="hamlet") == {stage.event_id}
    assert ids(q="prince") and len(ids(q="prince")) == 2
    assert ids(category="theatre") and ids(category="opera") == set()
    assert len(ids(venue="globe")) == 2
    soon = (utcnow() + timedelta(days=1)).isoformat()
    later = (utcnow() + timedelta(days=60)).isoformat()
    assert len(ids(date_from=soon, date_to=later)) == 2
    assert ids(date_to=soon) == set()


def test_list_events_paginates_with_a_stable_total(
    client: TestClient, db: Engine, organizer: Account
) -> None:
    for i in range(3):
        build_stage(db, organizer, title=f"Play {i}")
    first = client.get(EVENTS, params={"limit": 2}).json()
    second = client.get(EVENTS, params={"limit": 2, "offset": 2}).json()
    assert first["total"] == second["total"] == 3
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    assert not {e["id"] for e in first["items"]} & {e["id"] for e in second["items"]}


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 1000},
        {"offset": -1},
        {"date_from": "2030-01-01T00:00:00"},  # naive: which time zone?
        {"date_from": "yesterday"},
        {"q": "a\x00b"},
    ],
)
def test_list_events_rejects_bad_query_parameters(client: TestClient, params: dict) -> None:
    r = client.get(EVENTS, params=params)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_request"


def test_get_event_returns_a_published_event_to_anyone(client: TestClient, stage: Stage) -> None:
    r = client.get(f"{EVENTS}/{stage.event_id}")
    assert r.status_code == 200
    assert r.json()["title"] == "Hamlet"


def test_draft_event_is_visible_only_to_its_organizer_and_admins(
    client: TestClient,
    db: Engine,
    organizer: Account,
    other_organizer: Account,
    customer: Account,
    admin: Account,
) -> None:
    draft = build_stage(db, organizer, title="Secret", status="draft")
    url = f"{EVENTS}/{draft.event_id}"
    assert client.get(url).status_code == 404
    assert client.get(url, headers=customer.headers).status_code == 404
    assert client.get(url, headers=other_organizer.headers).status_code == 404
    assert client.get(url, headers=organizer.headers).status_code == 200
    assert client.get(url, headers=admin.headers).status_code == 200
    assert client.get(EVENTS).json()["total"] == 0


def test_get_unknown_event_is_404_and_an_absurd_id_is_422(client: TestClient) -> None:
    assert client.get(f"{EVENTS}/4242").json()["error"]["code"] == "not_found"
    assert client.get(f"{EVENTS}/4242").status_code == 404
    assert client.get(f"{EVENTS}/99999999999999").status_code == 422
    assert client.get(f"{EVENTS}/0").status_code == 422


def test_get_event_with_a_bad_token_is_401_even_though_public(
    client: TestClient, stage: Stage
) -> None:
    r = client.get(f"{EVENTS}/{stage.event_id}", headers={"Authorization": "Bearer junk"})
    assert r.status_code == 401


NEW_EVENT = {
    "title": "Swan Lake",
    "venue_name": "Opera House",
    "category": "Ballet",
    "banner_url": "https://example.com/swan.png",
}


def test_organizer_creates_a_draft_event(client: TestClient, organizer: Account) -> None:
    r = client.post(EVENTS, json=NEW_EVENT, headers=organizer.headers)
    assert r.status_code == 201, r.text
    event = r.json()
    assert event["status"] == "draft"
    assert event["organizer_id"] == organizer.id
    assert event["category"] == "ballet"


def test_create_event_needs_a_token_and_the_organizer_role(
    client: TestClient, customer: Account
) -> None:
    assert client.post(EVENTS, json=NEW_EVENT).status_code == 401
    r = client.post(EVENTS, json=NEW_EVENT, headers=customer.headers)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(
    "change",
    [
        {"title": ""},
        {"title": "   "},
        {"banner_url": "javascript:alert(1)"},
        {"banner_url": "ftp://example.com/x.png"},
        {"status": "cancelled"},
        {"title": "x" * 201},
        {"organizer_id": 1},
    ],
)
def test_create_event_rejects_invalid_fields(
    client: TestClient, organizer: Account, change: dict
) -> None:
    r = client.post(EVENTS, json={**NEW_EVENT, **change}, headers=organizer.headers)
    assert r.status_code == 422, r.text


def test_organizer_updates_and_publishes_own_event(
    client: TestClient, db: Engine, organizer: Account
) -> None:
    draft = build_stage(db, organizer, title="Draft", status="draft")
    url = f"{EVENTS}/{draft.event_id}"
    r = client.patch(url, json={"title": "Opening Night"}, headers=organizer.headers)
    assert r.status_code == 200
    assert r.json()["title"] == "Opening Night"
    assert r.json()["status"] == "draft"
    r = client.patch(url, json={"status": "published"}, headers=organizer.headers)
    assert r.json()["status"] == "published"
    assert client.get(EVENTS).json()["items"][0]["title"] == "Opening Night"


def test_update_event_of_another_organizer_is_403(
    client: TestClient, stage: Stage, other_organizer: Account, customer: Account
) -> None:
    url = f"{EVENTS}/{stage.event_id}"
    r = client.patch(url, json={"title": "Mine now"}, headers=other_organizer.headers)
    assert r.status_code == 403
    assert client.patch(url, json={"title": "x"}, headers=customer.headers).status_code == 403
    assert client.patch(url, json={"title": "x"}).status_code == 401
    assert client.get(url).json()["title"] == "Hamlet"


def test_update_event_rejects_blank_title_and_unknown_event(
    client: TestClient, stage: Stage, organizer: Account
) -> None:
    url = f"{EVENTS}/{stage.event_id}"
    assert client.patch(url, json={"title": " "}, headers=organizer.headers).status_code == 422
    r = client.patch(f"{EVENTS}/9999", json={"title": "x"}, headers=organizer.headers)
    assert r.status_code == 404


def test_admin_may_edit_any_event(client: TestClient, stage: Stage, admin: Account) -> None:
    r = client.patch(
        f"{EVENTS}/{stage.event_id}", json={"title": "By admin"}, headers=admin.headers
    )
    assert r.status_code == 200


def test_organizer_deletes_an_event_without_bookings(
    client: TestClient, stage: Stage, organizer: Account
) -> None:
    url = f"{EVENTS}/{stage.event_id}"
    assert client.delete(url, headers=organizer.headers).status_code == 204
    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/shows/{stage.show_id}").status_code == 404


def test_delete_event_of_another_organizer_is_403_and_keeps_it(
    client: TestClient, stage: Stage, other_organizer: Account, customer: Account
) -> None:
    url = f"{EVENTS}/{stage.event_id}"
    assert client.delete(url, headers=other_organizer.headers).status_code == 403
    assert client.delete(url, headers=customer.headers).status_code == 403
    assert client.delete(url).status_code == 401
    assert client.get(url).status_code == 200
