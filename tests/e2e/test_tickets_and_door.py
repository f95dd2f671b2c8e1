"""Tickets people carry and the door, in a real browser: the booking page's PDF and calendar
downloads, an organizer inviting door staff, and door staff scanning a ticket's QR code with
a (fake) camera — "valid", then "already checked in" — and typing a code by hand."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bench.harness import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.fake_camera import qr_video
from tests.e2e.helpers import PASSWORD, create_user, log_in
from tests.ticket_files import calendar_events, pdf_page_sizes_mm, pdf_pages_text, pdf_qr_codes
from ticketapp import booking
from ticketapp.booking import Actor, PriceSpec, grid_section
from ticketapp.models import Event, Role, User, utcnow


def _booked_show(engine: Engine, seats: int = 2) -> tuple[User, User, booking.BookingView]:
    """An organizer's published show in Vienna and a customer's booking of `seats` seats."""
    organizer = create_user(engine, Role.ORGANIZER, "Olga Organizer")
    customer = create_user(engine, name="Clara Customer")
    layout = booking.create_layout(
        Actor.of(organizer), "Room", [grid_section("Stalls", "Stalls", ["A"], 6)], db=engine
    )
    event = booking.create_event(
        Actor.of(organizer), "Door Night", "Konzerthaus", status="published", db=engine
    )
    with Session(engine) as session:
        session.exec(update(Event).where(Event.id == event.id).values(timezone="Europe/Vienna"))
        session.commit()
    show = booking.create_show(
        event.id,
        utcnow() + timedelta(days=3),
        layout,
        [PriceSpec("Stalls", 4500)],
        actor=Actor(organizer.id, Role.ORGANIZER),
        db=engine,
    )
    seat_ids = [s.id for s in booking.seat_map(show.id, db=engine).seats[:seats]]
    held = booking.hold_seats(customer.id, show.id, seat_ids, db=engine)
    return organizer, customer, booking.confirm_hold(held.hold_id, user_id=customer.id, db=engine)


def test_the_booking_page_offers_the_pdf_tickets_and_a_calendar_file(
    page: Page, app_engine: Engine
) -> None:
    _, customer, booked = _booked_show(app_engine)
    log_in(page, customer)
    page.goto(f"/bookings/{booked.id}")

    with page.expect_download() as pdf_download:
        page.click("#download-pdf-letter")
    data = pdf_download.value.path().read_bytes()
    assert pdf_download.value.suggested_filename == f"tickets-{booked.code}.pdf"
    assert pdf_page_sizes_mm(data) == [(216, 279)] * 2
    assert pdf_qr_codes(data) == [[t.code] for t in booked.tickets]
    assert all("Door Night" in text and booked.code in text for text in pdf_pages_text(data))

    with page.expect_download() as ics_download:
        page.get_by_role("button", name="Add to calendar").click()
    (event,) = calendar_events(ics_download.value.path().read_bytes())
    assert event["dtstart"].params["TZID"] == "Europe/Vienna"
    assert str(event["location"]) == "Konzerthaus"

    booking.cancel_booking(booked.id, actor=Actor.of(customer), db=app_engine)
    page.reload()
    expect(page.locator("#booking-status")).to_have_text("cancelled")
    expect(page.locator("#download-pdf")).to_have_count(0)
    expect(page.get_by_role("button", name="Add to calendar")).to_have_count(0)


FEEDBACK_RECORDER = """
window.__buzzes = [];
window.__beeps = [];
const vibrate = navigator.vibrate ? navigator.vibrate.bind(navigator) : null;
navigator.vibrate = (pattern) => {
  window.__buzzes.push(pattern);
  return vibrate ? vibrate(pattern) : true;
};
const start = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...args) {
  window.__beeps.push(this.frequency.value);
  return start.apply(this, args);
};
"""


def _expect_feedback(page, *, buzzes: list, beeps: list[int]) -> None:
    """The buzz patterns and beep pitches so far, once they have all happened."""
    page.wait_for_function(
        "([b, t]) => window.__buzzes.length >= b && window.__beeps.length >= t",
        arg=[len(buzzes), len(beeps)],
    )
    assert page.evaluate("window.__buzzes") == buzzes
    assert page.evaluate("window.__beeps") == beeps


@pytest.fixture
def scene(app_engine: Engine) -> tuple[User, booking.BookingView]:
    organizer, _, booked = _booked_show(app_engine)
    return organizer, booked


@pytest.fixture
def camera_browser(playwright, tmp_path, scene) -> Browser:
    """A Chromium of its own whose camera films the scene's first ticket, on and off."""
    video = qr_video(tmp_path / "ticket.y4m", scene[1].tickets[0].code)
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    yield browser
    browser.close()


def test_door_staff_scan_a_ticket_with_the_camera_then_type_one(
    scene, camera_browser: Browser, browser: Browser, base_url: str, app_engine: Engine
) -> None:
    organizer, booked = scene
    first, second = booked.tickets

    # The organizer invites door staff on the dashboard.
    desk = browser.new_context(base_url=base_url).new_page()
    log_in(desk, organizer)
    desk.goto("/organizer/door-staff")
    desk.fill("#staff-name", "Dora Door")
    desk.fill("#staff-email", "dora.door@example.com")
    desk.fill("#staff-password", PASSWORD)
    desk.click("#staff-invite")
    expect(desk.locator(".door-staff-row")).to_contain_text("dora.door@example.com")
    desk.context.close()

    # Door staff log in on a phone with a camera, pick the show, and scan.
    context = camera_browser.new_context(base_url=base_url, permissions=["camera"])
    # Record what the phone would do for the steward's ears and hands: each buzz pattern and
    # each beep's pitch (the real calls still run).
    context.add_init_script(FEEDBACK_RECORDER)
    door = context.new_page()
    door.goto("/login")
    door.fill("#email", "dora.door@example.com")
    door.fill("#password", PASSWORD)
    door.click("#login-submit")
    expect(door.locator("#nav-user-role")).to_have_text("door")
    door.goto("/door")
    door.get_by_role("button", name="Open check-in for Door Night").click()
    expect(door).to_have_url(re.compile(r"/door/\d+$"))
    expect(door.locator("#door-counts")).to_have_text(re.compile(r"Checked in\s*0\s*of\s*2"))

    door.get_by_role("button", name="Scan with camera").click()
    result = door.locator("#door-result")
    expect(result).to_have_attribute("data-status", "checked_in")
    expect(door.locator("#door-result-title")).to_have_text("Valid — checked in")
    expect(door.locator("#door-result-detail")).to_contain_text(first.label)
    expect(door.locator("#door-result-detail")).to_contain_text("Stalls")
    expect(door.locator("#door-checked-in")).to_have_text("1")
    _expect_feedback(door, buzzes=[120], beeps=[880])
    # The ticket leaves the camera's view and comes back: scanned again, refused.
    expect(result).to_have_attribute("data-status", "already_checked_in", timeout=20_000)
    expect(door.locator("#door-result-title")).to_have_text("Already checked in")
    expect(door.locator("#door-result-detail")).to_contain_text("CET")
    _expect_feedback(door, buzzes=[120, [250, 100, 250]], beeps=[880, 220, 220])

    # Typed by hand, sloppily: lower case, no dashes, O for 0 and l for 1.
    door.get_by_role("button", name="Stop camera").click()
    sloppy = second.code.lower().replace("0", "o").replace("1", "l")
    door.get_by_label("Ticket code").fill(sloppy)
    door.click("#door-submit")
    expect(door.locator("#door-result-title")).to_have_text("Valid — checked in")
    expect(door.locator("#door-result-detail")).to_contain_text(second.label)
    expect(door.locator("#door-checked-in")).to_have_text("2")
    door.get_by_label("Ticket code").fill("NOT-A-TICKET")
    door.click("#door-submit")
    expect(door.locator("#door-result-title")).to_have_text("Unknown ticket")
    expect(door.locator("#door-result")).to_have_attribute("data-status", "unknown")
    expect(door.locator("#door-checked-in")).to_have_text("2")

    # Door staff reach nothing else: the dashboard sends them away.
    door.goto("/organizer")
    expect(door).to_have_url(re.compile(r"/$"))
    door.goto(f"/bookings/{booked.id}")
    expect(door.get_by_text("This booking does not exist.")).to_be_visible()
    context.close()
