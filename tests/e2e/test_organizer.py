"""The organizer's dashboard in a real browser: an event run end to end without touching the
database by hand, and the doors it keeps shut."""

from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from tests.e2e.helpers import create_user, log_in, make_show, seat, wait_for_map
from ticketapp.booking import confirm_hold, hold_seats
from ticketapp.models import (
    Booking,
    Event,
    Layout,
    LayoutSeat,
    Role,
    SeatStatus,
    Show,
    ShowSeat,
    Ticket,
    User,
)


def _new_page(browser: Browser, base_url: str) -> Page:
    return browser.new_context(base_url=base_url, accept_downloads=True).new_page()


def _organizer_of(engine, event_id: int) -> User:
    with Session(engine) as session:
        event = session.get(Event, event_id)
        return session.get(User, event.organizer_id)


def _sell(engine, show_id: int, buyer: User, *labels: str) -> Booking:
    with Session(engine) as session:
        ids = session.exec(
            select(ShowSeat.id).where(ShowSeat.show_id == show_id, ShowSeat.label.in_(labels))
        ).all()
    held = hold_seats(buyer.id, show_id, ids, db=engine)
    return confirm_hold(held.hold_id, user_id=buyer.id, db=engine)


def _build_layout(page: Page) -> int:
    """Two rows of six seats: A1 a wheelchair space, B6 a gap, row B renamed to C."""
    page.goto("/organizer/layouts/new")
    expect(page.locator("#page-title")).to_have_text("New seat layout")
    page.fill("#layout-name", "Studio Theatre")
    card = page.locator(".section-card").first
    card.locator(".section-rows input").fill("2")
    expect(card.locator(".section-row-names input")).to_have_value("A, B")
    card.locator(".section-seats-per-row input").fill("6")
    expect(page.locator("#seat-count")).to_have_text("12 seats")
    card.locator(".section-row-names input").fill("A, C")
    preview = page.locator("#layout-preview")
    expect(seat(preview, "Row C, seat 6,")).to_have_count(1)
    page.get_by_role("radio", name="Wheelchair").click()
    seat(preview, "Row A, seat 1,").click()
    # The wheelchair mark (♿) is drawn by CSS for this class (styles.css `.seat.acc`).
    expect(seat(preview, "Row A, seat 1,")).to_have_class(re.compile(r"\bacc\b"))
    expect(seat(preview, "Row A, seat 1,")).to_have_attribute(
        "aria-label", re.compile("wheelchair space")
    )
    page.get_by_role("radio", name="Gap").click()
    seat(preview, "Row C, seat 6,").click()
    expect(seat(preview, "Row C, seat 6,")).to_have_attribute("aria-label", re.compile("gap"))
    expect(page.locator("#seat-count")).to_have_text("11 seats")
    page.click("#save-layout")
    expect(page).to_have_url(re.compile(r"/organizer/layouts/\d+$"))
    expect(page.locator("#page-title")).to_have_text("Edit layout: Studio Theatre")
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def test_an_organizer_runs_an_event_from_layout_to_check_in(
    browser: Browser, base_url: str, app_engine
):
    organizer = create_user(app_engine, Role.ORGANIZER, "Olga Organizer")
    page = _new_page(browser, base_url)
    log_in(page, organizer)
    page.click("#nav-dashboard")
    expect(page.locator("#page-title")).to_have_text("Dashboard")

    # 1. The seat layout.
    layout_id = _build_layout(page)
    with Session(app_engine) as session:
        assert session.get(Layout, layout_id).organizer_id == organizer.id
        seats = session.exec(select(LayoutSeat).where(LayoutSeat.layout_id == layout_id)).all()
        assert len(seats) == 11
        assert {(s.row_label, s.number) for s in seats if s.accessible} == {("A", 1)}
        assert ("C", 6) not in {(s.row_label, s.number) for s in seats}

    # 2. The event: refused without a title, then created as a draft.
    page.goto("/organizer/events/new")
    page.fill("#event-venue_name", "Studio 4")
    page.click("#create-event")
    expect(page.locator("#event-form-error")).to_have_text("Title is required.")
    page.fill("#event-title", "Chamber Night")
    page.fill("#event-banner_url", "ftp://example.com/banner.png")
    page.click("#create-event")
    expect(page.locator("#event-form-error")).to_contain_text("http:// or https://")
    page.fill("#event-banner_url", "https://example.com/banner.png")
    page.click("#create-event")
    expect(page).to_have_url(re.compile(r"/organizer/events/\d+$"))
    expect(page.locator("#event-status")).to_have_text("draft")
    event_id = int(page.url.rstrip("/").rsplit("/", 1)[1])

    # 3. A showtime: its seats are materialized at once.
    page.click("#add-show")
    expect(page.locator("#show-layout")).to_have_value(str(layout_id))
    price = page.get_by_label("Price for Standard")
    price.fill("-5")
    page.click("#save-show")
    expect(page.locator("#show-form-error")).to_have_text("Prices must be zero or more.")
    price.fill("25.00")
    page.click("#save-show")
    expect(page.locator(".show-admin-row")).to_have_count(1)
    with Session(app_engine) as session:
        show = session.exec(select(Show).where(Show.event_id == event_id)).one()
        places = session.exec(select(ShowSeat).where(ShowSeat.show_id == show.id)).all()
        assert len(places) == 11 and {p.status for p in places} == {SeatStatus.AVAILABLE}
    page.click("#publish-event")
    expect(page.locator("#event-status")).to_have_text("published")

    # 4. A customer books two seats.
    customer = create_user(app_engine, name="Clara Customer")
    buyer = _new_page(browser, base_url)
    log_in(buyer, customer)
    buyer.goto(f"/shows/{show.id}")
    wait_for_map(buyer)
    seat(buyer, "Row A, seat 2,").click()
    seat(buyer, "Row A, seat 3,").click()
    expect(buyer.locator("#selection-total")).to_have_text("€50.00")
    buyer.click("#continue-button")
    expect(buyer).to_have_url(re.compile(r"/checkout/\d+$"))
    buyer.click("#confirm-button")
    expect(buyer.locator(".ticket")).to_have_count(2)
    code = buyer.locator("#booking-code").inner_text()
    ticket_code = buyer.locator(".ticket-code").first.inner_text()

    # 5. The organizer sees the booking and the revenue.
    page.goto("/organizer")
    upcoming = page.locator(f'.upcoming-show[data-show-id="{show.id}"]')
    expect(upcoming).to_contain_text("Chamber Night")
    expect(upcoming).to_contain_text("€50.00")
    expect(page.locator('#category-breakdown [data-category="Standard"]')).to_contain_text("2 / 11")
    page.goto(f"/organizer/events/{event_id}")
    expect(page.locator('.stat-card[data-label="Revenue"] .stat-value')).to_have_text("€50.00")
    expect(page.locator('.stat-card[data-label="Sold"] .stat-value')).to_have_text("2")
    page.click("#event-bookings")
    row = page.locator(f'.booking-admin-row[data-code="{code}"]')
    expect(row).to_contain_text("Clara Customer")
    expect(row).to_contain_text("€50.00")
    page.fill("#booking-search", "clara")
    page.click("#apply-filter")
    expect(page.locator(".booking-admin-row")).to_have_count(1)
    with page.expect_download() as download:
        page.click("#export-csv")
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text("utf-8"))))
    assert [(r["booking_code"], r["buyer_name"], r["tickets"], r["total"]) for r in rows] == [
        (code, "Clara Customer", "2", "50.00")
    ]
    assert rows[0]["seats"] == "Stalls row A seat 2; Stalls row A seat 3"
    assert download.value.suggested_filename == f"bookings-event-{event_id}.csv"

    # 6. A layout change that would take a sold seat away is refused, naming it.
    page.goto(f"/organizer/layouts/{layout_id}")
    page.get_by_role("radio", name="Gap").click()
    seat(page.locator("#layout-preview"), "Row A, seat 2,").click()
    page.click("#save-layout")
    expect(page.locator("#layout-message")).to_contain_text("Stalls row A seat 2 (sold")

    # 7. Check-in at the door: once "checked in", then "already checked in".
    page.goto(f"/organizer/shows/{show.id}")
    page.fill("#checkin-code", f"  {ticket_code} ")
    page.click("#checkin-submit")
    expect(page.locator("#checkin-title")).to_have_text("Valid — checked in")
    page.fill("#checkin-code", ticket_code)
    page.click("#checkin-submit")
    expect(page.locator("#checkin-title")).to_have_text("Already checked in")
    expect(page.locator("#checkin-detail")).to_contain_text("UTC")
    with Session(app_engine) as session:
        # the page prints the code in groups of four for people to read
        stored = ticket_code.replace("-", "")
        ticket = session.exec(select(Ticket).where(Ticket.code == stored)).one()
        assert ticket.checked_in_at is not None
    for p in (page, buyer):
        p.context.close()


def test_the_organizer_cancels_a_booking_with_a_reason_and_then_the_event(page: Page, app_engine):
    event_id, show_id, title = make_show(app_engine)
    organizer = _organizer_of(app_engine, event_id)
    first = _sell(app_engine, show_id, create_user(app_engine, name="Ann"), "Stalls row A seat 1")
    second = _sell(app_engine, show_id, create_user(app_engine, name="Bo"), "Stalls row B seat 1")
    log_in(page, organizer)

    page.goto(f"/organizer/events/{event_id}/bookings")
    row = page.locator(f'.booking-admin-row[data-code="{first.code}"]')
    row.locator(".cancel-booking").click()
    page.get_by_placeholder("Reason (shown to the buyer)").fill("Double booking at the box office")
    page.locator(".confirm-cancel-booking").click()
    expect(row).to_contain_text("cancelled")
    with Session(app_engine) as session:
        booking = session.get(Booking, first.id)
        assert booking.status == "cancelled"
        assert booking.cancel_reason == "Double booking at the box office"
    page.select_option("#booking-status-filter", "confirmed")
    page.click("#apply-filter")
    expect(page.locator(".booking-admin-row")).to_have_count(1)
    expect(page.locator(".booking-admin-row")).to_have_attribute("data-code", second.code)

    page.goto(f"/organizer/events/{event_id}")
    page.locator(".edit-show").click()
    price = page.get_by_label("Price for Stalls")
    expect(price).to_have_value("45.00")
    price.fill("50")
    page.fill("#show-hold-minutes", "5")
    page.click("#save-show")
    expect(page.locator(".show-admin-row")).to_contain_text("Stalls €50.00")
    with Session(app_engine) as session:
        assert session.get(Show, show_id).hold_seconds == 300
    expect(page.locator("#delete-event")).to_have_count(0)  # it has bookings
    page.click("#cancel-event")
    page.fill("#cancel-event-reason", "The band is ill")
    page.click("#confirm-cancel-event")
    expect(page.locator("#event-status")).to_have_text("cancelled")
    with Session(app_engine) as session:
        assert session.get(Booking, second.id).status == "cancelled"
        assert session.get(Show, show_id).status == "cancelled"
        statuses = session.exec(select(ShowSeat.status).where(ShowSeat.show_id == show_id))
        assert set(statuses) == {SeatStatus.AVAILABLE}
    page.goto("/")
    page.fill("#search-input", title)
    expect(page.locator("#events-empty")).to_be_visible()  # the search ran, and found nothing


def test_customers_and_other_organizers_are_refused(browser: Browser, base_url: str, app_engine):
    event_id, show_id, _ = make_show(app_engine)
    customer = _new_page(browser, base_url)
    log_in(customer, create_user(app_engine, name="Curious Customer"))
    customer.goto("/organizer")
    expect(customer).to_have_url(re.compile(r"/$"))
    denied = customer.get_by_text("The organizer dashboard is for organizer accounts.")
    expect(denied.first).to_be_visible()
    # Every other dashboard page sends a customer home too (the toast saying why is transient,
    # so only the redirect is checked here; tests/state checks each handler refuses).
    for url in (
        "/organizer/events",
        f"/organizer/events/{event_id}",
        f"/organizer/events/{event_id}/bookings",
        f"/organizer/shows/{show_id}",
        "/organizer/layouts/new",
    ):
        customer.goto(url)
        expect(customer).to_have_url(re.compile(r"/$"))
        expect(customer.locator("#dashboard-error")).to_have_count(0)
    expect(customer.locator("#nav-dashboard")).to_have_count(0)

    rival = _new_page(browser, base_url)
    log_in(rival, create_user(app_engine, Role.ORGANIZER, "Rival Organizer"))
    for url in (f"/organizer/events/{event_id}", f"/organizer/shows/{show_id}"):
        rival.goto(url)
        expect(rival.locator("#dashboard-error")).to_have_text(
            "You can only manage your own events."
        )
    rival.goto(f"/organizer/events/{event_id}/bookings")
    expect(rival.locator("#dashboard-error")).to_be_visible()
    expect(rival.locator(".booking-admin-row")).to_have_count(0)

    visitor = _new_page(browser, base_url)
    visitor.goto("/organizer")
    expect(visitor).to_have_url(re.compile(r"/login\?next=/organizer"))
    for p in (customer, rival, visitor):
        p.context.close()
