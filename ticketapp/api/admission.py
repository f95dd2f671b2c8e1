"""Admission control: each worker bounds the API requests it has in flight.

Overload is answered, not queued. A request beyond the bound gets 503 + Retry-After at once
(in the API's error body), instead of waiting behind hundreds of others until every client
times out and retries, which is how a burst used to freeze a worker for many seconds.

Only work that costs a thread and a database connection is bounded: the REST API and Reflex's
upload route. Liveness and readiness (/ping, /_health, /api/v1/health/...) must answer during a
burst so that a load balancer does not take a busy but healthy worker out; the seat-map
websocket (/_event) is one long-lived connection per browser, not a request; static assets are
files. None of those is counted.

The counter needs no lock: a worker serves every request from one event loop.
"""

from __future__ import annotations

import logging

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from ticketapp.api.errors import error_body

log = logging.getLogger(__name__)

BOUNDED_PREFIXES = ("/api/", "/_upload")
UNBOUNDED_PREFIXES = ("/api/v1/health/",)
RETRY_AFTER_SECONDS = 1


def is_bounded(path: str) -> bool:
    return path.startswith(BOUNDED_PREFIXES) and not path.startswith(UNBOUNDED_PREFIXES)


class AdmissionControl:
    """ASGI middleware: at most `limit` bounded requests of this worker run at once."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.in_flight = 0
        self._refused = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_bounded(scope["path"]):
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            await self._refuse(scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        self._refused += 1
        if self._refused % 100 == 1:  # one line per hundred refusals keeps a rush readable
            log.warning(
                "overloaded: %d requests in flight, refused %d so far", self.limit, self._refused
            )
        response = JSONResponse(
            error_body("overloaded", "The service is busy right now; please retry."),
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
        await response(scope, receive, send)
