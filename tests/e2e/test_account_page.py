"""The account page: change name; change password (the current one is required)."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlmodel import Session

from tests.e2e.helpers import PASSWORD, create_user, log_in
from ticketapp import auth
from ticketapp.models import User


def test_change_name_and_password(page: Page, app_engine):
    user = create_user(app_engine, name="Old Name")
    log_in(page, user)
    page.goto("/account")
    expect(page.locator("#account-name")).to_have_value("Old Name")  # prefilled: page is ready
    page.fill("#account-name", "New Name")
    page.click("#save-name")
    expect(page.get_by_text("Your name is updated.")).to_be_visible()
    expect(page.locator("#nav-user-name")).to_have_text("New Name")

    page.fill("#current-password", "not my password")
    page.fill("#new-password", "brand new password")
    page.click("#save-password")
    expect(page.locator(".account-error")).to_contain_text("Current password is wrong")
    with Session(app_engine) as session:
        assert auth.verify_password(PASSWORD, session.get(User, user.id).password_hash)
    # The error is announced, tied to the field it is about, and nothing typed is thrown away.
    expect(page.get_by_role("alert").filter(has_text="Current password is wrong")).to_be_visible()
    current = page.get_by_label("Current password", exact=True)
    expect(current).to_have_attribute("aria-invalid", "true")
    expect(current).to_have_accessible_description("Current password is wrong.")
    expect(current).to_have_value("not my password")
    expect(page.locator("#new-password")).to_have_value("brand new password")

    page.fill("#current-password", PASSWORD)
    page.fill("#new-password", "short")
    page.click("#save-password")
    expect(page.locator(".account-error")).to_contain_text("at least 8 characters")
    new = page.get_by_label("New password (at least 8 characters)")
    expect(new).to_have_attribute("aria-invalid", "true")
    expect(current).to_have_attribute("aria-invalid", "false")
    expect(new).to_have_value("short")

    page.fill("#current-password", PASSWORD)
    page.fill("#new-password", "brand new password")
    page.click("#save-password")
    expect(
        page.get_by_text("Your password is changed; other devices are logged out.")
    ).to_be_visible()
    expect(page.locator("#current-password")).to_have_value("")  # emptied only on success
    expect(page.locator("#new-password")).to_have_value("")
    page.reload()  # this tab goes on with the fresh token the change handed it
    expect(page.locator("#account-name")).to_have_value("New Name")
    with Session(app_engine) as session:
        stored = session.get(User, user.id)
        assert stored.name == "New Name"
        assert auth.verify_password("brand new password", stored.password_hash)


def test_account_page_needs_a_login(page: Page):
    page.goto("/account")
    expect(page.locator("#login-submit")).to_be_visible()
