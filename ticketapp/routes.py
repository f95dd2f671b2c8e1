"""Route constants and URL builders, so pages link to each other by name."""

HOME = "/"
LOGIN = "/login"
SIGNUP = "/signup"
ACCOUNT = "/account"
MY_BOOKINGS = "/bookings"


def login_url(next_path: str = "") -> str:
    return f"{LOGIN}?next={next_path}" if next_path else LOGIN


def event_url(event_id: int) -> str:
    return f"/events/{event_id}"


def show_url(show_id: int) -> str:
    return f"/shows/{show_id}"


def safe_next(path: str | None) -> str:
    """Only ever send people back inside the app (no open redirect)."""
    if path and path.startswith("/") and not path.startswith("//"):
        return path
    return HOME
