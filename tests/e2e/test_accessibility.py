"""Every page, scanned by axe-core (WCAG 2.2 A/AA and best practices) on a desktop and on a
phone with touch: no critical or serious violation anywhere, forms with their errors showing
and the showtime dialog open included. On the phone no page may scroll sideways."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from tests.e2e.axe import blocking
from tests.e2e.helpers import create_user, log_in, make_show, wait_for_map
from ticketapp.booking import confirm_hold, hold_seats
from ticketapp.models import Event, Role, Show, ShowSeat, User

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
# A long name once made every page 495 px wide on a phone.
LONG_NAME = "Maximiliane Alexandra Wolkenstein-Trostburg von Habsburg-Lothringen"


class Audit:
    """Visits pages and collects what is wrong with them, so that one run reports all."""

    def __init__(self, page: Page, phone: bool) -> None:
        self.page, self.phone, self.problems = page, phone, []

    def check(self, label: str = "") -> None:
        page = self.page
        page.wait_for_load_state("networkidle")
        # Web fonts arriving late change text widths: measure with the page's final fonts.
        page.evaluate("document.fonts.ready.then(() => true)")
        self.problems += [f"{label} {line}" for line in blocking(page)]
        if self.phone:
            # Against the device's width: on a mobile viewport innerWidth grows with the page.
            width = page.evaluate("document.scrollingElement.scrollWidth")
            inner = page.viewport_size["width"]
            if width > inner:
                self.problems.append(f"{page.url} {label} scrolls sideways: {width} > {inner}")

    def visit(self, path: str, ready: str) -> None:
        response = self.page.goto(path)
        assert response is not None and response.ok, path
        expect(self.page.locator(ready).first).to_be_visible()
        self.check()


def _context(browser: Browser, base_url: str, phone: bool) -> Page:
    return browser.new_context(base_url=base_url, **(PHONE if phone else DESKTOP)).new_page()


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_every_page_has_no_serious_accessibility_violation(
    browser: Browser, base_url: str, app_engine, phone: bool
):
    event_id, show_id, _ = make_show(
        app_engine,
        rows=6,
        seats_per_row=12,
        accessible={("A", 1)},
        companion={("A", 2)},
    )
    with Session(app_engine) as session:
        event = session.get(Event, event_id)
        organizer = session.get(User, event.organizer_id)
        layout_id = session.get(Show, show_id).layout_id
        seats = session.exec(
            select(ShowSeat.id).where(ShowSeat.show_id == show_id).order_by(ShowSeat.id)
        ).all()
    buyer = create_user(app_engine, Role.CUSTOMER, LONG_NAME)
    booked = confirm_hold(
        hold_seats(buyer.id, show_id, seats[:1], db=app_engine).hold_id,
        user_id=buyer.id,
        db=app_engine,
    )
    held = hold_seats(buyer.id, show_id, seats[1:2], db=app_engine)

    visitor = Audit(_context(browser, base_url, phone), phone)
    visitor.visit("/", "#search-input")
    visitor.visit("/signup", "#signup-submit")
    visitor.page.click("#signup-submit")  # empty: the error shows
    expect(visitor.page.locator("#form-error")).not_to_be_empty()
    visitor.check("signup with an error")
    visitor.visit("/login", "#login-submit")
    visitor.page.fill("#email", "nobody@example.com")
    visitor.page.fill("#password", "wrong password")
    visitor.page.click("#login-submit")
    expect(visitor.page.locator("#form-error")).not_to_be_empty()
    visitor.check("login with an error")
    visitor.visit(f"/events/{event_id}", "#event-title")
    visitor.visit(f"/shows/{show_id}", ".seatmap")
    wait_for_map(visitor.page)
    visitor.check("seat map ready")

    customer = Audit(_context(browser, base_url, phone), phone)
    log_in(customer.page, buyer)
    customer.visit("/bookings", "#nav-user-name")
    customer.visit(f"/bookings/{booked.id}", "#booking-code")
    customer.visit("/account", "#account-name")
    customer.page.fill("#current-password", "not my password")
    customer.page.fill("#new-password", "whatever new one")
    customer.page.click("#save-password")
    expect(customer.page.locator(".account-error")).to_be_visible()
    customer.check("account with an error")
    customer.visit(f"/checkout/{held.hold_id}", "#checkout-total")
    customer.visit(f"/shows/{show_id}", ".seatmap")
    wait_for_map(customer.page)
    customer.check("seat map, logged in")

    boss = Audit(_context(browser, base_url, phone), phone)
    log_in(boss.page, organizer)
    for path in [
        "/organizer",
        "/organizer/events",
        "/organizer/events/new",
        f"/organizer/events/{event_id}/bookings",
        f"/organizer/shows/{show_id}",
        "/organizer/layouts",
        "/organizer/layouts/new",
        f"/organizer/layouts/{layout_id}",
        f"/organizer/events/{event_id}",
    ]:
        boss.visit(path, "#page-title")
    boss.page.click("#add-show")
    expect(boss.page.locator("#save-show")).to_be_visible()
    boss.check("showtime dialog")

    for audit in (visitor, customer, boss):
        audit.page.context.close()
    assert [*visitor.problems, *customer.problems, *boss.problems] == []


def test_every_page_has_one_main_landmark_and_a_skip_link(page: Page, app_engine):
    _, show_id, _ = make_show(app_engine)
    page.goto(f"/shows/{show_id}")
    wait_for_map(page)
    expect(page.locator("main")).to_have_count(1)
    page.keyboard.press("Tab")  # the first stop on every page
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main-content$"))
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")  # and the next stop is the page's own content
    assert page.evaluate("document.activeElement.closest('main') !== null")
