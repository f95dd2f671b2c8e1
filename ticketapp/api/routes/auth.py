"""Accounts: sign up, log in (a bearer token), the logged-in user's own profile and sessions,
and an admin disabling an account.

Every rule (e-mail normalization, password policy, bcrypt, token lifetime and version, the
log-in and sign-up rate limits) is `ticketapp.auth`; this module only passes the client's
address along and translates.
"""

from __future__ import annotations

from fastapi import APIRouter, status

from ticketapp import auth
from ticketapp.api.deps import AdminUser, ClientIp, CurrentUser, Db, Limiter
from ticketapp.api.errors import ApiError
from ticketapp.api.schemas import (
    MAX_ID,
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
def sign_up(body: SignUpIn, db: Db, limiter: Limiter, ip: ClientIp) -> TokenOut:
    """Create an account (customer or organizer) and log it in; 5 accounts an hour per IP."""
    user = auth.sign_up(
        body.name, body.email, body.password, role=body.role, client_ip=ip, db=db, limiter=limiter
    )
    return _token_for(user, auth.token_for(user))


@router.post("/login")
def log_in(body: LogInIn, db: Db, limiter: Limiter, ip: ClientIp) -> TokenOut:
    """Exchange e-mail and password for a bearer token; 10 attempts a minute per IP and e-mail."""
    user, token = auth.log_in(body.email, body.password, client_ip=ip, db=db, limiter=limiter)
    return _token_for(user, token)


@router.get("/me")
def me(user: CurrentUser, db: Db) -> UserOut:
    full = auth.get_user(user.id, db=db)
    if full is None:
        raise ApiError("not_authenticated", "Log in first.")
    return UserOut.model_validate(full)


@router.patch("/me")
def update_profile(body: ProfileIn, user: CurrentUser, db: Db) -> UserOut:
    return UserOut.model_validate(auth.update_name(user.id, body.name, db=db))


@router.post("/password")
def change_password(body: PasswordChangeIn, user: CurrentUser, db: Db) -> TokenOut:
    """Set a new password; the current one must be given again. Every earlier token stops
    working; the answer carries a fresh one for this client."""
    token = auth.change_password(user.id, body.current_password, body.new_password, db=db)
    return _token_for(auth.get_user(user.id, db=db), token)


@router.post("/logout-everywhere", status_code=status.HTTP_204_NO_CONTENT)
def log_out_everywhere(user: CurrentUser, db: Db) -> None:
    """End every token of this account, this one included."""
    auth.log_out_everywhere(user.id, db=db)


@router.post("/users/{user_id:int}/disable", status_code=status.HTTP_204_NO_CONTENT)
def disable_user(user_id: int, admin: AdminUser, db: Db) -> None:
    """Admins only: disable an account; its tokens stop working at once and it cannot log in."""
    if not 1 <= user_id <= MAX_ID:
        raise ApiError("not_found", "No such user.")
    auth.set_disabled(admin, user_id, True, db=db)


@router.post("/users/{user_id:int}/enable", status_code=status.HTTP_204_NO_CONTENT)
def enable_user(user_id: int, admin: AdminUser, db: Db) -> None:
    """Admins only: let a disabled account log in again (its old tokens stay ended)."""
    if not 1 <= user_id <= MAX_ID:
        raise ApiError("not_found", "No such user.")
    auth.set_disabled(admin, user_id, False, db=db)
