"""Holds over HTTP: by seat ids, best available, general admission; conflicts list the seats;
Idempotency-Key replays the first answer."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from tests.api.factories import Account, Stage, make_account
from ticketapp.db import session_scope
from ticketapp.models import Hold, IdempotencyRecord

HOLDS = "/api/v1/holds"
HOLDS_SCOPE = "POST /api/v1/holds"


def hold_count(db: Engine) -> int:
    with session_scope(db) as session:
        return session.exec(select(func.count(Hold.id))).one()


def test_hold_seats_by_id_returns_the_hold_with_price_and_expiry(
    client: TestClient, stage: Stage, customer: Account
) -> None:
    seats = stage.seat_ids[:2]
    r = client.post(
        HOLDS, json={"show_id": stage.show_id, "seat_ids": seats}, headers=customer.headers
    )
    assert r.status_code == 201, r.text
    hold = r.json()
    assert hold["seat_ids"] == seats
    assert hold["added_seat_ids"] == seats
    assert hold["total_cents"] == 2 * 5000
    assert hold["labels"][0] == "Stalls row A seat 1"


def test_taken_seats_are_409_listing_exactly_the_lost_seats(
    client: TestClient, stage: Stage, customer: Account, other_customer: Account
) -> None:
    a, b, c = stage.seat_ids[:3]
    body = {"show_id": stage.show_id, "seat_ids": [a, b]}
    assert client.post(HOLDS, json=body, headers=other_customer.headers).status_code == 201
    r = client.post(
        HOLDS, json={"show_id": stage.show_id, "seat_ids": [b, c]}, headers=customer.headers
    )
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "seats_unavailable"
    assert error["seats"] == [b]
    assert error["labels"] == ["Stalls row A seat 2"]
    statuses = client.get(f"/api/v1/shows/{stage.show_id}/seats").json()["statuses"]
    assert statuses[str(c)] == "available"  # all or nothing


def test_only_one_of_many_concurrent_buyers_gets_a_contested_seat(
    client: TestClient, db: Engine, stage: Stage
) -> None:

    buyers = [make_account(db, f"racer{i}@example.com") for i in range(8)]
    barrier = threading.Barrier(len(buyers))
    codes: list[int] = []

    def buy(account: Account) -> None:
        barrier.wait()
        r = client.post(
            HOLDS,
            json={"show_id": stage.show_id, "seat_ids": [stage.seat_ids[5]]},
            headers=account.headers,
        )
        codes.append(r.status_code)

    threads = [threading.Thread(target=buy, args=(b,)) for b in buyers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [201] + [409] * 7


@pytest.mark.parametrize(
    "body",
    [
        {"seat_ids": []},
        {"seat_ids": [1, 1]},
        {"seat_ids": [0]},
        {"seat_ids": [2**40]},
        {"seat_ids": "1,2"},
        {"seat_ids": list(range(1, 102))},
        {"show_id": None},
        {"extra": 1},
    ],
)
def test_hold_seats_rejects_invalid_input(
    client: TestClient, stage: Stage, customer: Account, body: dict
) -> None:
    r = client.post(
        HOLDS, json={"show_id": stage.show_id, "seat_ids": [1], **body}, headers=customer.headers
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "invalid_request"


def test_hold_seats_of_another_show_is_422_and_unknown_show_404(
    client: TestClient, stage: Stage, customer: Account
) -> None:
    r = client.post(
        HOLDS, json={"show_id": stage.show_id, "seat_ids": [99999]}, headers=customer.headers
    )
    assert r.status_code == 422
    r = client.post(HOLDS, json={"show_id": 4242, "seat_ids": [1]}, headers=customer.headers)
    assert r.status_code == 404


def test_holding_more_than_the_show_allows_is_409(
    client: TestClient, stage: Stage, customer: Account
) -> None:
    r = client.post(
        HOLDS,
        json={"show_id": stage.show_id, "seat_ids": stage.seat_ids[:9]},
        headers=customer.headers,
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "hold_limit_exceeded"


def test_hold_needs_a_valid_token(client: TestClient, stage: Stage) -> None:
    body = {"show_id": stage.show_id, "seat_ids": stage.seat_ids[:1]}
    assert client.post(HOLDS, json=body).status_code == 401
    assert (
        client.post(HOLDS, json=body, headers={"Authorization": "Bearer x.y.z"}).status_code == 401
    )


def test_best_available_holds_adjacent_seats_in_the_best_category(
    client: TestClient, stage: Stage, customer: Account
) -> None:
    r = client.post(
        f"{HOLDS}/best-available",
        json={"show_id": stage.show_id, "quantity": 3},
        headers=customer.headers,
    )
    assert r.status_code == 201, r.text
    hold = r.json()
    assert len(hold["seat_ids"]) == 3
    assert all(label.startswith("Stalls row A") for label in hold["labels"])


@pytest.mark.parametrize("body", [{"quantity": 0}, {"quantity": 101}, {"accessible": -1}])
def test_best_available_rejects_invalid_quantities(
    client: TestClient, stage: Stage, customer: Account, body: dict
) -> None:
    r = client.post(
        f"{HOLDS}/best-available",
        json={"show_id": stage.show_id, "quantity": 2, **body},
        headers=customer.headers,
    )
    assert r.status_code == 422


def test_best_available_needs_a_token(client: TestClient, stage: Stage) -> None:
    body = {"show_id": stage.show_id, "quantity": 2}
    assert client.post(f"{HOLDS}/best-available", json=body).status_code == 401


def test_best_available_when_not_enough_seats_is_409(
    client: TestClient, stage: Stage, customer: Account
) -> None:
    r = client.post(
        f"{HOLDS}/best-available",
        json={"show_id": stage.show_id, "quantity": 7, "category_id": 1},
        headers=customer.headers,
    )
    assert r.status_code in (409, 422)
    assert r.json()["error"]["code"] in ("not_enough_seats", "invalid_request")


def test_general_admission_holds_places_in_the_standing_area(
    client: TestClient, stage: Stage, customer: Account
) -> None:
    r = client.post(
        f"{HOLDS}/general-admission",
        json={"show_id": stage.show_id, "quantity": 4, "section": "Standing"},
        headers=customer.headers,
    )
    assert r.status_code == 201, r.text
    assert r.json()["total_cents"] == 4 * 1500


def test_general_admission_rejects_zero_and_unknown_sections(
    client: TestClient, stage: Stage, customer: Account
) -> None:
    url = f"{HOLDS}/general-admission"
    body = {"show_id": stage.show_id, "quantity": 0}
    assert client.post(url, json=body, headers=customer.headers).status_code == 422
    body = {"show_id": stage.show_id, "quantity": 1, "section": "Balcony"}
    assert client.post(url, json=body, headers=customer.headers).status_code in (404, 409, 422)
    assert client.post(url, json=body).status_code == 401


def test_get_hold_shows_my_seats_and_refuses_others(
    client: TestClient, stage: Stage, customer: Account, other_customer: Account
) -> None:
    created = client.post(
        HOLDS,
        json={"show_id": stage.show_id, "seat_ids": stage.seat_ids[:2]},
        headers=customer.headers,
    ).json()
    url = f"{HOLDS}/{created['hold_id']}"
    r = client.get(url, headers=customer.headers)
    assert r.status_code == 200
    view = r.json()
    assert view["live"] is True
    assert view["seat_ids"] == stage.seat_ids[:2]
    assert view["event_title"] == "Hamlet"
    assert client.get(url, headers=other_customer.headers).status_code == 403
    assert client.get(url).status_code == 401
    assert client.get(f"{HOLDS}/424242", headers=customer.headers).status_code == 404


def test_release_hold_frees_the_seats_and_only_for_its_owner(
    client: TestClient, stage: Stage, customer: Account, other_customer: Account
) -> None:
    created = client.post(
        HOLDS,
        json={"show_id": stage.show_id, "seat_ids": stage.seat_ids[:2]},
        headers=customer.headers,
    ).json()
    url = f"{HOLDS}/{created['hold_id']}"
    assert client.delete(url, headers=other_customer.headers).status_code == 403
    assert client.delete(url).status_code == 401
    r = client.delete(url, headers=customer.headers)
    assert r.status_code == 200
    assert r.json()["released_seat_ids"] == stage.seat_ids[:2]
    statuses = client.get(f"/api/v1/shows/{stage.show_id}/seats").json()["statuses"]
    assert statuses[str(stage.seat_ids[0])] == "available"


def test_release_some_seats_keeps_the_rest(
    client: TestClient, stage: Stage, customer: Account, other_customer: Account
) -> None:
    created = client.post(
        HOLDS,
        json={"show_id": stage.show_id, "seat_ids": stage.seat_ids[:3]},
        headers=customer.headers,
    ).json()
    url = f"{HOLDS}/{created['hold_id']}/release-seats"
    body = {"seat_ids": stage.seat_ids[:1]}
    assert client.post(url, json=body, headers=other_customer.headers).status_code == 403
    assert client.post(url, json={"seat_ids": []}, headers=customer.headers).status_code == 422
    assert client.post(url, json=body).status_code == 401
    r = client.post(url, json=body, headers=customer.headers)
    assert r.status_code == 200, r.text
    assert r.json()["seat_ids"] == stage.seat_ids[1:3]


# --- idempotency ------------------------------------------------------------------------------


def test_retrying_a_hold_with_the_same_idempotency_key_replays_it_and_creates_nothing(
    client: TestClient, db: Engine, stage: Stage, customer: Account
) -> None:
    headers = {**customer.headers, "Idempotency-Key": "hold-1"}
    body = {"show_id": stage.show_id, "seat_ids": stage.seat_ids[:2]}
    first = client.post(HOLDS, json=body, headers=headers)
    second = client.post(HOLDS, json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert hold_count(db) == 1


def test_same_idempotency_key_with_a_different_body_is_422(
    client: TestClient, stage: Stage, customer: Account
) -> None:
    headers = {**customer.headers, "Idempotency-Key": "hold-2"}
    client.post(
        HOLDS, json={"show_id": stage.show_id, "seat_ids": stage.seat_ids[:1]}, headers=headers
    )
    r = client.post(
        HOLDS, json={"show_id": stage.show_id, "seat_ids": stage.seat_ids[1:2]}, headers=headers
    )
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "idempotency_key_reused"


def test_idempotency_keys_belong_to_one_user(
    client: TestClient, db: Engine, stage: Stage, customer: Account, other_customer: Account
) -> None:
    r1 = client.post(
        HOLDS,
        json={"show_id": stage.show_id, "seat_ids": stage.seat_ids[:1]},
        headers={**customer.headers, "Idempotency-Key": "same"},
    )
    r2 = client.post(
        HOLDS,
        json={"show_id": stage.show_id, "seat_ids": stage.seat_ids[1:2]},
        headers={**other_customer.headers, "Idempotency-Key": "same"},
    )
    assert r1.status_code == r2.status_code == 201
    assert r1.json()["hold_id"] != r2.json()["hold_id"]


def test_a_replayed_conflict_stays_a_conflict(
    client: TestClient, stage: Stage, customer: Account, other_customer: Account
) -> None:
    seat = stage.seat_ids[:1]
    client.post(
        HOLDS, json={"show_id": stage.show_id, "seat_ids": seat}, headers=other_customer.headers
    )
    headers = {**customer.headers, "Idempotency-Key": "late"}
    first = client.post(HOLDS, json={"show_id": stage.show_id, "seat_ids": seat}, headers=headers)
    again = client.post(HOLDS, json={"show_id": stage.show_id, "seat_ids": seat}, headers=headers)
    assert first.status_code == again.status_code == 409
    assert again.json() == first.json()


def test_concurrent_requests_with_one_key_create_one_hold_and_all_get_its_answer(
    client: TestClient, db: Engine, stage: Stage, customer: Account
) -> None:
    headers = {**customer.headers, "Idempotency-Key": "burst"}
    body = {"show_id": stage.show_id, "seat_ids": stage.seat_ids[:2]}
    barrier = threading.Barrier(6)
    answers: list[tuple[int, dict]] = []

    def send() -> None:
        barrier.wait()
        r = client.post(HOLDS, json=body, headers=headers)
        answers.append((r.status_code, r.json()))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert hold_count(db) == 1
    # No "in progress" refusal any more: a duplicate waits for the first and replays it.
    assert [code for code, _ in answers] == [201] * 6
    assert len({a["hold_id"] for _, a in answers}) == 1


def test_a_legacy_claim_without_an_answer_for_another_request_is_refused(
    client: TestClient, db: Engine, stage: Stage, customer: Account, clock
) -> None:
    with session_scope(db) as session:
        session.add(
            IdempotencyRecord(
                user_id=customer.id,
                scope="POST /api/v1/holds",
                key="crashed",
                request_hash="whatever",
                status_code=0,
                response_json="",
            )
        )
    headers = {**customer.headers, "Idempotency-Key": "crashed"}
    body = {"show_id": stage.show_id, "seat_ids": stage.seat_ids[:1]}
    assert client.post(HOLDS, json=body, headers=headers).status_code == 422
    assert hold_count(db) == 0


def test_a_legacy_claim_left_by_a_dead_owner_is_taken_over(
    client: TestClient, db: Engine, stage: Stage, customer: Account, clock
) -> None:
    from ticketapp.api.idempotency import fingerprint
    from ticketapp.api.schemas import HoldSeatsIn

    body = {"show_id": stage.show_id, "seat_ids": stage.seat_ids[:1]}
    with session_scope(db) as session:
        session.add(
            IdempotencyRecord(
                user_id=customer.id,
                scope="POST /api/v1/holds",
                key="slow",
                request_hash=fingerprint("POST /api/v1/holds", HoldSeatsIn(**body)),
                status_code=0,
                response_json="",
                created_at=clock(),
            )
        )
    headers = {**customer.headers, "Idempotency-Key": "slow"}
    first = client.post(HOLDS, json=body, headers=headers)
    again = client.post(HOLDS, json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert hold_count(db) == 1


def _owner_mid_request(db: Engine, customer: Account, request_hash: str):
    """A raw connection that has written the key's record and not committed: a request
    whose worker is in the middle of it (or just died with the connection still open)."""
    import psycopg

    url = db.url.set(drivername="postgresql").render_as_string(hide_password=False)
    owner = psycopg.connect(url)
    owner.execute(
        "INSERT INTO idempotency_record (user_id, scope, key, request_hash, status_code,"
        " response_json, created_at) VALUES (%s, 'POST /api/v1/holds', 'owned', %s, 201,"
        " '{\"owner\": true}', now())",
        (customer.id, request_hash),
    )
    return owner, owner.info.backend_pid


def _post_in_thread(client: TestClient, body: dict, headers: dict) -> tuple[threading.Thread, list]:
    answers: list = []
    thread = threading.Thread(
        target=lambda: answers.append(client.post(HOLDS, json=body, headers=headers))
    )
    thread.start()
    return thread, answers


def _wait_until_blocked(db: Engine, thread: threading.Thread) -> None:
    """Until a backend waits on a lock (our request, on the owner's uncommitted key)."""
    import time

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with db.connect() as conn:
            waiting = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND datname = current_database()"
            ).scalar()
        if waiting:
            return
        assert thread.is_alive()
        time.sleep(0.02)
    raise AssertionError("the request never waited for the key's owner")


def test_a_key_whose_owner_dies_mid_request_is_taken_over_at_once(
    client: TestClient, db: Engine, stage: Stage, customer: Account
) -> None:
    from ticketapp.api.idempotency import fingerprint
    from ticketapp.api.schemas import HoldSeatsIn

    body = {"show_id": stage.show_id, "seat_ids": stage.seat_ids[:1]}
    owner, pid = _owner_mid_request(db, customer, fingerprint(HOLDS_SCOPE, HoldSeatsIn(**body)))
    headers = {**customer.headers, "Idempotency-Key": "owned"}
    thread, answers = _post_in_thread(client, body, headers)
    _wait_until_blocked(db, thread)
    with db.connect() as conn:  # the owner's worker is killed: PostgreSQL drops its work
        conn.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
    thread.join(timeout=20)
    owner.close()
    assert answers and answers[0].status_code == 201
    assert "owner" not in answers[0].json()
    assert hold_count(db) == 1


def test_a_duplicate_waits_for_the_running_owner_and_replays_its_answer(
    client: TestClient, db: Engine, stage: Stage, customer: Account
) -> None:
    from ticketapp.api.idempotency import fingerprint
    from ticketapp.api.schemas import HoldSeatsIn

    body = {"show_id": stage.show_id, "seat_ids": stage.seat_ids[:1]}
    owner, _ = _owner_mid_request(db, customer, fingerprint(HOLDS_SCOPE, HoldSeatsIn(**body)))
    headers = {**customer.headers, "Idempotency-Key": "owned"}
    thread, answers = _post_in_thread(client, body, headers)
    _wait_until_blocked(db, thread)
    owner.commit()
    owner.close()
    thread.join(timeout=20)
    assert answers and answers[0].status_code == 201
    assert answers[0].json() == {"owner": True}
    assert answers[0].headers["Idempotent-Replayed"] == "true"
    assert hold_count(db) == 0  # the duplicate's own hold was rolled back


@pytest.mark.parametrize("key", ["", "x" * 121, "has space"])
def test_malformed_idempotency_keys_are_422(
    client: TestClient, stage: Stage, customer: Account, key: str
) -> None:
    r = client.post(
        HOLDS,
        json={"show_id": stage.show_id, "seat_ids": stage.seat_ids[:1]},
        headers={**customer.headers, "Idempotency-Key": key},
    )
    assert r.status_code == 422
