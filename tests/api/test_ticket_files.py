"""PDF tickets and calendar files through the API: content, paper, and who may have them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.engine import Engine

from tests.api.factories import Account, Stage, book, make_account
from tests.ticket_files import calendar_events, pdf_page_sizes_mm, pdf_pages_text, pdf_qr_codes
from ticketapp.db import session_scope
from ticketapp.formatting import show_time
from ticketapp.models import Event, Role

A4_MM, LETTER_MM = (210, 297), (216, 279)


def in_vienna(db: Engine, stage: Stage) -> None:
    with session_scope(db) as session:
        session.exec(
            update(Event)
            .where(Event.id == stage.event_id)
            .values(timezone="Europe/Vienna", venue_address="Ring 1, 1010 Wien")
        )


def test_the_pdf_has_one_page_per_ticket_with_its_facts_and_a_scannable_qr(
    client: TestClient, db: Engine, stage: Stage, customer: Account
) -> None:
    in_vienna(db, stage)
    bought = book(client, stage, customer, stage.seat_ids[:2])

    r = client.get(f"/api/v1/bookings/{bought['id']}/tickets.pdf", headers=customer.headers)

    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert "no-store" in r.headers["cache-control"]
    pages = pdf_pages_text(r.content)
    assert len(pages) == 2
    starts = datetime.fromisoformat(bought["starts_at"])
    local = show_time(starts, "Europe/Vienna")
    assert starts.astimezone(ZoneInfo("Europe/Vienna")).strftime("%H:%M") in local
    for page, ticket in zip(pages, bought["tickets"], strict=True):
        for fact in (
            "Hamlet",
            "Globe Theatre, Ring 1, 1010 Wien",
            local,
            f"row {ticket['row_label']}, seat {ticket['number']}",
            ticket["section"],
            ticket["category_name"],
            "€50.00",
            bought["code"],
        ):
            assert fact in page, (fact, page)
    assert pdf_qr_codes(r.content) == [[t["code"]] for t in bought["tickets"]]


def test_paper_is_asked_for_or_follows_the_buyers_locale(
    client: TestClient, stage: Stage, customer: Account
) -> None:
    bought = book(client, stage, customer, stage.seat_ids[:1])
    url = f"/api/v1/bookings/{bought['id']}/tickets.pdf"

    def size(headers: dict, query: str = "") -> tuple[int, int]:
        r = client.get(url + query, headers={**customer.headers, **headers})
        assert r.status_code == 200, r.text
        assert pdf_qr_codes(r.content) == [[bought["tickets"][0]["code"]]]
        return pdf_page_sizes_mm(r.content)[0]

    assert size({}) == A4_MM
    assert size({"Accept-Language": "en-US,en;q=0.9"}) == LETTER_MM
    assert size({"Accept-Language": "de-AT,de;q=0.9"}) == A4_MM
    assert size({"Accept-Language": "en-US"}, "?paper=a4") == A4_MM
    assert size({}, "?paper=letter") == LETTER_MM
    bad = client.get(url + "?paper=legal", headers=customer.headers)
    assert bad.status_code == 422 and "error" in bad.json()


def test_the_calendar_file_has_the_showtime_in_the_venues_zone_and_its_location(
    client: TestClient, db: Engine, stage: Stage, customer: Account
) -> None:
    in_vienna(db, stage)
    bought = book(client, stage, customer, stage.seat_ids[:1])

    r = client.get(f"/api/v1/bookings/{bought['id']}/calendar.ics", headers=customer.headers)

    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/calendar")
    (event,) = calendar_events(r.content)
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == "Europe/Vienna"
    # iCalendar times are whole seconds
    assert start == datetime.fromisoformat(bought["starts_at"]).replace(microsecond=0)
    assert event["dtstart"].params["TZID"] == "Europe/Vienna"
    assert str(event["summary"]) == "Hamlet"
    assert str(event["location"]) == "Globe Theatre, Ring 1, 1010 Wien"
    assert event["uid"] == f"show-{stage.show_id}@ticketapp"
    assert b"BEGIN:VTIMEZONE" in r.content


def test_the_events_organizer_may_download_but_other_people_may_not(
    client: TestClient,
    db: Engine,
    stage: Stage,
    customer: Account,
    other_customer: Account,
    organizer: Account,
    other_organizer: Account,
) -> None:
    bought = book(client, stage, customer, stage.seat_ids[:1])
    door = make_account(db, "door@example.com", Role.DOOR, "Dora Door")
    for suffix in ("tickets.pdf", "calendar.ics"):
        url = f"/api/v1/bookings/{bought['id']}/{suffix}"
        assert client.get(url, headers=organizer.headers).status_code == 200
        for outsider in (other_customer, other_organizer, door):
            r = client.get(url, headers=outsider.headers)
            assert r.status_code == 403 and r.json()["error"]["code"] == "not_allowed"
        assert client.get(url).status_code == 401
        assert (
            client.get(f"/api/v1/bookings/999999/{suffix}", headers=customer.headers).status_code
            == 404
        )


def test_a_cancelled_booking_offers_no_pdf_nor_calendar(
    client: TestClient, stage: Stage, customer: Account
) -> None:
    bought = book(client, stage, customer, stage.seat_ids[:1])
    cancel = client.post(
        f"/api/v1/bookings/{bought['id']}/cancel", json={}, headers=customer.headers
    )
    assert cancel.status_code == 200, cancel.text

    for suffix in ("tickets.pdf", "calendar.ics"):
        r = client.get(f"/api/v1/bookings/{bought['id']}/{suffix}", headers=customer.headers)
        assert r.status_code == 409
        assert r.json()["error"]["code"] == "conflict"


def test_the_files_are_in_the_openapi_schema(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    pdf = paths["/api/v1/bookings/{booking_id}/tickets.pdf"]["get"]
    ics = paths["/api/v1/bookings/{booking_id}/calendar.ics"]["get"]
    assert "application/pdf" in pdf["responses"]["200"]["content"]
    assert "text/calendar" in ics["responses"]["200"]["content"]
    for route in (pdf, ics):
        assert {"401", "403", "404", "409"} <= set(route["responses"])
    assert [p["name"] for p in pdf["parameters"] if p["in"] == "query"] == ["paper"]


def test_each_pdf_ticket_names_its_type_and_the_door_answer_does_too(
    client: TestClient, stage: Stage, organizer: Account, customer: Account
) -> None:
    from tests.api.factories import hold
    from tests.api.test_pricing import add_type

    add_type(client, stage, organizer, "Adult", 5000)
    child = add_type(client, stage, organizer, "Child", 2500, proof_note="Under 14: ask for ID")
    a1, a2 = stage.seat_ids[:2]
    hold_id = hold(client, stage, customer, [a1, a2])
    choice = {"ticket_types": {str(a2): child["id"]}}
    quote = client.post(f"/api/v1/holds/{hold_id}/quote", json=choice, headers=customer.headers)
    assert [o["proof_note"] for o in quote.json()["lines"][1]["options"]] == [
        "",
        "Under 14: ask for ID",
    ]
    r = client.post(
        "/api/v1/bookings", json={"hold_id": hold_id, **choice}, headers=customer.headers
    )
    assert r.status_code == 201, r.text
    bought = r.json()

    pdf = client.get(f"/api/v1/bookings/{bought['id']}/tickets.pdf", headers=customer.headers)
    pages = pdf_pages_text(pdf.content)
    for page, ticket in zip(pages, bought["tickets"], strict=True):
        assert f"Type {ticket['ticket_type']}" in " ".join(page.split()), page
    assert sorted(t["ticket_type"] for t in bought["tickets"]) == ["Adult", "Child"]
    kid = next(t for t in bought["tickets"] if t["ticket_type"] == "Child")
    scanned = client.post(
        "/api/v1/organizer/check-in",
        json={"ticket_code": kid["code"], "show_id": stage.show_id},
        headers=organizer.headers,
    )
    assert scanned.status_code == 200, scanned.text
    assert (scanned.json()["status"], scanned.json()["ticket_type"]) == ("checked_in", "Child")
