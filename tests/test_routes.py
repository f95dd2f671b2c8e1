"""Where the app sends people after logging in: inside the app, never to another host."""

from __future__ import annotations

import pytest

from ticketapp import routes


@pytest.mark.parametrize(
    "target",
    ["/bookings", "/shows/12", "/organizer/events/3/bookings?show=4", "/events/7#top"],
)
def test_safe_next_keeps_a_path_inside_the_app(target):
    assert routes.safe_next(target) == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "https://evil.com",
        "//evil.com",
        "/\\evil.com",
        "/\\/evil.com",
        "\\\\evil.com",
        "/\t/evil.com",
        "/\n/evil.com",
        "evil.com",
    ],
)
def test_safe_next_sends_anything_that_may_leave_the_app_home(target):
    assert routes.safe_next(target) == routes.HOME
