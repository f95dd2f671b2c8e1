"""The one map from typed errors to HTTP answers, and the one error body shape.

Every error the API sends looks like `{"error": {"code": ..., "message": ...}}`, plus `seats`
and `labels` for a seat conflict, `field` when one input is to blame and `details` for request
validation. The engine (`ticketapp.booking.errors`) and `ticketapp.auth` raise typed errors with
a stable `code`; this module only decides which HTTP status each code deserves, so the status
of an error is decided in exactly one place and the routes never catch-and-translate by hand.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from ticketapp.auth import AuthError, InvalidInput
from ticketapp.booking import BookingError, InvalidRequest, QueuePassRequired, SeatsUnavailable
from ticketapp.routes import show_url

log = logging.getLogger(__name__)

API_PREFIX = "/api"

STATUS_BY_CODE: dict[str, int] = {
    # ticketapp.booking.errors
    "invalid_request": 422,
    "not_found": 404,
    "not_allowed": 403,
    "queue_pass_required": 403,
    "sales_closed": 409,
    "seats_unavailable": 409,
    "not_enough_seats": 409,
    "hold_expired": 410,
    "hold_limit_exceeded": 409,
    "promo_code_refused": 422,
    "ticket_type_sold_out": 409,
    "conflict": 409,
    "temporarily_unavailable": 503,
    "outcome_unknown": 503,
    "booking_error": 400,
    # ticketapp.auth
    "invalid_input": 422,
    "email_taken": 409,
    "invalid_credentials": 401,
    "invalid_token": 401,
    "auth_error": 401,
    # the API's own
    "not_authenticated": 401,
    "forbidden": 403,
    "method_not_allowed": 405,
    "rate_limited": 429,
    "idempotency_key_reused": 422,
    "overloaded": 503,
    "not_ready": 503,
    "internal_error": 500,
}

# Codes for the statuses Starlette raises itself (unknown route, wrong method, ...).
CODE_BY_STATUS: dict[int, str] = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
}


class ApiError(Exception):
    """An error the API itself decides (no token, wrong role, rate limit, idempotency)."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.extra = extra

    @property
    def status_code(self) -> int:
        return STATUS_BY_CODE[self.code]


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def status_for(exc: BookingError | AuthError) -> int:
    return STATUS_BY_CODE.get(exc.code, 400)


def describe(exc: BookingError | AuthError) -> tuple[int, dict[str, Any]]:
    """Status and body for an engine or auth error; idempotent replays store exactly this."""
    extra: dict[str, Any] = {}
    if isinstance(exc, SeatsUnavailable):
        extra = {"seats": exc.seat_ids, "labels": exc.labels}
    elif isinstance(exc, QueuePassRequired):  # where to queue: over the API, and in a browser
        extra = {
            "queue_url": f"{API_PREFIX}/v1/shows/{exc.show_id}/queue",
            "queue_page": show_url(exc.show_id),
        }
    elif isinstance(exc, InvalidRequest | InvalidInput) and exc.field:
        extra = {"field": exc.field}
    return status_for(exc), error_body(exc.code, str(exc), **extra)


def _headers_for(status: int, headers: dict[str, str] | None = None) -> dict[str, str]:
    headers = dict(headers or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    elif status == 503:
        headers.setdefault("Retry-After", "1")
    return headers


def _domain_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BookingError | AuthError)
    status, body = describe(exc)
    retry_after = getattr(exc, "retry_after", None)  # auth.RateLimited
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    return JSONResponse(body, status_code=status, headers=_headers_for(status, headers))


def _api_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    status = exc.status_code
    return JSONResponse(
        error_body(exc.code, exc.message, **exc.extra),
        status_code=status,
        headers=_headers_for(status, exc.headers),
    )


def _validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    details = [
        {
            "loc": [str(part) for part in err.get("loc", ())],
            "message": err.get("msg", ""),
            "type": err.get("type", ""),
        }
        for err in exc.errors()
    ]
    first = details[0] if details else {"loc": [], "message": "Invalid request."}
    where = ".".join(p for p in first["loc"] if p not in ("body", "query", "path", "header"))
    message = f"{where}: {first['message']}" if where else first["message"]
    return JSONResponse(
        jsonable_encoder(error_body("invalid_request", message, details=details)),
        status_code=422,
    )


def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:
        # FastAPI's answer to a body that is not JSON at all: invalid input like any other.
        return JSONResponse(
            error_body("invalid_request", "The request body is not valid JSON."),
            status_code=422,
        )
    code = CODE_BY_STATUS.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else "Request failed."
    return JSONResponse(
        error_body(code, message),
        status_code=exc.status_code,
        headers=_headers_for(exc.status_code, dict(exc.headers or {})),
    )


def _database_unavailable(request: Request, exc: Exception) -> Response:
    # The engine turns its own database failures into TemporarilyUnavailable; this catches the
    # rest (token check, idempotency records) when PostgreSQL refuses connections or the pool
    # is exhausted: the client should retry, nothing is wrong with its request.
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
    return JSONResponse(
        error_body("temporarily_unavailable", "The service is busy right now; please retry."),
        status_code=503,
        headers={"Retry-After": "1"},
    )


def _unexpected_error(request: Request, exc: Exception) -> Response:
    # Reflex is mounted inside this app: only our own paths get the JSON envelope.
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if request.url.path.startswith(API_PREFIX):
        return JSONResponse(
            error_body("internal_error", "Something went wrong on our side."), status_code=500
        )
    return PlainTextResponse("Internal Server Error", status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(BookingError, _domain_error)
    app.add_exception_handler(AuthError, _domain_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(InterfaceError, _database_unavailable)
    app.add_exception_handler(PoolTimeout, _database_unavailable)
    app.add_exception_handler(Exception, _unexpected_error)
