"""The Content-Security-Policy the app is served with, tried in a real browser: every page
works under it (the websocket connects, the user's name appears, maps draw) and the browser
reports no violation anywhere — nor on the API docs."""

from __future__ import annotations

from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from sqlmodel import Session, select

from tests.e2e.helpers import create_user, log_in, make_show, wait_for_map
from ticketapp.booking import confirm_hold, hold_seats
from ticketapp.models import Event, Role, Show, ShowSeat, User

# Reported by the page itself, so no violation can hide behind a console filter.
LISTEN = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error(`CSP-VIOLATION ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}`);
});
"""


def _watched_page(browser: Browser, base_url: str, violations: list[str]) -> Page:
    page = browser.new_context(base_url=base_url).new_page()
    page.add_init_script(LISTEN)

    def on_console(message: ConsoleMessage) -> None:
        text = message.text
        if "CSP-VIOLATION" in text or "Content Security Policy" in text:
            violations.append(f"{page.url}: {text}")

    page.on("console", on_console)
    return page


def _visit(page: Page, path: str, ready: str, who: str | None) -> None:
    response = page.goto(path)
    assert response is not None and response.ok, path
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
    assert response.headers["x-content-type-options"] == "nosniff", path
    expect(page.locator(ready).first).to_be_visible()
    if who:  # the websocket is up and the session proven: the navbar names the user
        expect(page.locator("#nav-user-name")).to_have_text(who)
    page.wait_for_load_state("networkidle")


def test_no_page_violates_the_content_security_policy(browser: Browser, base_url, app_engine):
    event_id, show_id, _ = make_show(app_engine)
    with Session(app_engine) as session:
        event = session.get(Event, event_id)
        organizer = session.get(User, event.organizer_id)
        layout_id = session.get(Show, show_id).layout_id
        seats = session.exec(
            select(ShowSeat.id).where(ShowSeat.show_id == show_id).order_by(ShowSeat.id)
        ).all()
    buyer = create_user(app_engine, Role.CUSTOMER, "Csp Buyer")
    booked = confirm_hold(
        hold_seats(buyer.id, show_id, seats[:1], db=app_engine).hold_id,
        user_id=buyer.id,
        db=app_engine,
    )
    held = hold_seats(buyer.id, show_id, seats[1:2], db=app_engine)
    violations: list[str] = []

    visitor = _watched_page(browser, base_url, violations)
    for path, ready in [
        ("/", "#search-input"),
        ("/login", "#login-submit"),
        ("/signup", "#signup-submit"),
        (f"/events/{event_id}", "#event-title"),
        ("/api/docs", ".swagger-ui .info"),
    ]:
        _visit(visitor, path, ready, None)
    visitor.goto(f"/shows/{show_id}")
    wait_for_map(visitor)

    customer = _watched_page(browser, base_url, violations)
    log_in(customer, buyer)
    for path, ready in [
        ("/bookings", "#nav-user-name"),
        (f"/bookings/{booked.id}", "#booking-code"),
        ("/account", "#account-name"),
        (f"/checkout/{held.hold_id}", "#checkout-total"),
    ]:
        _visit(customer, path, ready, buyer.name)
    customer.goto(f"/shows/{show_id}")
    wait_for_map(customer)

    boss = _watched_page(browser, base_url, violations)
    log_in(boss, organizer)
    for path in [
        "/organizer",
        "/organizer/events",
        "/organizer/events/new",
        f"/organizer/events/{event_id}",
        f"/organizer/events/{event_id}/bookings",
        f"/organizer/shows/{show_id}",
        "/organizer/layouts",
        "/organizer/layouts/new",
        f"/organizer/layouts/{layout_id}",
    ]:
        _visit(boss, path, "#page-title", organizer.name)

    assert violations == []
