"""Issue 14, tried through the REST API: each test is an attack that used to work."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.api.factories import Account, Stage, book, build_stage


def test_check_in_of_another_organizers_ticket_reveals_nothing(
    client: TestClient,
    db: Engine,
    stage: Stage,
    customer: Account,
    other_organizer: Account,
) -> None:
    ticket = book(client, stage, customer, stage.seat_ids[:1])["tickets"][0]
    own = build_stage(db, other_organizer, title="Other play")

    r = client.post(
        "/api/v1/organizer/check-in",
        json={"ticket_code": ticket["code"], "show_id": own.show_id},
        headers=other_organizer.headers,
    )

    assert r.status_code == 200, r.text
    assert r.json() == {
        "status": "unknown",
        "admitted": False,
        "checked_in_at": None,
        "label": "",
        "booking_code": "",
    }
