"""Route constants and URL builders, so pages link to each other by name: no page or state
writes a path of the app as a literal."""

from typing import Any
from urllib.parse import urlencode

HOME = "/"
LOGIN = "/login"
SIGNUP = "/signup"
ACCOUNT = "/account"
MY_BOOKINGS = "/bookings"
EVENTS = "/events"
SHOWS = "/shows"
CHECKOUT = "/checkout"

# The patterns pages are registered under (their last segment is the page's id).
EVENT_PAGE = f"{EVENTS}/[event_id]"
SHOW_PAGE = f"{SHOWS}/[show_id]"
CHECKOUT_PAGE = f"{CHECKOUT}/[hold_id]"
BOOKING_PAGE = f"{MY_BOOKINGS}/[booking_id]"

# The organizer's dashboard: every page below checks the caller on the server.
ORGANIZER = "/organizer"
ORGANIZER_EVENTS = "/organizer/events"
ORGANIZER_NEW_EVENT = "/organizer/events/new"
ORGANIZER_LAYOUTS = "/organizer/layouts"
ORGANIZER_NEW_LAYOUT = "/organizer/layouts/new"
ORGANIZER_SHOWS = "/organizer/shows"
ORGANIZER_EVENT_PAGE = f"{ORGANIZER_EVENTS}/[event_id]"
ORGANIZER_BOOKINGS_PAGE = f"{ORGANIZER_EVENTS}/[event_id]/bookings"
ORGANIZER_SHOW_PAGE = f"{ORGANIZER_SHOWS}/[show_id]"
ORGANIZER_LAYOUT_PAGE = f"{ORGANIZER_LAYOUTS}/[layout_id]"
ORGANIZER_DOOR_STAFF = "/organizer/door-staff"

# The door: check-in for organizers and their door staff.
DOOR = "/door"
DOOR_SHOW_PAGE = f"{DOOR}/[show_id]"


def login_url(next_path: str = "") -> str:
    return f"{LOGIN}?next={next_path}" if next_path else LOGIN


# The builders take an id, or a Reflex Var holding one (pages build links from state vars).


def home_url(**filters: str) -> str:
    """The event list with its search and filters in the query string (shareable; the back
    button walks through earlier searches). Empty filters are left out."""
    query = urlencode({k: v for k, v in filters.items() if v})
    return f"{HOME}?{query}" if query else HOME


def event_url(event_id: Any) -> str:
    return f"{EVENTS}/{event_id}"


def show_url(show_id: Any) -> str:
    return f"{SHOWS}/{show_id}"


def checkout_url(hold_id: Any) -> str:
    return f"{CHECKOUT}/{hold_id}"


def booking_url(booking_id: Any) -> str:
    return f"{MY_BOOKINGS}/{booking_id}"


def organizer_event_url(event_id: int) -> str:
    return f"{ORGANIZER_EVENTS}/{event_id}"


def organizer_bookings_url(event_id: int, show_id: int | None = None) -> str:
    query = f"?show={show_id}" if show_id else ""
    return f"{ORGANIZER_EVENTS}/{event_id}/bookings{query}"


def organizer_show_url(show_id: int) -> str:
    return f"{ORGANIZER_SHOWS}/{show_id}"


def door_show_url(show_id: Any) -> str:
    return f"{DOOR}/{show_id}"


def layout_editor_url(layout_id: int) -> str:
    return f"{ORGANIZER_LAYOUTS}/{layout_id}"


def safe_next(path: str | None) -> str:
    r"""Only ever send people back inside the app (no open redirect).

    Browsers read a backslash as a slash and drop tabs and newlines from a URL, so `/\evil.com`
    and `/<TAB>/evil.com` mean `//evil.com`, another host: a path with either is refused.
    """
    if (
        path
        and path.startswith("/")
        and not path.startswith("//")
        and "\\" not in path
        and not any(ord(c) < 0x20 or ord(c) == 0x7F for c in path)
    ):
        return path
    return HOME
