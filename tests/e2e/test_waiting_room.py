"""The waiting room in a real browser: two customers, one queue (two workers, Redis).

The first customer is let in at once and books; the second waits behind a few others, sees
the position fall without reloading, is taken to the seat map with a message and books too.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import REDIS_URL
from tests.e2e.helpers import create_user, log_in, make_show, seat, wait_for_map
from ticketapp import booking
from ticketapp.booking import Actor
from ticketapp.models import Role
from ticketapp.queueing import redis_prefix
from ticketapp.waiting_room_redis import RedisWaitingRoom


def book_one_seat(page: Page, label: str) -> None:
    wait_for_map(page)
    seat(page, label).click()
    page.click("#continue-button")
    expect(page).to_have_url(re.compile(r"/checkout/\d+$"))
    page.click("#confirm-button")
    expect(page).to_have_url(re.compile(r"/bookings/\d+$"))


def test_one_customer_waits_sees_the_line_move_is_let_in_and_books(
    browser: Browser, app_engine, app_db_url, base_url
) -> None:
    event_id, show_id, _ = make_show(app_engine)
    event = booking.get_event(event_id, db=app_engine)
    booking.configure_queue(
        show_id,
        actor=Actor(event.organizer_id, Role.ORGANIZER),
        enabled=True,
        per_minute=12,  # one every five seconds
        db=app_engine,
    )
    store = RedisWaitingRoom(REDIS_URL, app_engine, prefix=redis_prefix(app_db_url))
    first, second = (
        create_user(app_engine, name="Ada First"),
        create_user(app_engine, name="Bo Second"),
    )

    one = browser.new_page(base_url=base_url)
    log_in(one, first)
    one.goto(f"/shows/{show_id}")
    expect(one.locator("#show-message")).to_contain_text("It's your turn", timeout=20_000)
    book_one_seat(one, "Row A, seat 1,")

    for _ in range(4):  # others get in line ahead of the second customer
        other = create_user(app_engine, name="Someone Else")
        booking.join_queue(other.id, show_id, store=store, db=app_engine)
    two = browser.new_page(base_url=base_url)
    log_in(two, second)
    two.goto(f"/shows/{show_id}")
    position = two.locator("#queue-position")
    expect(position).to_have_text(re.compile(r"^\d+$"))
    expect(two.locator("#queue-progress")).to_be_visible()
    expect(two.locator("#queue-estimate")).to_contain_text("to go")
    start = int(position.inner_text())
    assert start >= 2
    expect(position).to_have_text(str(start - 1), timeout=20_000)  # live, no reload
    expect(two.locator("#queue-announcement")).to_have_attribute("aria-live", "polite")
    expect(two.locator("#show-message")).to_contain_text(
        "It's your turn", timeout=20_000 + start * 6_000
    )
    book_one_seat(two, "Row A, seat 2,")
    one.close()
    two.close()
