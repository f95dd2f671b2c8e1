"""Sign-up, log-in, log-out in a real browser against the production build."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlmodel import Session, select

from ticketapp.booking import Actor
from ticketapp.models import User


def unique_email() -> str:
    return f"ada-{uuid.uuid4().hex[:8]}@example.com"


def sign_up(page: Page, name: str, email: str, password: str) -> None:
    page.goto("/signup")
    page.fill("#name", name)
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#signup-submit")


def log_out(page: Page) -> None:
    # A page that is still settling after a redirect may re-render (and close) the menu.
    for _ in range(3):
        page.click("#nav-user-menu")
        try:
            page.locator("#nav-logout").click(timeout=3000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    else:
        raise AssertionError("the user menu never opened")
    # The cleared token must reach localStorage before the next navigation.
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    expect(page.locator("#nav-user-name")).to_have_count(0)


def test_sign_up_logs_in_survives_reload_and_logs_out(page: Page, app_engine):
    email = unique_email()
    sign_up(page, "Ada Lovelace", email, "correct horse battery")
    expect(page.locator("#nav-user-name")).to_have_text("Ada Lovelace")
    expect(page.locator("#nav-user-role")).to_have_text("customer")
    expect(page).to_have_url(re.compile(r"/$"))
    with Session(app_engine) as session:
        user = session.exec(select(User).where(User.email == email)).one()
        assert user.role == "customer"
        assert user.password_hash.startswith("$2b$12$")  # bcrypt, cost 12

    page.reload()
    expect(page.locator("#nav-user-name")).to_have_text("Ada Lovelace")

    log_out(page)
    page.reload()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    expect(page.locator("#nav-user-name")).to_have_count(0)

    page.goto("/login")
    page.fill("#email", email.upper())
    page.fill("#password", "correct horse battery")
    page.click("#login-submit")
    expect(page.locator("#nav-user-name")).to_have_text("Ada Lovelace")


def _count_users(engine, email: str) -> int:
    with Session(engine) as session:
        return len(session.exec(select(User).where(User.email == email)).all())


def test_sign_up_rejects_bad_input_with_clear_messages(page: Page, app_engine):
    email = unique_email()
    sign_up(page, "Bob", "not-an-email", "long enough pw")
    expect(page.locator("#form-error")).to_contain_text("valid e-mail")
    # Announced (role=alert), and tied to the field it is about.
    expect(page.get_by_role("alert").filter(has_text="valid e-mail")).to_be_visible()
    expect(page.get_by_label("E-mail")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("E-mail")).to_have_accessible_description(
        "Please enter a valid e-mail address."
    )
    expect(page.get_by_label("Name")).to_have_attribute("aria-invalid", "false")

    sign_up(page, "Bob", email, "short")
    expect(page.locator("#form-error")).to_contain_text("at least 8 characters")
    assert _count_users(app_engine, email) == 0

    sign_up(page, "Bob", email, "long enough pw")
    expect(page.locator("#nav-user-name")).to_have_text("Bob")
    log_out(page)

    sign_up(page, "Bob Again", email, "another password")
    expect(page.locator("#form-error")).to_contain_text("already exists")
    assert _count_users(app_engine, email) == 1


def test_wrong_password_and_unknown_email_get_the_same_generic_message(page: Page):
    email = unique_email()
    sign_up(page, "Cy", email, "right password")
    expect(page.locator("#nav-user-name")).to_have_text("Cy")
    log_out(page)

    for who, password in ((email, "wrong password"), (unique_email(), "whatever pw")):
        page.goto("/login")
        page.fill("#email", who)
        page.fill("#password", password)
        page.click("#login-submit")
        expect(page.locator("#form-error")).to_have_text("Invalid e-mail or password.")
        expect(page.locator("#nav-user-name")).to_have_count(0)


def test_home_lists_upcoming_published_events_from_the_database(page: Page, app_engine):
    from datetime import timedelta

    from ticketapp import booking
    from ticketapp.booking import PriceSpec, grid_section
    from ticketapp.models import Role, utcnow

    with Session(app_engine) as session:
        organizer = User(name="Org", email=unique_email(), password_hash="x", role=Role.ORGANIZER)
        session.add(organizer)
        session.commit()
        organizer_id = organizer.id
    title = f"Test Quartet {uuid.uuid4().hex[:6]}"
    layout = booking.create_layout(
        Actor(organizer_id, Role.ORGANIZER),
        "Room",
        [grid_section("Hall", "Std", ["A", "B"], 5)],
        db=app_engine,
    )
    event = booking.create_event(
        Actor(organizer_id, Role.ORGANIZER), title, "Blue Room", status="published", db=app_engine
    )
    booking.create_show(
        event.id,
        utcnow() + timedelta(days=3),
        layout,
        [PriceSpec("Std", 1550)],
        actor=Actor(organizer_id, Role.ORGANIZER),
        db=app_engine,
    )
    draft = booking.create_event(
        Actor(organizer_id, Role.ORGANIZER), f"Draft {title}", "Blue Room", db=app_engine
    )
    assert draft.status == "draft"

    page.goto("/")
    page.fill("#search-input", title)
    cards = page.get_by_test_id("event-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(title)
    expect(cards.first).to_contain_text("Blue Room")
    expect(cards.first).to_contain_text("€15.50")
