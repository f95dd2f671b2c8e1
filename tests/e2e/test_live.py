"""Live seat maps: changes made anywhere show up on every open map without a reload."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from bench.harness import free_port
from tests.appserver import start_server, stop_app
from tests.e2e.conftest import GENEROUS_LIMITS, REDIS_URL
from tests.e2e.helpers import PASSWORD, create_user, log_in, make_show, seat, wait_for_map
from ticketapp import booking

HELD = re.compile("held by someone else$")
TAKEN = re.compile("taken$")
FREE = re.compile("available$")


def _open_map(browser: Browser, base_url: str, app_engine, show_id: int, name: str) -> Page:
    page = browser.new_context(base_url=base_url).new_page()
    log_in(page, create_user(app_engine, name=name))
    page.goto(f"/shows/{show_id}")
    wait_for_map(page)
    return page


def _seat_id(app_engine, show_id: int, row: str, number: int) -> int:
    from sqlmodel import Session, select

    from ticketapp.models import ShowSeat

    with Session(app_engine) as session:
        return session.exec(
            select(ShowSeat.id).where(
                ShowSeat.show_id == show_id, ShowSeat.row_label == row, ShowSeat.number == number
            )
        ).one()


def test_a_booking_in_one_browser_appears_in_the_other(browser: Browser, base_url, app_engine):
    _, show_id, _ = make_show(app_engine)
    buyer = _open_map(browser, base_url, app_engine, show_id, "Buyer")
    watcher = _open_map(browser, base_url, app_engine, show_id, "Watcher")
    expect(seat(watcher, "Row A, seat 5,")).to_have_attribute("aria-label", FREE)

    seat(buyer, "Row A, seat 5,").click()
    expect(buyer.locator(".pick-row")).to_have_count(1)
    buyer.click("#continue-button")
    expect(buyer).to_have_url(re.compile(r"/checkout/\d+$"))
    # Held now: the other map shows it within a second, nobody reloads.
    expect(seat(watcher, "Row A, seat 5,")).to_have_attribute("aria-label", HELD, timeout=5000)
    buyer.click("#confirm-button")
    expect(buyer).to_have_url(re.compile(r"/bookings/\d+$"))
    expect(seat(watcher, "Row A, seat 5,")).to_have_attribute("aria-label", TAKEN, timeout=5000)
    for page in (buyer, watcher):
        page.context.close()


def test_a_booking_through_the_rest_api_appears_in_an_open_page(page: Page, base_url, app_engine):
    _, show_id, _ = make_show(app_engine)
    log_in(page, create_user(app_engine, name="Viewer"))
    page.goto(f"/shows/{show_id}")
    wait_for_map(page)
    api_user = create_user(app_engine, name="Api Buyer")
    seat_ids = [_seat_id(app_engine, show_id, "C", n) for n in (1, 2)]
    with httpx.Client(base_url=base_url, timeout=10) as api:
        token = api.post(
            "/api/v1/auth/login", json={"email": api_user.email, "password": PASSWORD}
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        hold = api.post(
            "/api/v1/holds", json={"show_id": show_id, "seat_ids": seat_ids}, headers=headers
        )
        assert hold.status_code == 201, hold.text
        confirm = api.post(
            "/api/v1/bookings", json={"hold_id": hold.json()["hold_id"]}, headers=headers
        )
        assert confirm.status_code == 201, confirm.text
    for number in (1, 2):
        expect(seat(page, f"Row C, seat {number},")).to_have_attribute(
            "aria-label", TAKEN, timeout=5000
        )


def test_hold_expiry_shows_up_without_anyone_clicking(page: Page, app_engine):
    _, show_id, _ = make_show(app_engine, hold_seconds=5)
    log_in(page, create_user(app_engine, name="Viewer"))
    page.goto(f"/shows/{show_id}")
    wait_for_map(page)
    other = create_user(app_engine, name="Other")
    booking.hold_seats(other.id, show_id, [_seat_id(app_engine, show_id, "B", 2)], db=app_engine)
    expect(seat(page, "Row B, seat 2,")).to_have_attribute("aria-label", HELD, timeout=5000)
    # Nobody touches anything: the sweeper releases the hold after 5 s, the map follows.
    expect(seat(page, "Row B, seat 2,")).to_have_attribute("aria-label", FREE, timeout=10_000)


def test_a_selected_seat_taken_by_someone_else_is_deselected_with_a_message(page: Page, app_engine):
    _, show_id, _ = make_show(app_engine)
    log_in(page, create_user(app_engine, name="Slow Buyer"))
    page.goto(f"/shows/{show_id}")
    wait_for_map(page)
    seat(page, "Row A, seat 1,").click()
    seat(page, "Row A, seat 2,").click()
    expect(page.locator(".pick-row")).to_have_count(2)
    fast = create_user(app_engine, name="Fast Buyer")
    booking.hold_seats(fast.id, show_id, [_seat_id(app_engine, show_id, "A", 2)], db=app_engine)
    expect(page.locator("#show-message")).to_contain_text("Stalls row A seat 2", timeout=5000)
    expect(page.locator(".pick-row")).to_have_count(1)
    expect(seat(page, "Row A, seat 2,")).to_have_attribute("aria-pressed", "false")
    expect(seat(page, "Row A, seat 1,")).to_have_attribute("aria-pressed", "true")


@pytest.fixture
def second_backend(app_db_url, tmp_path) -> str:
    """Another backend process on the same PostgreSQL and Redis: the production server,
    backend only, on a port of its own — "worker A", while the page lives on the app's workers."""
    port = free_port()
    proc = start_server(
        app_db_url,
        port,
        tmp_path / "api.log",
        # It shares the log-in counts in Redis with the app the browsers log in to.
        extra_env={"REFLEX_REDIS_URL": REDIS_URL, **GENEROUS_LIMITS},
        workers=1,
        backend_only=True,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_app(proc)


def test_a_change_through_another_backend_process_reaches_this_page(
    page: Page, app_engine, second_backend
):
    _, show_id, _ = make_show(app_engine)
    log_in(page, create_user(app_engine, name="Viewer"))
    page.goto(f"/shows/{show_id}")
    wait_for_map(page)
    buyer = create_user(app_engine, name="Elsewhere")
    seat_id = _seat_id(app_engine, show_id, "B", 6)
    with httpx.Client(base_url=second_backend, timeout=10) as api:
        login = api.post("/api/v1/auth/login", json={"email": buyer.email, "password": PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        hold = api.post(
            "/api/v1/holds", json={"show_id": show_id, "seat_ids": [seat_id]}, headers=headers
        )
        assert hold.status_code == 201, hold.text
    expect(seat(page, "Row B, seat 6,")).to_have_attribute("aria-label", HELD, timeout=5000)
