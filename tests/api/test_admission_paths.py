"""Which requests admission control counts: work, not liveness, websockets or files."""

from __future__ import annotations

import pytest

from ticketapp.api.admission import is_bounded


@pytest.mark.parametrize(
    "path",
    ["/api/v1/holds", "/api/v1/bookings", "/api/v1/auth/login", "/api/docs", "/_upload"],
)
def test_api_calls_and_uploads_count_against_the_bound(path: str) -> None:
    assert is_bounded(path)


@pytest.mark.parametrize(
    "path",
    [
        "/ping",
        "/_health",
        "/api/v1/health/live",
        "/api/v1/health/ready",
        "/_event",
        "/_event/",
        "/",
        "/shows/12",
        "/assets/index-abc123.js",
        "/favicon.svg",
    ],
)
def test_liveness_readiness_websocket_and_static_files_are_never_refused(path: str) -> None:
    assert not is_bounded(path)
