"""The customer's whole journey in a real browser, against the production build."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from tests.e2e.helpers import make_show, seat, wait_for_map
from ticketapp.models import Booking, SeatStatus, ShowSeat, Ticket


def _seat_row(engine, show_id: int, row: str, number: int) -> ShowSeat:
    with Session(engine) as session:
        return session.exec(
            select(ShowSeat).where(
                ShowSeat.show_id == show_id, ShowSeat.row_label == row, ShowSeat.number == number
            )
        ).one()


def test_sign_up_search_pick_checkout_tickets_cancel_and_seats_free_again(page: Page, app_engine):
    _, show_id, title = make_show(app_engine)

    page.goto("/signup")
    page.fill("#name", "Grace Hopper")
    page.fill("#email", f"grace-{show_id}@example.com")
    page.fill("#password", "cobol forever")
    page.click("#signup-submit")
    expect(page.locator("#nav-user-name")).to_have_text("Grace Hopper")

    page.fill("#search-input", title)
    expect(page.get_by_test_id("event-card")).to_have_count(1)
    page.get_by_test_id("event-card").click()
    expect(page.locator("#event-title")).to_have_text(title)
    page.get_by_role("link", name="Choose seats").click()
    expect(page).to_have_url(re.compile(f"/shows/{show_id}$"))
    wait_for_map(page)

    seat(page, "Row B, seat 3,").click()
    seat(page, "Row B, seat 4,").click()
    expect(seat(page, "Row B, seat 3,")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#picked-seats")).to_contain_text("Stalls row B seat 3")
    expect(page.locator("#selection-total")).to_have_text("€90.00")
    page.click("#continue-button")

    expect(page).to_have_url(re.compile(r"/checkout/\d+$"))
    expect(page.locator("#hold-countdown")).to_have_text(re.compile(r"^(09|10):\d\d$"))
    expect(page.locator("#checkout-total")).to_have_text("€90.00")
    expect(page.locator("#buyer_name")).to_have_value("Grace Hopper")
    page.click("#confirm-button")

    expect(page).to_have_url(re.compile(r"/bookings/\d+$"))
    code = page.locator("#booking-code").inner_text()
    expect(page.locator(".ticket")).to_have_count(2)
    expect(page.locator(".ticket img").first).to_have_attribute(
        "src", re.compile(r"^data:image/svg\+xml")
    )
    with Session(app_engine) as session:
        booking = session.exec(select(Booking).where(Booking.code == code)).one()
        assert booking.status == "confirmed" and booking.total_cents == 9000
        tickets = session.exec(select(Ticket).where(Ticket.booking_id == booking.id)).all()
        assert len(tickets) == 2
    for number in (3, 4):
        assert _seat_row(app_engine, show_id, "B", number).status == SeatStatus.BOOKED

    page.goto("/bookings")
    row = page.locator(f'.booking-row[data-code="{code}"]')
    expect(row).to_contain_text(title)
    row.locator(".cancel-booking").click()
    page.click("#confirm-cancel")
    expect(row).to_contain_text("cancelled")
    expect(row.locator(".cancel-booking")).to_have_count(0)
    with Session(app_engine) as session:
        assert session.exec(select(Booking).where(Booking.code == code)).one().status == (
            "cancelled"
        )
    for number in (3, 4):
        assert _seat_row(app_engine, show_id, "B", number).status == SeatStatus.AVAILABLE

    page.goto(f"/shows/{show_id}")
    wait_for_map(page)
    expect(seat(page, "Row B, seat 3,")).to_have_attribute("aria-label", re.compile(r"available$"))
