"""Dependencies as named types, so a route's signature says what it needs.

Those that do no I/O are `async def`: FastAPI runs them on the event loop instead of sending
each through the thread pool (the sync routes still run in threads, and so does the token
check when it has to read the caller's row).

`Db` is the engine the route works on: `ticketapp.db.get_engine()` in production, replaced in
tests with `app.dependency_overrides[get_db]`. `Now` is the request's clock, also overridable,
so expiry can be tested without sleeping. `CurrentUser` is the `Actor` (id, role, name,
e-mail) behind the bearer token, read in one statement (none while the process's cache of
callers follows the database's changes, see ticketapp/auth_cache.py): a deleted or disabled
user's token, or one older than the user's token version (password changed, logged out
everywhere), stops working at once, and the role comes from the database, not from a token that
may predate a role change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Header, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from ticketapp import auth
from ticketapp.api.errors import ApiError
from ticketapp.api.schemas import MAX_ID
from ticketapp.booking.access import Actor
from ticketapp.db import get_engine
from ticketapp.models import utcnow
from ticketapp.ratelimit import RateLimiter, default_rate_limiter

_bearer = HTTPBearer(auto_error=False, description="The token from POST /api/v1/auth/login.")


async def get_db() -> Engine:
    return get_engine()


async def get_now() -> datetime:
    return utcnow()


async def get_rate_limiter() -> RateLimiter:
    return default_rate_limiter()


Db = Annotated[Engine, Depends(get_db)]
Now = Annotated[datetime, Depends(get_now)]
Limiter = Annotated[RateLimiter, Depends(get_rate_limiter)]


async def get_current_user(
    db: Db,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError("not_authenticated", "Log in first: send 'Authorization: Bearer <token>'.")
    # A caller this process already knows costs no statement and no thread hop.
    actor = auth.cached_actor(credentials.credentials, db=db)
    if actor is not None:
        return actor
    return await run_in_threadpool(auth.actor_from_token, credentials.credentials, db=db)


CurrentUser = Annotated[Actor, Depends(get_current_user)]


async def get_optional_user(
    db: Db,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor | None:
    """For public pages that show more to their owner; a bad token is still a 401."""
    if credentials is None:
        return None
    return await get_current_user(db, credentials)


OptionalUser = Annotated[Actor | None, Depends(get_optional_user)]

# For routes that take an OptionalUser: OpenAPI's way to say "a bearer token, or none at all"
# (FastAPI appends this to the bearer requirement the dependency declares).
OPTIONAL_AUTH: dict[str, Any] = {"security": [{}]}


async def get_organizer_user(user: CurrentUser) -> Actor:
    if not user.is_organizer:
        raise ApiError("forbidden", "This needs an organizer account.")
    return user


OrganizerUser = Annotated[Actor, Depends(get_organizer_user)]


async def get_admin_user(user: CurrentUser) -> Actor:
    if not user.is_admin:
        raise ApiError("forbidden", "This needs an admin account.")
    return user


AdminUser = Annotated[Actor, Depends(get_admin_user)]


async def client_ip(request: Request) -> str:
    """The peer address; a proxy in front must be trusted explicitly (not done here)."""
    return request.client.host if request.client else "unknown"


ClientIp = Annotated[str, Depends(client_ip)]

# The waiting room's pass (api/routes/queue.py), for every request that holds seats.
QueuePass = Annotated[
    str | None,
    Header(
        alias="Queue-Pass",
        max_length=200,
        description="While the show's waiting room is on: your pass from GET /shows/{id}/queue.",
    ),
]

EventId = Annotated[int, Path(ge=1, le=MAX_ID, description="Event id.")]
ShowId = Annotated[int, Path(ge=1, le=MAX_ID, description="Show id.")]
HoldId = Annotated[int, Path(ge=1, le=MAX_ID, description="Hold id.")]
BookingId = Annotated[int, Path(ge=1, le=MAX_ID, description="Booking id.")]
