"""The REST API: a FastAPI app that the Reflex app mounts itself into.

`rx.App(api_transformer=app)` mounts Reflex at "" inside this app, so our routes match first
and everything else falls through to Reflex. All of ours live under /api: the v1 resources,
the interactive docs (/api/docs) and the schema (/api/openapi.json). An unknown path under
/api gets our JSON 404 (or 405) instead of falling through to Reflex's frontend.

Security (ticketapp/api/security.py): one middleware sets the security headers and bounds
request bodies for the API and for Reflex alike; CORS admits only CORS_ORIGINS. The docs page
loads swagger-ui 5 from the pinned `fastapi-offline` package (its static files only), served
from here (no CDN on the origin that holds the tokens), and is off in production unless
API_DOCS=1.

The app can also run alone (`granian --interface asgi ticketapp.api:app`), which is how the
tests and `bench.api` use it.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.routing import Match, Mount

from ticketapp.api.admission import AdmissionControl
from ticketapp.api.errors import ApiError, install_error_handlers
from ticketapp.api.routes import (
    auth,
    bookings,
    door,
    events,
    health,
    holds,
    organizer,
    pricing,
    queue,
    seat_layout,
    shows,
    waiting_list,
)
from ticketapp.api.schemas import ErrorResponse
from ticketapp.api.security import SecurityMiddleware
from ticketapp.settings import settings

API_V1 = "/api/v1"

_ERRORS = {
    status: {"model": ErrorResponse, "description": description}
    for status, description in {
        401: "Missing, invalid or expired bearer token.",
        403: "Wrong role, or someone else's resource; `queue_pass_required` (with `queue_url`): "
        "the show's waiting room is on and the request has no valid Queue-Pass.",
        404: "No such resource.",
        409: "Conflict: seats taken (listed in `seats`), limits, state.",
        410: "The hold has expired.",
        422: "Invalid input.",
        429: "Too many requests; see Retry-After.",
        503: "Busy or database unavailable; nothing was done, retry after Retry-After.",
    }.items()
}

api_router = APIRouter(responses=_ERRORS)
# The hot routes first: a request is matched against the routes in order, and holding and
# booking are what an on-sale rush calls (their prefixes overlap no other router's).
api_router.include_router(holds.router)
api_router.include_router(bookings.router)
api_router.include_router(auth.router)
api_router.include_router(events.router)
api_router.include_router(shows.router)
api_router.include_router(seat_layout.router)
api_router.include_router(organizer.router)
api_router.include_router(door.router)
api_router.include_router(waiting_list.router)
api_router.include_router(pricing.router)
api_router.include_router(queue.router)
api_router.include_router(health.router)

app = FastAPI(
    title="ticketapp API",
    version="1.0.0",
    description=(
        "Browse events, hold seats, confirm bookings; organizers manage events, shows, "
        "sales and check-in. Log in with `POST /api/v1/auth/login` and send the token as "
        '`Authorization: Bearer <token>`. Every error is `{"error": {"code", "message"}}`.'
    ),
    docs_url=None,
    redoc_url=None,
    openapi_url="/api/openapi.json",
    # No OpenTelemetry here: FastAPI's native integration otherwise looks up the global
    # providers (environment variables included) on every request.
    telemetry={"tracing": False, "metrics": False, "logs": False},
)
app.include_router(api_router, prefix=API_V1)
install_error_handlers(app)
# Outermost last: the security headers go on every answer (admission's 503s included);
# admission control turns work away before CORS or a route spends anything on it.
app.add_middleware(
    CORSMiddleware,
    allow_origins=list(settings.cors_origins),
    allow_credentials=False,  # bearer tokens, not cookies: never needs credentials
    allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
    allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "Queue-Pass"],
)
# Around every route, Reflex's own included (it is mounted inside this app); see admission.py.
app.add_middleware(AdmissionControl, limit=settings.max_requests_in_flight)
app.add_middleware(SecurityMiddleware)

DOCS_ASSETS = "/api/docs-assets"
SWAGGER_UI_FILES = Path(fastapi_offline.__file__).parent / "static"

if settings.api_docs:
    app.mount(
        DOCS_ASSETS,
        StaticFiles(directory=SWAGGER_UI_FILES),
        name="docs-assets",
    )

    @app.get("/api/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/api/openapi.json",
            title="ticketapp API",
            oauth2_redirect_url="/api/docs/oauth2-redirect",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon.png",
        )

    @app.get("/api/docs/oauth2-redirect", include_in_schema=False)
    def api_docs_oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


@app.api_route(
    "/api/{path:path}",
    methods=list(_METHODS),
    include_in_schema=False,
)
def unknown_api_path(request: Request, path: str) -> None:
    """Our own 404/405 for /api paths no route took, before Reflex's catch-all can."""
    this = request.scope.get("route")
    allowed = [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL
            for route in request.app.router.routes
            # Reflex is mounted at "" and takes every method: only our own routes count.
            if route is not this and not isinstance(route, Mount)
        )
    ]
    if allowed:
        raise ApiError(
            "method_not_allowed",
            f"{request.method} is not allowed here; use {', '.join(allowed)}.",
            headers={"Allow": ", ".join(allowed)},
        )
    raise ApiError("not_found", f"No API endpoint at /api/{path}.")


__all__ = ["API_V1", "app"]
