"""The organizer's desk over HTTP: own events, bookings with filters, sales, check-in."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.api.factories import Account, Stage, book, build_stage


def test_my_events_lists_drafts_and_only_mine(
    client: TestClient, db: Engine, stage: Stage, organizer: Account, other_organizer: Account
) -> None:
    draft = build_stage(db, organizer, title="Draft", status="draft")
    build_stage(db, other_organizer, title="Theirs")
    r = client.get("/api/v1/organizer/events", headers=organizer.headers)
    assert r.status_code == 200
    assert {e["id"] for e in r.json()} == {stage.event_id, draft.event_id}


def test_organizer_endpoints_refuse_customers_and_anonymous(
    client: TestClient, stage: Stage, customer: Account
) -> None:
    for method, url, body in [
        ("GET", "/api/v1/organizer/events", None),
        ("GET", f"/api/v1/organizer/events/{stage.event_id}/bookings", None),
        ("GET", f"/api/v1/organizer/events/{stage.event_id}/sales", None),
        ("GET", f"/api/v1/organizer/events/{stage.event_id}/sales/daily", None),
        ("GET", f"/api/v1/organizer/shows/{stage.show_id}/sales", None),
        ("POST", "/api/v1/organizer/check-in", {"ticket_code": "X", "show_id": stage.show_id}),
    ]:
        assert client.request(method, url, json=body).status_code == 401, url
        r = client.request(method, url, json=body, headers=customer.headers)
        assert r.status_code == 403, url
        assert r.json()["error"]["code"] == "forbidden"


def test_event_bookings_filters_by_status_search_and_show(
    client: TestClient,
    stage: Stage,
    organizer: Account,
    customer: Account,
    other_customer: Account,
) -> None:
    kept = book(client, stage, customer, stage.seat_ids[:2])
    cancelled = book(client, stage, other_customer, stage.seat_ids[2:3])
    client.post(
        f"/api/v1/bookings/{cancelled['id']}/cancel", json={}, headers=other_customer.headers
    )
    url = f"/api/v1/organizer/events/{stage.event_id}/bookings"

    def ids(**params: object) -> list[int]:
        r = client.get(url, params=params, headers=organizer.headers)
        assert r.status_code == 200, r.text
        return [row["id"] for row in r.json()["items"]]

    assert sorted(ids()) == sorted([kept["id"], cancelled["id"]])
    assert ids(status="confirmed") == [kept["id"]]
    assert ids(search="carla") == [kept["id"]]
    assert ids(search=kept["code"].lower()) == [kept["id"]]
    assert ids(show_id=stage.show_id, limit=1, offset=1) and len(ids(limit=1)) == 1
    page = client.get(url, params={"limit": 1}, headers=organizer.headers).json()
    assert page["total"] == 2
    assert page["items"][0]["ticket_count"] in (1, 2)


def test_event_bookings_rejects_bad_filters(
    client: TestClient, stage: Stage, organizer: Account
) -> None:
    url = f"/api/v1/organizer/events/{stage.event_id}/bookings"
    for params in ({"status": "lost"}, {"limit": 0}, {"offset": -5}, {"show_id": 0}):
        assert client.get(url, params=params, headers=organizer.headers).status_code == 422


def test_another_organizers_bookings_and_sales_are_403(
    client: TestClient, stage: Stage, other_organizer: Account
) -> None:
    for url in (
        f"/api/v1/organizer/events/{stage.event_id}/bookings",
        f"/api/v1/organizer/events/{stage.event_id}/sales",
        f"/api/v1/organizer/events/{stage.event_id}/sales/daily",
        f"/api/v1/organizer/shows/{stage.show_id}/sales",
    ):
        r = client.get(url, headers=other_organizer.headers)
        assert r.status_code == 403, url
        assert r.json()["error"]["code"] == "not_allowed"


def test_reports_of_unknown_events_and_shows_are_404(
    client: TestClient, organizer: Account
) -> None:
    for url in (
        "/api/v1/organizer/events/999/bookings",
        "/api/v1/organizer/events/999/sales",
        "/api/v1/organizer/shows/999/sales",
    ):
        assert client.get(url, headers=organizer.headers).status_code == 404, url


def test_sales_summary_counts_sold_seats_and_revenue(
    client: TestClient, stage: Stage, organizer: Account, customer: Account, admin: Account
) -> None:
    book(client, stage, customer, stage.seat_ids[:2])
    r = client.get(f"/api/v1/organizer/events/{stage.event_id}/sales", headers=organizer.headers)
    assert r.status_code == 200, r.text
    sales = r.json()
    assert sales["counts"]["sold"] == 2
    assert sales["counts"]["revenue_cents"] == 10000
    show = client.get(f"/api/v1/organizer/shows/{stage.show_id}/sales", headers=admin.headers)
    assert show.status_code == 200
    assert show.json()["counts"]["sold"] == 2
    daily = client.get(
        f"/api/v1/organizer/events/{stage.event_id}/sales/daily", headers=organizer.headers
    ).json()
    assert sum(d["revenue_cents"] for d in daily) == 10000


def test_check_in_admits_a_ticket_once(
    client: TestClient, stage: Stage, organizer: Account, customer: Account
) -> None:
    ticket = book(client, stage, customer, stage.seat_ids[:1])["tickets"][0]
    body = {"ticket_code": ticket["code"], "show_id": stage.show_id}
    first = client.post("/api/v1/organizer/check-in", json=body, headers=organizer.headers)
    assert first.status_code == 200, first.text
    assert first.json()["admitted"] is True
    again = client.post("/api/v1/organizer/check-in", json=body, headers=organizer.headers).json()
    assert again["status"] == "already_checked_in"
    assert again["admitted"] is False


def test_check_in_of_unknown_code_says_unknown(
    client: TestClient, stage: Stage, organizer: Account
) -> None:
    r = client.post(
        "/api/v1/organizer/check-in",
        json={"ticket_code": "NOPE", "show_id": stage.show_id},
        headers=organizer.headers,
    )
    assert r.json() == {
        "status": "unknown",
        "admitted": False,
        "checked_in_at": None,
        "label": "",
        "booking_code": "",
        "category_name": "",
        "ticket_type": "",
        "timezone": "UTC",
        "other_show_id": None,
        "other_event_title": "",
        "other_starts_at": None,
    }


def test_check_in_at_another_organizers_show_is_403(
    client: TestClient, stage: Stage, other_organizer: Account, customer: Account
) -> None:
    ticket = book(client, stage, customer, stage.seat_ids[:1])["tickets"][0]
    r = client.post(
        "/api/v1/organizer/check-in",
        json={"ticket_code": ticket["code"], "show_id": stage.show_id},
        headers=other_organizer.headers,
    )
    assert r.status_code == 403


def test_check_in_rejects_invalid_input(
    client: TestClient, stage: Stage, organizer: Account
) -> None:
    url = "/api/v1/organizer/check-in"
    for body in ({"ticket_code": "", "show_id": 1}, {"ticket_code": "A"}, {"show_id": 1}):
        assert client.post(url, json=body, headers=organizer.headers).status_code == 422
