"""Undelivered mails over HTTP: organizers see (and resend) their own events' failed mails."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.engine import Engine

from tests.api.factories import Account, Stage, book
from ticketapp.db import session_scope
from ticketapp.models import MailStatus, OutboxMail

FAILED = "/api/v1/organizer/mail/failed"


def _give_up_on_every_mail(db: Engine) -> None:
    with session_scope(db) as session:
        session.exec(
            update(OutboxMail).values(
                status=MailStatus.FAILED, attempts=8, last_error="ConnectionRefusedError: ..."
            )
        )


def test_an_organizer_sees_the_failed_mails_of_own_events_only(
    client: TestClient,
    db: Engine,
    stage: Stage,
    organizer: Account,
    other_organizer: Account,
    admin: Account,
    customer: Account,
) -> None:
    booked = book(client, stage, customer, stage.seat_ids[:1])
    _give_up_on_every_mail(db)

    mine = client.get(FAILED, headers=organizer.headers)
    theirs = client.get(FAILED, headers=other_organizer.headers)
    everyone = client.get(FAILED, headers=admin.headers)

    assert mine.status_code == 200, mine.text
    [mail] = mine.json()
    assert mail["kind"] == "booking_confirmed" and mail["status"] == "failed"
    assert (mail["booking_id"], mail["booking_code"], mail["event_id"]) == (
        booked["id"],
        booked["code"],
        stage.event_id,
    )
    assert mail["to_address"] == "carla@example.com"
    assert mail["attempts"] == 8 and mail["last_error"].startswith("ConnectionRefusedError")
    assert theirs.json() == [] and len(everyone.json()) == 1


def test_failed_mail_is_not_for_customers_or_anonymous(
    client: TestClient, customer: Account
) -> None:
    assert client.get(FAILED).status_code == 401
    assert client.get(FAILED, headers=customer.headers).status_code == 403
    assert (
        client.post("/api/v1/organizer/mail/1/retry", headers=customer.headers).status_code == 403
    )


def test_retrying_a_failed_mail_queues_it_again(
    client: TestClient,
    db: Engine,
    stage: Stage,
    organizer: Account,
    other_organizer: Account,
    customer: Account,
) -> None:
    book(client, stage, customer, stage.seat_ids[:1])
    _give_up_on_every_mail(db)
    [mail] = client.get(FAILED, headers=organizer.headers).json()
    url = f"/api/v1/organizer/mail/{mail['id']}/retry"

    assert client.post(url, headers=other_organizer.headers).status_code == 404
    r = client.post(url, headers=organizer.headers)

    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["attempts"]) == ("pending", 0)
    assert client.get(FAILED, headers=organizer.headers).json() == []
    assert (
        client.post("/api/v1/organizer/mail/999999/retry", headers=organizer.headers).status_code
        == 404
    )
