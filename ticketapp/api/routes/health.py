"""Liveness and readiness for load balancers and supervisors.

`/api/v1/health/live` (like Reflex's `/ping`) does no I/O: the worker's event loop answers, so
a busy worker is not mistaken for a dead one. `/api/v1/health/ready` also asks the database:
without PostgreSQL nothing can be sold, so a load balancer should send customers elsewhere.
Redis is reported but does not decide readiness: it is an accelerator (the rate limiter falls
back per process), and failing every instance because of it would turn a degraded service
into an outage. Neither is subject to admission control (see `ticketapp.api.admission`).
"""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ticketapp.api.deps import Db, Limiter
from ticketapp.api.errors import error_body

log = logging.getLogger(__name__)

router = APIRouter(prefix="/health", tags=["health"])


@router.get("/live")
async def live() -> dict[str, str]:
    """The worker is running; no dependency is checked."""
    return {"status": "ok"}


@router.get("/ready", response_model=None)
def ready(db: Db, limiter: Limiter) -> dict[str, str] | JSONResponse:
    """The worker can serve bookings: the database answers (Redis is reported only)."""
    redis = limiter.backend_status()
    try:
        with db.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        log.warning("not ready: database unavailable (%s)", type(exc).__name__)
        return JSONResponse(
            error_body(
                "not_ready",
                "The database is unavailable; retry shortly.",
                checks={"database": "unavailable", "redis": redis},
            ),
            status_code=503,
            headers={"Retry-After": "1"},
        )
    return {"status": "ready", "database": "ok", "redis": redis}
