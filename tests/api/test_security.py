"""Issue 14, tried through the REST API: each test is an attack that used to work."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys

import pytest
from fastapi.security import HTTPAuthorizationCredentials
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.api.factories import PASSWORD, Account, Stage, book, build_stage, hold
from ticketapp import auth, booking
from ticketapp.api.deps import get_current_user
from ticketapp.api.security import websocket_origin_allowed
from ticketapp.booking.access import Actor
from ticketapp.ratelimit import MemoryRateLimiter
from ticketapp.settings import PROJECT_DIR, ConfigError, load, settings


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
        "category_name": "",
        "ticket_type": "",
        "timezone": "UTC",
        "other_show_id": None,
        "other_event_title": "",
        "other_starts_at": None,
    }


def test_a_cancelled_show_stays_cancelled(
    client: TestClient, db: Engine, stage: Stage, organizer: Account, customer: Account
) -> None:
    book(client, stage, customer, stage.seat_ids[:2])
    booking.cancel_show(stage.show_id, actor=Actor(organizer.id, "organizer"), db=db)

    r = client.patch(
        f"/api/v1/shows/{stage.show_id}", json={"status": "scheduled"}, headers=organizer.headers
    )

    assert r.status_code == 409, r.text
    assert r.json()["error"]["message"] == (
        "This show has been cancelled; it stays cancelled and cannot be changed."
    )
    assert client.get(f"/api/v1/shows/{stage.show_id}").json()["status"] == "cancelled"
    held = client.post(
        "/api/v1/holds",
        json={"show_id": stage.show_id, "seat_ids": stage.seat_ids[:2]},
        headers=customer.headers,
    )
    assert held.status_code == 409, held.text


def test_booking_for_a_list_of_addresses_is_422_and_books_nothing(
    client: TestClient, stage: Stage, customer: Account
) -> None:
    hold_id = hold(client, stage, customer, stage.seat_ids[:1])

    r = client.post(
        "/api/v1/bookings",
        json={"hold_id": hold_id, "buyer_email": "a@x.com, b@y.org, c@z.net"},
        headers=customer.headers,
    )

    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "invalid_request"
    assert "one valid e-mail address" in r.json()["error"]["message"]
    assert client.get("/api/v1/bookings", headers=customer.headers).json() == []
    mine = client.get(f"/api/v1/shows/{stage.show_id}/seats", headers=customer.headers).json()
    assert mine["statuses"][str(stage.seat_ids[0])] == "mine"  # the hold is still there


# --- 1. log-in and sign-up limits: one count for both doors ------------------------------

LOGIN = "/api/v1/auth/login"
SIGNUP = "/api/v1/auth/signup"


def test_log_in_attempts_through_the_ui_door_count_against_the_api(
    client: TestClient, db: Engine, customer: Account, limiter: MemoryRateLimiter
) -> None:
    # The web form calls the auth core directly, as the Reflex state does; TestClient's
    # address is "testclient".
    for _ in range(auth.LOGIN_ATTEMPTS_PER_MINUTE):
        with pytest.raises(auth.InvalidCredentials):
            auth.log_in(
                "carla@example.com", "wrong password", client_ip="10.9.8.7", db=db, limiter=limiter
            )

    r = client.post(LOGIN, json={"email": "carla@example.com", "password": PASSWORD})

    assert r.status_code == 429, r.text
    assert r.json()["error"]["code"] == "rate_limited"
    assert r.json()["error"]["message"].startswith("Too many attempts, try again in ")
    assert 1 <= int(r.headers["Retry-After"]) <= 60


def test_sixth_sign_up_from_one_address_within_an_hour_is_429(
    client: TestClient, db: Engine
) -> None:
    for i in range(auth.SIGNUPS_PER_HOUR):
        body = {"name": f"User {i}", "email": f"new{i}@example.com", "password": "plum tree 42"}
        assert client.post(SIGNUP, json=body).status_code == 201

    body = {"name": "One more", "email": "more@example.com", "password": "plum tree 42"}
    r = client.post(SIGNUP, json=body)

    assert r.status_code == 429, r.text
    assert int(r.headers["Retry-After"]) > 3000
    assert auth.find_user_by_email("more@example.com", db=db) is None


# --- 2. revocable sessions -------------------------------------------------------------------

ME = "/api/v1/auth/me"


def test_log_out_everywhere_ends_every_token_of_the_account(
    client: TestClient, customer: Account, other_customer: Account
) -> None:
    second_device = client.post(
        LOGIN, json={"email": "carla@example.com", "password": PASSWORD}
    ).json()["access_token"]

    r = client.post("/api/v1/auth/logout-everywhere", headers=customer.headers)

    assert r.status_code == 204, r.text
    assert client.get(ME, headers=customer.headers).status_code == 401
    assert client.get(ME, headers={"Authorization": f"Bearer {second_device}"}).status_code == 401
    assert client.get(ME, headers=other_customer.headers).status_code == 200
    again = client.post(LOGIN, json={"email": "carla@example.com", "password": PASSWORD})
    assert client.get(ME, headers=bearer(again.json()["access_token"])).status_code == 200


def test_an_admin_disabling_a_user_ends_its_tokens_and_log_ins(
    client: TestClient, customer: Account, other_customer: Account, admin: Account
) -> None:
    url = f"/api/v1/auth/users/{customer.id}/disable"
    assert client.post(url, headers=other_customer.headers).status_code == 403
    assert client.get(ME, headers=customer.headers).status_code == 200

    assert client.post(url, headers=admin.headers).status_code == 204

    assert client.get(ME, headers=customer.headers).status_code == 401
    r = client.post(LOGIN, json={"email": "carla@example.com", "password": PASSWORD})
    assert r.status_code == 401
    assert r.json()["error"]["message"] == "This account has been disabled."

    assert (
        client.post(f"/api/v1/auth/users/{customer.id}/enable", headers=admin.headers).status_code
        == 204
    )
    assert client.get(ME, headers=customer.headers).status_code == 401  # old tokens stay ended
    r = client.post(LOGIN, json={"email": "carla@example.com", "password": PASSWORD})
    assert client.get(ME, headers=bearer(r.json()["access_token"])).status_code == 200


def test_identifying_the_caller_takes_one_sql_statement(db: Engine, customer: Account) -> None:
    credentials = HTTPAuthorizationCredentials(scheme="Bearer", credentials=customer.token)
    asyncio.run(get_current_user(db, credentials))  # the pool has its connection ready
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db, "before_cursor_execute", count)
    try:
        actor = asyncio.run(get_current_user(db, credentials))
    finally:
        event.remove(db, "before_cursor_execute", count)

    assert actor == Actor(customer.id, "customer", "Carla Customer", "carla@example.com")
    assert len(statements) == 1, statements


# --- 6. password policy ----------------------------------------------------------------------


@pytest.mark.parametrize("password", ["12345678", "password", "qwertyui", "Password"])
def test_sign_up_with_a_common_password_is_refused_with_the_reason(
    client: TestClient, password: str
) -> None:
    body = {"name": "Carla", "email": "carla@example.com", "password": password}

    r = client.post(SIGNUP, json=body)

    assert r.status_code == 422, r.text
    assert "most common" in r.json()["error"]["message"]
    assert r.json()["error"]["field"] == "password"


def test_a_password_equal_to_the_e_mail_is_refused(client: TestClient, customer: Account) -> None:
    body = {
        "name": "Erin",
        "email": "erin.example@example.com",
        "password": "Erin.Example@example.com",
    }
    r = client.post(SIGNUP, json=body)
    assert r.status_code == 422
    assert r.json()["error"]["message"] == "Password must not be your e-mail address."

    r = client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "carla@example.com"},
        headers=customer.headers,
    )
    assert r.status_code == 422
    assert client.get(ME, headers=customer.headers).status_code == 200  # nothing changed


# --- 4. request bodies are bounded -----------------------------------------------------------


def test_an_api_request_body_over_the_limit_is_413(client: TestClient, customer: Account) -> None:
    big = b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}'

    declared = client.patch(
        ME, content=big, headers={**customer.headers, "Content-Type": "application/json"}
    )
    chunked = client.patch(
        ME,
        content=iter([big[i : i + 65536] for i in range(0, len(big), 65536)]),
        headers={**customer.headers, "Content-Type": "application/json"},
    )

    for r in (declared, chunked):
        assert r.status_code == 413, r.text
        assert r.json()["error"]["code"] == "payload_too_large"
    assert client.get(ME, headers=customer.headers).json()["name"] == "Carla Customer"


# --- 7. headers and CORS ---------------------------------------------------------------------


def test_every_answer_carries_the_security_headers(client: TestClient, customer: Account) -> None:
    public = client.get("/api/v1/events")
    private = client.get(ME, headers=customer.headers)
    missing = client.get("/api/v1/nothing-here")

    for r in (public, private, missing):
        assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
        assert "default-src 'self'" in r.headers["Content-Security-Policy"]
        assert r.headers["X-Frame-Options"] == "DENY"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert private.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("origin", ["https://evil.example", "null"])
def test_cors_answers_foreign_origins_nothing(client: TestClient, origin: str) -> None:
    simple = client.get("/api/v1/events", headers={"Origin": origin})
    preflight = client.options(
        LOGIN,
        headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
    )

    for r in (simple, preflight):
        assert "access-control-allow-origin" not in r.headers


def test_cors_admits_a_configured_origin_by_name_without_credentials(client: TestClient) -> None:
    origin = settings.cors_origins[0]

    r = client.options(
        LOGIN,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )

    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == origin
    assert "access-control-allow-credentials" not in r.headers


def test_cors_origins_setting_refuses_wildcards_and_null() -> None:
    for value in ("*", "null", "https://ok.example,*"):
        with pytest.raises(ConfigError, match="CORS_ORIGINS"):
            load({"CORS_ORIGINS": value})
    assert load({"CORS_ORIGINS": "https://a.example, https://b.example/"}).cors_origins == (
        "https://a.example",
        "https://b.example",
    )


def test_the_websocket_admits_only_its_own_and_configured_origins() -> None:
    own = {"HTTP_HOST": "tickets.example.org", "wsgi.url_scheme": "https"}
    assert websocket_origin_allowed("https://tickets.example.org", own)
    assert websocket_origin_allowed(settings.cors_origins[0], own)
    assert not websocket_origin_allowed("https://evil.example", own)
    assert not websocket_origin_allowed("null", own)


# --- 8. API docs -----------------------------------------------------------------------------


def test_api_docs_load_swagger_from_the_app_itself(client: TestClient) -> None:
    page = client.get("/api/docs")

    assert page.status_code == 200
    assert "cdn" not in page.text.lower()
    assert "//" not in "".join(re.findall(r'(?:src|href)="([^"]*)"', page.text))
    script = client.get("/api/docs-assets/swagger-ui-bundle.js")
    assert script.status_code == 200 and len(script.content) > 100_000


def test_api_docs_are_off_in_production_unless_asked_for() -> None:
    production = {"TICKETAPP_ENV": "production", "SECRET_KEY": "k" * 40}
    assert load(production).api_docs is False
    assert load({**production, "API_DOCS": "1"}).api_docs is True
    assert load({}).api_docs is True
    code = (
        "from fastapi.testclient import TestClient; from ticketapp.api import app; "
        "c = TestClient(app); print(c.get('/api/docs').status_code, "
        "c.get('/api/docs-assets/swagger-ui.css').status_code)"
    )
    env = {**os.environ, **production}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=PROJECT_DIR
    )
    assert out.stdout.split() == ["404", "404"], out.stderr[-2000:]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
