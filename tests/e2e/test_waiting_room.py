"""The waiting room in a real browser (two workers, Redis): two customers in one queue, and
the organizer's card.

The first customer is let in at once and books; the second waits behind a few others, sees
the position fall without reloading, is taken to the seat map with a message and books too.
The organizer turns the queue on from the show's dashboard page, sees its figures move live
and pauses admission.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import redis
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session

from tests.e2e.conftest import REDIS_URL
from tests.e2e.helpers import create_user, log_in, make_show, seat, wait_for_map
from ticketapp import booking
from ticketapp.booking import Actor
from ticketapp.models import Role, Show, User
from ticketapp.queueing import redis_prefix
from ticketapp.waiting_room_redis import RedisWaitingRoom


@pytest.fixture
def store(app_engine, app_db_url) -> Iterator[RedisWaitingRoom]:
    """The app's own store, to queue others; its keys leave the shared Redis afterwards."""
    yield RedisWaitingRoom(REDIS_URL, app_engine, prefix=redis_prefix(app_db_url))
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{redis_prefix(app_db_url)}*"):
        client.delete(key)


def book_one_seat(page: Page, label: str) -> None:
    wait_for_map(page)
    seat(page, label).click()
    page.click("#continue-button")
    expect(page).to_have_url(re.compile(r"/checkout/\d+$"))
    page.click("#confirm-button")
    expect(page).to_have_url(re.compile(r"/bookings/\d+$"))


def test_one_customer_waits_sees_the_line_move_is_let_in_and_books(
    browser: Browser, app_engine, store, base_url
) -> None:
    event_id, show_id, _ = make_show(app_engine)
    event = booking.get_event(event_id, db=app_engine)
    organizer = Actor(event.organizer_id, Role.ORGANIZER)
    booking.configure_queue(
        show_id,
        actor=organizer,
        enabled=True,
        per_minute=12,  # one every five seconds
        db=app_engine,
    )
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
    # The on-sale is over: the app stops ticking this show (and writing its Redis keys).
    booking.configure_queue(show_id, actor=organizer, enabled=False, db=app_engine)
    one.close()
    two.close()


def test_the_organizer_turns_the_queue_on_watches_it_live_and_pauses_it(
    page: Page, app_engine, store
) -> None:
    event_id, show_id, _ = make_show(app_engine)
    event = booking.get_event(event_id, db=app_engine)
    with Session(app_engine) as session:
        organizer = session.get(User, event.organizer_id)
    log_in(page, organizer)
    page.goto(f"/organizer/shows/{show_id}")
    expect(page.locator("#queue-admin")).to_be_visible()
    page.get_by_label("Queue on-sale").check()
    page.get_by_label("Admit per minute").fill("1")  # the next one a minute later
    page.click("#queue-save")
    expect(page.locator("#queue-admin-message")).to_contain_text("Queue on-sale is on.")
    for _ in range(3):
        booking.join_queue(create_user(app_engine).id, show_id, store=store, db=app_engine)
    # live figures, no reload: the first is let in at once, the others wait
    expect(page.locator("#queue-admitted")).to_have_text("1", timeout=15_000)
    expect(page.locator("#queue-waiting")).to_have_text("2")
    page.click("#queue-pause")
    expect(page.locator("#queue-admin-message")).to_contain_text("Admission paused.")
    expect(page.locator("#queue-pause")).to_have_text("Resume admission")
    with Session(app_engine) as session:
        show = session.get(Show, show_id)
        assert show.queue_enabled and show.queue_paused and show.queue_per_minute == 1
