"""Passwords, tokens and roles — no Reflex, no FastAPI.

Passwords are bcrypt hashes (cost from settings, >= 12 in production). Access tokens are JWT
HS256 with `sub` (user id), `role`, `ver` (the user's token version), `iat` and `exp`;
verification pins the algorithm, so `alg: none` and any other algorithm are rejected, as are
tampered, expired and foreign-key tokens. Sign-up and log-in live here too so the UI and the
API share one set of rules — including their rate limits, keyed per e-mail and per client
address, so neither door can be used to get around the other's.

Sessions are revocable: `actor_from_token` compares the token's `ver` with the user's
`token_version` on every request, so changing the password, "log out everywhere" and an admin
disabling the account end every older token at once. The row is read in one SQL statement, or
in none while the process follows the database's user changes (ticketapp/auth_cache.py).
"""

from __future__ import annotations

import gzip
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import bcrypt
import jwt
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import bindparam, func, update
from sqlalchemy import select as core_select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from ticketapp.auth_cache import actors_of
from ticketapp.booking.access import Actor, require_organizer
from ticketapp.booking.door_staff import grant_in
from ticketapp.db import get_engine, session_scope
from ticketapp.models import Role, User
from ticketapp.ratelimit import LOGIN_WINDOW_SECONDS, RateLimiter, default_rate_limiter
from ticketapp.settings import settings

ALGORITHM = "HS256"
MIN_PASSWORD_LENGTH = 8
# bcrypt only looks at the first 72 bytes; refusing longer input beats silently ignoring it.
MAX_PASSWORD_BYTES = 72
INVALID_LOGIN = "Invalid e-mail or password."
LOGIN_ATTEMPTS_PER_MINUTE = settings.login_attempts_per_minute  # per address and per e-mail
SIGNUPS_PER_HOUR = settings.signups_per_hour  # per client address
SIGNUP_WINDOW_SECONDS = 3600.0
# The 20,000 most common passwords of public breach corpora (see ticketapp/data/README.md).
COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt.gz"

# A real hash to compare against when the e-mail is unknown, so a wrong e-mail takes as long
# as a wrong password (no account enumeration through timing).
_DUMMY_HASH = bcrypt.hashpw(b"not-a-password", bcrypt.gensalt(rounds=settings.bcrypt_rounds))


class AuthError(Exception):
    """A sign-up, log-in or token problem; `str()` is safe to show to the user."""

    code = "auth_error"


class InvalidInput(AuthError):
    code = "invalid_input"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class EmailTaken(AuthError):
    code = "email_taken"


class InvalidCredentials(AuthError):
    code = "invalid_credentials"


class InvalidToken(AuthError):
    code = "invalid_token"


class NotPermitted(AuthError):
    code = "forbidden"


class RateLimited(AuthError):
    """Too many log-in or sign-up attempts; `retry_after` is whole seconds to wait."""

    code = "rate_limited"

    def __init__(self, wait: float) -> None:
        self.retry_after = max(1, math.ceil(wait))
        super().__init__(f"Too many attempts, try again in {self.retry_after} s.")


@dataclass(frozen=True)
class Identity:
    """Who a verified token speaks for (`version`: the token version it was issued under)."""

    user_id: int
    role: str
    version: int = 0

    def has_role(self, *roles: str) -> bool:
        return self.role in roles or self.role == Role.ADMIN


# --- passwords -----------------------------------------------------------------------------


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def check_password_rules(password: str, email: str = "") -> None:
    """Length, then guessability; each refusal says why."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", "Password must be at least 8 characters.")
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise InvalidInput("password", "Password must be at most 72 bytes.")
    lowered = password.strip().lower()
    email = email.strip().lower()
    if email and lowered in (email, email.split("@")[0]):
        raise InvalidInput("password", "Password must not be your e-mail address.")
    if lowered in common_passwords():
        raise InvalidInput(
            "password",
            "This password is one of the most common ones and is guessed first; "
            "please choose another.",
        )


def hash_password(password: str, email: str = "") -> str:
    check_password_rules(password, email)
    salt = bcrypt.gensalt(rounds=settings.bcrypt_rounds)
    return bcrypt.hashpw(password.encode(), salt).decode()


def verify_password(password: str, password_hash: str) -> bool:
    encoded = password.encode()
    if len(encoded) > MAX_PASSWORD_BYTES:
        return False
    try:
        return bcrypt.checkpw(encoded, password_hash.encode())
    except ValueError:
        return False


# --- tokens --------------------------------------------------------------------------------


def issue_token(
    user_id: int,
    role: str,
    *,
    version: int = 0,
    now: datetime | None = None,
    minutes: int | None = None,
) -> str:
    now = now or datetime.now(UTC)
    lifetime = timedelta(minutes=minutes if minutes is not None else settings.token_minutes)
    claims = {
        "sub": str(user_id),
        "role": role,
        "ver": version,
        "iat": now,
        "exp": now + lifetime,
    }
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM)


def token_for(user: User) -> str:
    return issue_token(user.id, user.role, version=user.token_version)


def verify_token(token: str, *, key: str | None = None) -> Identity:
    """The identity a token speaks for, if its signature, claims and expiry are good.

    A token verified once is remembered (by its exact text and the key) until it expires:
    decoding and checking the signature was ~5 % of the server's CPU per booking, and the same
    bytes always verify the same way. Expiry is checked on every use; revocation is the
    caller's check against the user's token version (`actor_from_token`).
    """
    secret = key or settings.secret_key
    known = _VERIFIED.get((token, secret))
    if known is not None and known[1] > time.time():
        return known[0]
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"require": ["sub", "role", "ver", "exp", "iat"]},
        )
        role = claims["role"]
        if role not in Role.ALL:
            raise InvalidToken("Unknown role in token.")
        identity = Identity(user_id=int(claims["sub"]), role=role, version=int(claims["ver"]))
        expires = float(claims["exp"])
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise InvalidToken("Invalid or expired token.") from exc
    if len(_VERIFIED) >= _VERIFIED_MAX:
        _VERIFIED.clear()  # bounded: a flood of distinct tokens costs a re-verify, not memory
    _VERIFIED[(token, secret)] = (identity, expires)
    return identity


# (token, key) -> (identity, expiry as a Unix time); see verify_token.
_VERIFIED: dict[tuple[str, str], tuple[Identity, float]] = {}
_VERIFIED_MAX = 50_000


# --- accounts ------------------------------------------------------------------------------


def normalize_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidInput("email", "Please enter a valid e-mail address.") from exc


def clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("name", "Please enter your name.")
    if len(name) > 120:
        raise InvalidInput("name", "Name must be at most 120 characters.")
    return name


def _throttle(limiter: RateLimiter | None, keys: list[str], limit: int, window: float) -> None:
    limiter = limiter or default_rate_limiter()
    for key in keys:
        wait = limiter.hit(key, limit=limit, window=window)
        if wait:
            raise RateLimited(wait)


def sign_up(
    name: str,
    email: str,
    password: str,
    *,
    client_ip: str | None,
    role: str = Role.CUSTOMER,
    db: Engine | None = None,
    limiter: RateLimiter | None = None,
) -> User:
    """Create an account; raises InvalidInput, EmailTaken or RateLimited and then writes nothing.

    At most SIGNUPS_PER_HOUR new accounts per client address, whichever door they come by;
    `client_ip=None` is for the operator's own tools (demo data), which no client reaches.
    """
    name = clean_name(name)
    email = normalize_email(email)
    if role not in Role.ALL:
        raise InvalidInput("role", "Unknown role.")
    check_password_rules(password, email)
    if client_ip is not None:
        _throttle(limiter, [f"signup:ip:{client_ip}"], SIGNUPS_PER_HOUR, SIGNUP_WINDOW_SECONDS)
    password_hash = hash_password(password, email)
    user = User(name=name, email=email, password_hash=password_hash, role=role)
    try:
        with session_scope(db) as session:
            session.add(user)
            session.flush()
    except IntegrityError as exc:
        raise EmailTaken("An account with this e-mail already exists.") from exc
    return user


def invite_door_staff(
    actor: Actor,
    name: str,
    email: str,
    password: str,
    *,
    db: Engine | None = None,
) -> User:
    """An organizer lets someone check tickets in for their events, and do nothing else.

    A new e-mail gets a door-staff account (role `door`) with the password the organizer
    chose and hands over; an existing door-staff account is simply granted this organizer's
    doors too (its password is left alone). Any other account is refused: a customer's or
    organizer's account must not quietly turn into door staff, nor door staff into more.
    """
    require_organizer(actor)
    name = clean_name(name)
    email = normalize_email(email)
    existing = find_user_by_email(email, db=db)
    if existing is not None and existing.role != Role.DOOR:
        raise EmailTaken(
            "This e-mail belongs to a customer or organizer account; "
            "door staff need an account of their own."
        )
    password_hash = None if existing else hash_password(password, email)
    try:
        with session_scope(db) as session:
            user = existing
            if user is None:
                user = User(name=name, email=email, password_hash=password_hash, role=Role.DOOR)
                session.add(user)
                session.flush()
            grant_in(session, actor.id, user.id, datetime.now(UTC))
    except IntegrityError as exc:  # the same e-mail signed up meanwhile
        raise EmailTaken("An account with this e-mail already exists.") from exc
    return user


def find_user_by_email(email: str, *, db: Engine | None = None) -> User | None:
    with session_scope(db) as session:
        return session.exec(
            select(User).where(func.lower(User.email) == email.strip().lower())
        ).first()


def log_in(
    email: str,
    password: str,
    *,
    client_ip: str,
    db: Engine | None = None,
    limiter: RateLimiter | None = None,
) -> tuple[User, str]:
    """Check credentials; one generic error for every failure (no account enumeration).

    At most LOGIN_ATTEMPTS_PER_MINUTE attempts per client address and per e-mail address,
    counted before the password is looked at, whichever door they come by.
    """
    _throttle(
        limiter,
        [f"login:ip:{client_ip}", f"login:email:{email.strip().lower()}"],
        LOGIN_ATTEMPTS_PER_MINUTE,
        LOGIN_WINDOW_SECONDS,
    )
    user = find_user_by_email(email, db=db) if email and password else None
    if user is None:
        verify_password(password or "x", _DUMMY_HASH.decode())
        raise InvalidCredentials(INVALID_LOGIN)
    if not verify_password(password, user.password_hash):
        raise InvalidCredentials(INVALID_LOGIN)
    if user.disabled:
        raise InvalidCredentials("This account has been disabled.")
    return user, token_for(user)


def get_user(user_id: int, *, db: Engine | None = None) -> User | None:
    with session_scope(db) as session:
        return session.get(User, user_id)


_USERS = User.__table__
# Built once with a bind parameter: the caller is identified on every request.
_ACTOR_BY_ID = core_select(
    _USERS.c.id,
    _USERS.c.role,
    _USERS.c.name,
    _USERS.c.email,
    _USERS.c.token_version,
    _USERS.c.disabled,
).where(_USERS.c.id == bindparam("p_user_id"))


def cached_actor(token: str, *, db: Engine | None = None) -> Actor | None:
    """The token's verified caller without touching the database, or None when the cache
    cannot answer (not following changes, never seen, or another database than the app's).

    Raises InvalidToken for a token that is bad in itself (signature, expiry, claims)."""
    identity = verify_token(token)
    return actors_of(db or get_engine()).get(identity.user_id, identity.version)


def actor_from_token(token: str, *, db: Engine | None = None) -> Actor:
    """Verify a token and identify its user: one statement at most (the hot path's budget),
    none when the per-process cache knows the user (see ticketapp/auth_cache.py).

    A deleted or disabled user's token, and any token older than the user's token version,
    is as bad as a forged one; the role comes from the database, not from the token.
    """
    identity = verify_token(token)
    engine = db or get_engine()
    actors = actors_of(engine)
    if (actor := actors.get(identity.user_id, identity.version)) is not None:
        return actor
    generation = actors.generation
    # Autocommit: a single read needs no BEGIN/ROLLBACK round trips around it.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        row = conn.execute(_ACTOR_BY_ID, {"p_user_id": identity.user_id}).first()
    if row is None or row.disabled or row.token_version != identity.version:
        raise InvalidToken("Invalid or expired token.")
    actor = Actor(id=row.id, role=row.role, name=row.name, email=row.email)
    actors.put(identity.user_id, identity.version, actor, generation)
    return actor


def update_name(user_id: int, name: str, *, db: Engine | None = None) -> User:
    name = clean_name(name)
    with session_scope(db) as session:
        user = session.get(User, user_id)
        if user is None:
            raise InvalidToken("Unknown user.")
        user.name = name
        session.add(user)
    actors_of(db or get_engine()).forget(user_id)  # after the commit (see auth_cache)
    return user


def change_password(user_id: int, current: str, new: str, *, db: Engine | None = None) -> str:
    """Set a new password; every earlier token stops working. Returns a fresh token for the
    caller, so the session that changed the password goes on."""
    with session_scope(db) as session:
        user = session.get(User, user_id)
        if user is None or not verify_password(current, user.password_hash):
            raise InvalidCredentials("Current password is wrong.")
        user.password_hash = hash_password(new, user.email)
        user.token_version += 1
        session.add(user)
        session.flush()
        token = token_for(user)
    actors_of(db or get_engine()).forget(user_id)
    return token


def log_out_everywhere(user_id: int, *, db: Engine | None = None) -> None:
    """End every token of this user, on every device (the caller's included)."""
    _bump_token_version(user_id, db=db)


def set_disabled(actor: Actor, user_id: int, disabled: bool, *, db: Engine | None = None) -> None:
    """An admin disables (or re-enables) an account; disabling ends its sessions at once."""
    if not actor.is_admin:
        raise NotPermitted("Only an admin can disable accounts.")
    if actor.id == user_id:
        raise InvalidInput("user_id", "You cannot disable your own account.")
    _bump_token_version(user_id, disabled=disabled, db=db)


def _bump_token_version(user_id: int, *, db: Engine | None = None, **values: object) -> None:
    with session_scope(db) as session:
        changed = session.exec(
            update(User)
            .where(User.id == user_id)
            .values(token_version=User.token_version + 1, **values)
            .returning(User.id)
        ).first()
        if changed is None:
            raise InvalidInput("user_id", "No such user.")
    actors_of(db or get_engine()).forget(user_id)  # this process now; others by NOTIFY
