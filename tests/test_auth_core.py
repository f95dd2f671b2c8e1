"""ticketapp.auth without any door: hashes, tokens, roles, and the secret's rules."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import bcrypt
import jwt
import pytest

from ticketapp import auth
from ticketapp.settings import PROJECT_DIR, ConfigError, load


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_password_hash_is_bcrypt_with_cost_at_least_12_and_verifies():
    hashed = auth.hash_password("correct horse battery")
    assert hashed.startswith("$2b$") and bcrypt.checkpw(b"correct horse battery", hashed.encode())
    assert int(hashed.split("$")[2]) >= 12
    assert auth.verify_password("correct horse battery", hashed)
    assert not auth.verify_password("wrong horse battery", hashed)
    assert not auth.verify_password("x" * 100, hashed)


def test_short_and_overlong_passwords_are_refused_with_a_message():
    with pytest.raises(auth.InvalidInput, match="at least 8"):
        auth.hash_password("short")
    with pytest.raises(auth.InvalidInput, match="72 bytes"):
        auth.hash_password("é" * 40)


def test_token_round_trip_carries_subject_and_role():
    token = auth.issue_token(42, "organizer")
    assert auth.verify_token(token) == auth.Identity(user_id=42, role="organizer")
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["sub"] == "42" and claims["exp"] > claims["iat"]
    assert jwt.get_unverified_header(token)["alg"] == "HS256"


def test_expired_token_is_rejected():
    token = auth.issue_token(1, "customer", now=datetime.now(UTC) - timedelta(days=2), minutes=5)
    with pytest.raises(auth.InvalidToken):
        auth.verify_token(token)


def test_tampered_token_is_rejected():
    header, payload, signature = auth.issue_token(1, "customer").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["role"] = "admin"
    with pytest.raises(auth.InvalidToken):
        auth.verify_token(f"{header}.{_b64(claims)}.{signature}")


def test_token_signed_with_another_key_is_rejected():
    foreign = jwt.encode(
        {
            "sub": "1",
            "role": "admin",
            "iat": datetime.now(UTC),
            "exp": datetime.now(UTC) + timedelta(hours=1),
        },
        "not-our-key-" * 4,
        algorithm="HS256",
    )
    with pytest.raises(auth.InvalidToken):
        auth.verify_token(foreign)


def test_alg_none_token_is_rejected():
    now = int(datetime.now(UTC).timestamp())
    unsigned = ".".join(
        [
            _b64({"alg": "none", "typ": "JWT"}),
            _b64({"sub": "1", "role": "admin", "iat": now, "exp": now + 3600}),
            "",
        ]
    )
    with pytest.raises(auth.InvalidToken):
        auth.verify_token(unsigned)


def test_unknown_role_and_garbage_are_rejected():
    with pytest.raises(auth.InvalidToken):
        auth.verify_token(auth.issue_token(1, "superuser"))
    for garbage in ("", "abc", "a.b.c"):
        with pytest.raises(auth.InvalidToken):
            auth.verify_token(garbage)


def test_admin_has_every_role():
    assert auth.Identity(1, "admin").has_role("organizer")
    assert not auth.Identity(1, "customer").has_role("organizer")


def test_production_without_secret_key_refuses_with_a_clear_message():
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        load({"TICKETAPP_ENV": "production"})
    with pytest.raises(ConfigError, match="at least 32"):
        load({"TICKETAPP_ENV": "production", "SECRET_KEY": "short"})
    with pytest.raises(ConfigError, match="BCRYPT_ROUNDS"):
        load({"TICKETAPP_ENV": "production", "SECRET_KEY": "k" * 40, "BCRYPT_ROUNDS": "10"})
    assert load({"TICKETAPP_ENV": "production", "SECRET_KEY": "k" * 40}).secret_key == "k" * 40


def test_app_start_in_production_without_secret_stops_with_the_message():
    env = {"TICKETAPP_ENV": "production", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", "import ticketapp.settings"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_dev_secret_is_generated_once_and_kept_out_of_git():
    first = load({}).secret_key
    assert len(first) >= 48 and load({}).secret_key == first
    ignored = subprocess.run(
        ["git", "check-ignore", ".secret_key"], cwd=PROJECT_DIR, capture_output=True, text=True
    )
    assert ignored.returncode == 0


def test_postgres_urls_use_psycopg3():
    assert load({"DATABASE_URL": "postgres://u@h/db"}).database_url == (
        "postgresql+psycopg://u@h/db"
    )
    assert load({}).database_url.startswith("sqlite:///")


@pytest.mark.parametrize("password", ["12345678", "password", "qwertyui", "Iloveyou1", "PASSWORD"])
def test_common_passwords_are_refused_saying_why(password):
    with pytest.raises(auth.InvalidInput, match="most common ones"):
        auth.check_password_rules(password)


def test_a_password_equal_to_the_e_mail_or_its_name_part_is_refused():
    for password in ("carla.example@example.com", "Carla.Example"):
        with pytest.raises(auth.InvalidInput, match="must not be your e-mail"):
            auth.check_password_rules(password, "carla.example@example.com")
    auth.check_password_rules("plum tree 42", "carla.example@example.com")


def test_the_shipped_common_password_list_is_large_and_local():
    common = auth.common_passwords()
    assert len(common) >= 10_000
    assert {"123456", "password", "qwerty"} <= common
    assert auth.COMMON_PASSWORDS_FILE.is_relative_to(PROJECT_DIR)


def test_a_remembered_token_is_refused_once_it_expires():
    """verify_token remembers tokens it verified; the expiry must still be checked each time."""
    issued = datetime.now(UTC) - timedelta(minutes=5) + timedelta(seconds=1)
    token = auth.issue_token(7, "customer", now=issued, minutes=5)
    assert auth.verify_token(token).user_id == 7  # verified and remembered
    assert auth.verify_token(token).user_id == 7  # from memory
    expires = jwt.decode(token, options={"verify_signature": False})["exp"]
    while time.time() <= expires:  # the clock, not a guess, says when it has expired
        time.sleep(0.05)
    with pytest.raises(auth.InvalidToken):
        auth.verify_token(token)


def test_a_remembered_token_is_not_valid_under_another_key():
    token = auth.issue_token(7, "customer")
    assert auth.verify_token(token).user_id == 7
    with pytest.raises(auth.InvalidToken):
        auth.verify_token(token, key="another-secret-key-of-enough-length-0123456789")
