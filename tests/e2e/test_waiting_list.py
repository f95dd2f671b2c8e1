"""The waiting list in a real browser: a customer joins a sold-out show's list, a cancellation
sends them an offer mail (an .eml in MAIL_DIR, written by the app's own mail sender), its link
opens checkout and they book; the organizer sees the list and turns it off."""

from __future__ import annotations

import email
import re
import time
from email import policy
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from tests.e2e.helpers import create_user, log_in, make_show
from ticketapp import booking
from ticketapp.booking import Actor
from ticketapp.models import Booking, Event, Role, Show, ShowSeat, User

MAIL_DEADLINE_SECONDS = 60


def sell_out(engine, show_id: int) -> tuple[int, booking.BookingView]:
    """Someone books every seat of the show; returns (their id, the booking)."""
    buyer = create_user(engine, name="Early Bird")
    with Session(engine) as session:
        seats = session.exec(select(ShowSeat.id).where(ShowSeat.show_id == show_id)).all()
    held = booking.hold_seats(buyer.id, show_id, list(seats), db=engine)
    return buyer.id, booking.confirm_hold(held.hold_id, user_id=buyer.id, db=engine)


def offer_mail(mail_dir: Path, hold_key: str) -> email.message.EmailMessage:
    """The offer mail once the app's sender has written it (polled, with a deadline)."""
    deadline = time.monotonic() + MAIL_DEADLINE_SECONDS
    while time.monotonic() < deadline:
        for path in mail_dir.glob(f"*-{hold_key}.eml"):
            return email.message_from_bytes(path.read_bytes(), policy=policy.default)
        time.sleep(0.2)
    raise AssertionError(f"no mail {hold_key} in {mail_dir}: {sorted(mail_dir.iterdir())}")


def test_join_when_sold_out_get_the_offer_mail_follow_the_link_and_book(
    page: Page, app_engine, mail_dir: Path, base_url: str
):
    _, show_id, title = make_show(app_engine, rows=1, seats_per_row=2)
    buyer_id, sold = sell_out(app_engine, show_id)
    fan = create_user(app_engine, name="Patient Fan")
    log_in(page, fan)

    page.goto(f"/shows/{show_id}")
    panel = page.locator("#waiting-list")
    expect(panel).to_contain_text("This show is sold out.")
    page.select_option("#waiting-quantity", "2")
    page.click("#waiting-join")
    expect(page.locator("#waiting-position")).to_have_text("1")
    expect(page.locator("#waiting-place")).to_contain_text("2 seats")

    booking.cancel_booking(sold.id, actor=Actor(buyer_id, Role.CUSTOMER), db=app_engine)
    place = booking.my_waiting_place(fan.id, show_id, db=app_engine)
    assert place.status == "offered"

    mail = offer_mail(mail_dir, f"waiting-offer_{place.hold_id}")
    assert mail["To"].addresses[0].addr_spec == fan.email
    assert title in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    assert "Stalls row A seat 1" in text and "Stalls row A seat 2" in text
    link = re.search(r"https?://\S+/checkout/\d+", text).group(0)
    assert link == f"{base_url}/checkout/{place.hold_id}"

    page.goto(link)
    expect(page.locator("#checkout-total")).to_have_text("€90.00")
    page.click("#confirm-button")
    expect(page).to_have_url(re.compile(r"/bookings/\d+$"))
    expect(page.locator(".ticket")).to_have_count(2)
    code = page.locator("#booking-code").inner_text()
    with Session(app_engine) as session:
        booked = session.exec(select(Booking).where(Booking.code == code)).one()
        assert (booked.user_id, booked.hold_id) == (fan.id, place.hold_id)

    page.goto(f"/shows/{show_id}")
    expect(page.locator("#waiting-place")).to_contain_text("You booked the seats offered to you.")
    assert booking.check_invariants(app_engine) == []


def test_a_customer_leaves_and_the_organizer_sees_the_list_and_turns_it_off(
    page: Page, browser: Browser, base_url: str, app_engine
):
    _, show_id, _ = make_show(app_engine, rows=1, seats_per_row=3)
    sell_out(app_engine, show_id)
    fans = [create_user(app_engine, name=f"Fan {i}") for i in range(3)]
    for fan, quantity in zip(fans, (3, 1, 2), strict=True):
        booking.join_waiting_list(fan.id, show_id, quantity, db=app_engine)

    log_in(page, fans[2])
    page.goto(f"/shows/{show_id}")
    expect(page.locator("#waiting-position")).to_have_text("3")
    page.click("#waiting-leave")
    expect(page.locator("#waiting-message")).to_contain_text("You have left the waiting list.")
    expect(page.locator("#waiting-place")).to_have_attribute("data-status", "left")

    with Session(app_engine) as session:
        organizer = session.exec(
            select(User)
            .join(Event, Event.organizer_id == User.id)
            .join(Show, Show.event_id == Event.id)
            .where(Show.id == show_id)
        ).one()
    desk = browser.new_context(base_url=base_url).new_page()
    log_in(desk, organizer)
    desk.goto(f"/organizer/shows/{show_id}")
    admin = desk.locator("#waiting-list-admin")
    expect(desk.locator("#waiting-count")).to_have_text("2")
    expect(desk.locator("#waiting-seats")).to_have_text("4")
    expect(admin).to_contain_text("Fan 0")
    expect(admin).to_contain_text("3 seats")

    desk.uncheck("#waiting-enabled")
    desk.click("#waiting-save")
    expect(desk.locator("#waiting-admin-message")).to_contain_text("Waiting list turned off.")
    expect(desk.locator("#waiting-count")).to_have_text("0")
    summary = booking.waiting_list_summary(show_id, actor=Actor.of(organizer), db=app_engine)
    assert not summary.enabled and {e.status for e in summary.entries} == {"closed", "left"}
