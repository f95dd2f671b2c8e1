"""Passwords, tokens and roles — no Reflex, no FastAPI.

Passwords are bcrypt hashes (cost from settings, >= 12 in production). Access tokens are JWT
HS256 with `sub` (user id), `role`, `iat` and `exp`; verification pins the algorithm, so
`alg: none` and any other algorithm are rejected, as are tampered, expired and foreign-key
tokens. Sign-up and log-in live here too so the UI and the API share one set of rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import bcrypt
import jwt
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from ticketapp.db import session_scope
from ticketapp.models import Role, User
from ticketapp.settings import settings

ALGORITHM = "HS256"
MIN_PASSWORD_LENGTH = 8
# bcrypt only looks at the first 72 bytes; refusing longer input beats silently ignoring it.
MAX_PASSWORD_BYTES = 72
INVALID_LOGIN = "Invalid e-mail or password."

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


@dataclass(frozen=True)
class Identity:
    """Who a verified token speaks for."""

    user_id: int
    role: str

    def has_role(self, *roles: str) -> bool:
        return self.role in roles or self.role == Role.ADMIN


# --- passwords -----------------------------------------------------------------------------


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", "Password must be at least 8 characters.")
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise InvalidInput("password", "Password must be at most 72 bytes.")


def hash_password(password: str) -> str:
    check_password_rules(password)
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
    user_id: int, role: str, *, now: datetime | None = None, minutes: int | None = None
) -> str:
    now = now or datetime.now(UTC)
    lifetime = timedelta(minutes=minutes if minutes is not None else settings.token_minutes)
    claims = {"sub": str(user_id), "role": role, "iat": now, "exp": now + lifetime}
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM)


def verify_token(token: str, *, key: str | None = None) -> Identity:
    try:
        claims = jwt.decode(
            token,
            key or settings.secret_key,
            algorithms=[ALGORITHM],
            options={"require": ["sub", "role", "exp", "iat"]},
        )
        role = claims["role"]
        if role not in Role.ALL:
            raise InvalidToken("Unknown role in token.")
        return Identity(user_id=int(claims["sub"]), role=role)
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise InvalidToken("Invalid or expired token.") from exc


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


def sign_up(
    name: str, email: str, password: str, *, role: str = Role.CUSTOMER, db: Engine | None = None
) -> User:
    """Create an account; raises InvalidInput or EmailTaken and then writes nothing."""
    name = clean_name(name)
    email = normalize_email(email)
    password_hash = hash_password(password)
    if role not in Role.ALL:
        raise InvalidInput("role", "Unknown role.")
    user = User(name=name, email=email, password_hash=password_hash, role=role)
    try:
        with session_scope(db) as session:
            session.add(user)
            session.flush()
    except IntegrityError as exc:
        raise EmailTaken("An account with this e-mail already exists.") from exc
    return user


def find_user_by_email(email: str, *, db: Engine | None = None) -> User | None:
    with session_scope(db) as session:
        return session.exec(
            select(User).where(func.lower(User.email) == email.strip().lower())
        ).first()


def log_in(email: str, password: str, *, db: Engine | None = None) -> tuple[User, str]:
    """Check credentials; one generic error for every failure (no account enumeration)."""
    user = find_user_by_email(email, db=db) if email and password else None
    if user is None:
        verify_password(password or "x", _DUMMY_HASH.decode())
        raise InvalidCredentials(INVALID_LOGIN)
    if not verify_password(password, user.password_hash):
        raise InvalidCredentials(INVALID_LOGIN)
    return user, issue_token(user.id, user.role)


def get_user(user_id: int, *, db: Engine | None = None) -> User | None:
    with session_scope(db) as session:
        return session.get(User, user_id)


def user_from_token(token: str, *, db: Engine | None = None) -> User:
    """Verify a token and load its user; a deleted user's token is as bad as a forged one."""
    identity = verify_token(token)
    user = get_user(identity.user_id, db=db)
    if user is None:
        raise InvalidToken("Invalid or expired token.")
    return user


def update_name(user_id: int, name: str, *, db: Engine | None = None) -> User:
    name = clean_name(name)
    with session_scope(db) as session:
        user = session.get(User, user_id)
        if user is None:
            raise InvalidToken("Unknown user.")
        user.name = name
        session.add(user)
        return user


def change_password(user_id: int, current: str, new: str, *, db: Engine | None = None) -> None:
    check_password_rules(new)
    with session_scope(db) as session:
        user = session.get(User, user_id)
        if user is None or not verify_password(current, user.password_hash):
            raise InvalidCredentials("Current password is wrong.")
        user.password_hash = hash_password(new)
        session.add(user)
