"""Accounts: sign up, log in (a bearer token), and the logged-in user's own profile.

Every rule (e-mail normalization, password length, bcrypt, token lifetime) is `ticketapp.auth`;
this module adds only the log-in rate limit, which is about HTTP clients, not accounts.
"""

from __future__ import annotations

from fastapi import APIRouter, status

from ticketapp import auth
from ticketapp.api.deps import ClientIp, CurrentUser, Db, Limiter
from ticketapp.api.errors import ApiError
from ticketapp.ratelimit import (
    LOGIN_ATTEMPTS_PER_MINUTE,
    LOGIN_WINDOW_SECONDS,
    retry_after_header,
)
from ticketapp.api.schemas import (
    LogInIn,
    PasswordChangeIn,
    ProfileIn,
    SignUpIn,
    TokenOut,
    UserOut,
)
from ticketapp.models import User
from ticketapp.settings import settings

router = APIRouter(prefix="/auth", tags=["auth"])


def _token_for(user: User, token: str) -> TokenOut:
    return TokenOut(
        access_token=token,
        expires_in=settings.token_minutes * 60,
        user=UserOut.model_validate(user),
    )


@router.post("/signup", status_code=status.HTTP_201_CREATED)
def sign_up(body: SignUpIn, db: Db) -> TokenOut:
    """Create an account (customer or organizer) and log it in."""
    user = auth.sign_up(body.name, body.email, body.password, role=body.role, db=db)
    return _token_for(user, auth.issue_token(user.id, user.role))


@router.post("/login")
def log_in(body: LogInIn, db: Db, limiter: Limiter, ip: ClientIp) -> TokenOut:
    """Exchange e-mail and password for a bearer token; 10 attempts a minute per IP and e-mail."""
    email_key = body.email.strip().lower()
    for key in (f"login:ip:{ip}", f"login:email:{email_key}"):
        wait = limiter.hit(key, limit=LOGIN_ATTEMPTS_PER_MINUTE, window=LOGIN_WINDOW_SECONDS)
        if wait:
            raise ApiError(
                "rate_limited",
                "Too many log-in attempts; please wait a minute.",
                headers=retry_after_header(wait),
            )
    user, token = auth.log_in(body.email, body.password, db=db)
    return _token_for(user, token)


@router.get("/me")
def me(user: CurrentUser) -> UserOut:
    return UserOut.model_validate(user)


@router.patch("/me")
def update_profile(body: ProfileIn, user: CurrentUser, db: Db) -> UserOut:
    return UserOut.model_validate(auth.update_name(user.id, body.name, db=db))


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT)
def change_password(body: PasswordChangeIn, user: CurrentUser, db: Db) -> None:
    """Set a new password; the current one must be given again."""
    auth.change_password(user.id, body.current_password, body.new_password, db=db)
