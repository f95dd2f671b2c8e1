"""Sign-up, log-in, profile and password over HTTP, including the log-in rate limit."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.factories import PASSWORD, Account
from ticketapp import auth
from ticketapp.models import Role
from ticketapp.ratelimit import MemoryRateLimiter

SIGNUP = "/api/v1/auth/signup"
LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"
PASSWORD_URL = "/api/v1/auth/password"


def test_sign_up_creates_a_customer_and_returns_a_working_token(client: TestClient) -> None:
    r = client.post(
        SIGNUP, json={"name": "  Ann  Lee ", "email": "Ann@Example.com", "password": "s3cret-pass"}
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["token_type"] == "bearer"
    assert body["user"]["email"] == "ann@example.com"
    assert body["user"]["name"] == "Ann Lee"
    assert body["user"]["role"] == Role.CUSTOMER
    me = client.get(ME, headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["id"] == body["user"]["id"]


def test_sign_up_with_a_taken_email_is_a_conflict(client: TestClient, customer: Account) -> None:
    r = client.post(
        SIGNUP, json={"name": "Dup", "email": "CARLA@example.com", "password": "s3cret-pass"}
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "email_taken"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "A", "email": "not-an-email", "password": "s3cret-pass"}, "email"),
        ({"name": "A", "email": "a@example.com", "password": "short"}, "password"),
        ({"name": "A", "email": "a@example.com", "password": "x" * 73}, "password"),
        ({"name": "   ", "email": "a@example.com", "password": "s3cret-pass"}, "name"),
        (
            {"name": "A", "email": "a@example.com", "password": "s3cret-pass", "role": "admin"},
            "role",
        ),
        ({"name": "A\x00", "email": "a@example.com", "password": "s3cret-pass"}, "name"),
    ],
)
def test_sign_up_rejects_invalid_input_with_422(client: TestClient, body: dict, field: str) -> None:
    r = client.post(SIGNUP, json=body)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] in ("invalid_input", "invalid_request")
    assert field in (error.get("field") or error["message"])


def test_organizer_can_sign_up_as_organizer(client: TestClient) -> None:
    r = client.post(
        SIGNUP,
        json={
            "name": "Org",
            "email": "org@example.com",
            "password": "s3cret-pass",
            "role": "organizer",
        },
    )
    assert r.status_code == 201
    assert r.json()["user"]["role"] == Role.ORGANIZER


def test_log_in_returns_a_bearer_token_for_the_account(
    client: TestClient, customer: Account
) -> None:
    r = client.post(LOGIN, json={"email": "carla@example.com", "password": PASSWORD})
    assert r.status_code == 200, r.text
    token = r.json()["access_token"]
    assert auth.verify_token(token).user_id == customer.id


@pytest.mark.parametrize(
    "body",
    [
        {"email": "carla@example.com", "password": "wrong password"},
        {"email": "nobody@example.com", "password": PASSWORD},
    ],
)
def test_log_in_with_wrong_credentials_is_401_with_one_generic_message(
    client: TestClient, customer: Account, body: dict
) -> None:
    r = client.post(LOGIN, json=body)
    assert r.status_code == 401
    assert r.json()["error"] == {"code": "invalid_credentials", "message": auth.INVALID_LOGIN}


def test_log_in_without_password_is_422(client: TestClient) -> None:
    r = client.post(LOGIN, json={"email": "carla@example.com"})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_request"


def test_eleventh_log_in_attempt_for_one_email_in_a_minute_is_429_with_retry_after(
    client: TestClient, customer: Account, limiter: MemoryRateLimiter
) -> None:
    for _ in range(10):
        r = client.post(LOGIN, json={"email": "carla@example.com", "password": "wrong password"})
        assert r.status_code == 401
    r = client.post(LOGIN, json={"email": "Carla@Example.com", "password": PASSWORD})
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(r.headers["Retry-After"]) <= 60


def test_log_in_limit_per_ip_covers_many_emails(client: TestClient) -> None:
    for i in range(10):
        r = client.post(LOGIN, json={"email": f"u{i}@example.com", "password": "whatever1"})
        assert r.status_code == 401
    r = client.post(LOGIN, json={"email": "u99@example.com", "password": "whatever1"})
    assert r.status_code == 429


def test_me_without_token_is_401_with_bearer_challenge(client: TestClient) -> None:
    r = client.get(ME)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Bearer"
    assert r.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer not-a-jwt",
        "Bearer " + auth.issue_token(1, "customer", minutes=-1),
        "Bearer "
        + auth.jwt.encode({"sub": "1", "role": "admin", "iat": 0, "exp": 2**40}, "x" * 40),
        "Basic dXNlcjpwYXNz",
    ],
    ids=["garbage", "expired", "foreign-key", "basic-auth"],
)
def test_me_with_a_bad_token_is_401(client: TestClient, header: str) -> None:
    r = client.get(ME, headers={"Authorization": header})
    assert r.status_code == 401
    assert r.json()["error"]["code"] in ("invalid_token", "not_authenticated")


def test_token_of_a_deleted_user_is_401(client: TestClient) -> None:
    r = client.get(ME, headers={"Authorization": f"Bearer {auth.issue_token(999, 'customer')}"})
    assert r.status_code == 401


def test_update_profile_changes_only_my_name(
    client: TestClient, customer: Account, other_customer: Account
) -> None:
    r = client.patch(ME, json={"name": "  Carla   C. "}, headers=customer.headers)
    assert r.status_code == 200
    assert r.json()["name"] == "Carla C."
    assert client.get(ME, headers=other_customer.headers).json()["name"] == "Otto Other"


def test_update_profile_rejects_unknown_fields_and_blank_names(
    client: TestClient, customer: Account
) -> None:
    assert client.patch(ME, json={"role": "admin"}, headers=customer.headers).status_code == 422
    assert client.patch(ME, json={"name": " "}, headers=customer.headers).status_code == 422
    assert client.get(ME, headers=customer.headers).json()["role"] == "customer"


def test_update_profile_needs_a_token(client: TestClient) -> None:
    assert client.patch(ME, json={"name": "X"}).status_code == 401


def test_change_password_then_log_in_with_the_new_one(
    client: TestClient, customer: Account
) -> None:
    r = client.post(
        PASSWORD_URL,
        json={"current_password": PASSWORD, "new_password": "a brand new one"},
        headers=customer.headers,
    )
    assert r.status_code == 200, r.text
    fresh = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert client.get(ME, headers=fresh).status_code == 200
    assert client.get(ME, headers=customer.headers).status_code == 401  # older tokens end
    assert (
        client.post(LOGIN, json={"email": "carla@example.com", "password": PASSWORD}).status_code
        == 401
    )
    r = client.post(LOGIN, json={"email": "carla@example.com", "password": "a brand new one"})
    assert r.status_code == 200


def test_change_password_with_wrong_current_password_is_refused(
    client: TestClient, customer: Account
) -> None:
    r = client.post(
        PASSWORD_URL,
        json={"current_password": "not it at all", "new_password": "a brand new one"},
        headers=customer.headers,
    )
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "invalid_credentials"


def test_change_password_rejects_a_short_new_password_and_missing_token(
    client: TestClient, customer: Account
) -> None:
    body = {"current_password": PASSWORD, "new_password": "short"}
    assert client.post(PASSWORD_URL, json=body, headers=customer.headers).status_code == 422
    assert client.post(PASSWORD_URL, json=body).status_code == 401
