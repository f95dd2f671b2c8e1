"""Honest pages: a show not on sale offers nothing to buy, a cancelled booking's tickets are
void, holds are kept, asked about, warned of and extended, times read on the venue's clock
(and the reader's own), search ignores accents and lives in the URL, the organizer's show page
is live.

Set HONEST_SHOTS=/some/dir to also save screenshots of the pages at 1280 and 390 px.
"""

from __future__ import annotations

import os
import re
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from tests.e2e.helpers import create_user, log_in, seat, wait_for_map
from ticketapp import booking
from ticketapp.booking import Actor, PriceSpec, SectionSpec, grid_section
from ticketapp.formatting import show_time
from ticketapp.models import Hold, Role, Show, User, utcnow
from ticketapp.timezones import to_utc

SHOTS = os.environ.get("HONEST_SHOTS", "")
VIENNA = "Europe/Vienna"


def shot(page: Page, name: str) -> None:
    """Full-page screenshots at desktop and phone width (only when HONEST_SHOTS is set)."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)  # a screenshot only: let the layout settle after resizing
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    if size:
        page.set_viewport_size(size)


def build(
    engine,
    *,
    title: str = "",
    zone: str = "UTC",
    starts_at: datetime | None = None,
    sections: list[SectionSpec] | None = None,
    prices: list[PriceSpec] | None = None,
    **show_kwargs,
) -> tuple[User, int, int, str]:
    """A published event with one show; (its organizer, event id, show id, title)."""
    organizer_user = create_user(engine, Role.ORGANIZER, "Org")
    organizer = Actor.of(organizer_user)
    title = title or f"Show {uuid.uuid4().hex[:8]}"
    sections = sections or [grid_section("Stalls", "Stalls", ["A", "B", "C"], 6)]
    layout = booking.create_layout(organizer, "Room", sections, db=engine)
    event = booking.create_event(
        organizer, title, "Test Hall", status="published", timezone=zone, db=engine
    )
    show = booking.create_show(
        event.id,
        starts_at or utcnow() + timedelta(days=5),
        layout,
        prices or [PriceSpec(s.category, 4500) for s in sections],
        actor=organizer,
        db=engine,
        **show_kwargs,
    )
    return organizer_user, event.id, show.id, title


# --- a show that is not on sale --------------------------------------------------------------


def test_a_cancelled_show_says_so_and_offers_nothing_to_buy(page: Page, app_engine):
    organizer, _, show_id, _ = build(app_engine)
    booking.cancel_show(show_id, actor=Actor.of(organizer), reason="Storm", db=app_engine)
    log_in(page, create_user(app_engine))

    page.goto(f"/shows/{show_id}")

    expect(page.locator("#sales-note")).to_have_text("This show was cancelled.")
    expect(page.locator("#show-when")).to_be_visible()
    expect(page.locator("#continue-button")).to_have_count(0)
    expect(page.locator("#seat-map")).to_have_count(0)
    expect(page.locator("#best-submit")).to_have_count(0)
    expect(page.get_by_text("places left")).to_have_count(0)
    shot(page, "show-cancelled")


def test_a_show_not_yet_on_sale_says_when_sales_open_on_the_venue_clock(page: Page, app_engine):
    opens = utcnow().replace(microsecond=0) + timedelta(days=2)
    _, event_id, show_id, _ = build(
        app_engine, zone=VIENNA, sales_open_at=opens, starts_at=opens + timedelta(days=3)
    )
    page.goto(f"/shows/{show_id}")

    expect(page.locator("#sales-note")).to_have_text(f"Sales open on {show_time(opens, VIENNA)}.")
    expect(page.locator("#continue-button")).to_have_count(0)
    page.goto(f"/events/{event_id}")
    expect(page.locator(".sales-note")).to_have_text(f"Sales open on {show_time(opens, VIENNA)}.")
    expect(page.get_by_role("button", name="Choose seats")).to_be_disabled()


# --- a cancelled booking ---------------------------------------------------------------------


def test_a_cancelled_booking_shows_void_tickets_when_and_why(page: Page, app_engine):
    organizer, _, show_id, _ = build(app_engine)
    buyer = create_user(app_engine)
    ids = [s.id for s in booking.seat_map(show_id, db=app_engine).seats[:2]]
    held = booking.hold_seats(buyer.id, show_id, ids, db=app_engine)
    booked = booking.confirm_hold(held.hold_id, user_id=buyer.id, db=app_engine)
    booking.cancel_booking(
        booked.id, actor=Actor.of(organizer), reason="The stage was flooded.", db=app_engine
    )
    log_in(page, buyer)

    page.goto(f"/bookings/{booked.id}")

    expect(page.locator("#booking-status")).to_have_text("cancelled")
    expect(page.locator("#booking-cancelled")).to_contain_text("This booking was cancelled on")
    expect(page.locator("#booking-cancelled")).to_contain_text("The stage was flooded.")
    expect(page.locator(".ticket")).to_have_count(2)
    expect(page.locator(".ticket img")).to_have_count(0)  # no code left to scan
    expect(page.locator(".ticket-void")).to_have_count(2)
    expect(page.get_by_role("button", name="Print tickets")).to_have_count(0)
    shot(page, "booking-cancelled")


# --- holds: kept, asked about, warned of, extended -------------------------------------------


def test_back_to_the_map_keeps_the_hold_and_best_available_asks_first(page: Page, app_engine):
    _, _, show_id, _ = build(app_engine)
    buyer = create_user(app_engine)
    log_in(page, buyer)
    page.goto(f"/shows/{show_id}")
    wait_for_map(page)
    seat(page, "Row B, seat 3,").click()
    page.click("#continue-button")
    expect(page).to_have_url(re.compile(r"/checkout/\d+$"))
    hold_id = int(page.url.rsplit("/", 1)[1])

    page.click("#back-to-map")

    expect(page).to_have_url(re.compile(f"/shows/{show_id}$"))
    wait_for_map(page)
    expect(seat(page, "Row B, seat 3,")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#show-message")).to_contain_text("1 place held for you until")
    with Session(app_engine) as session:
        assert session.get(Hold, hold_id).status == "active"

    page.select_option("#best-quantity", "2")
    page.click("#best-submit")
    expect(page.locator("#replace-text")).to_contain_text("Stalls row B seat 3")
    shot(page, "show-replace-question")
    page.click("#keep-held")
    expect(page.locator("#replace-text")).to_have_count(0)
    expect(seat(page, "Row B, seat 3,")).to_have_attribute("aria-pressed", "true")
    with Session(app_engine) as session:
        assert session.get(Hold, hold_id).status == "active"

    page.click("#continue-button")  # the same hold: the checkout link still works
    expect(page).to_have_url(re.compile(f"/checkout/{hold_id}$"))
    expect(page.locator("#checkout-total")).to_have_text("€45.00")


def test_the_last_minute_is_announced_and_the_hold_extended_once(page: Page, app_engine):
    _, _, show_id, _ = build(app_engine, hold_seconds=65)
    log_in(page, create_user(app_engine))
    page.goto(f"/shows/{show_id}")
    wait_for_map(page)
    seat(page, "Row A, seat 1,").click()
    page.click("#continue-button")
    expect(page).to_have_url(re.compile(r"/checkout/\d+$"))
    hold_id = int(page.url.rsplit("/", 1)[1])

    warning = page.locator("#hold-warning")
    expect(warning).to_contain_text("Less than a minute left", timeout=30_000)
    shot(page, "checkout-last-minute")
    page.click("#extend-hold")

    expect(page.locator("#hold-countdown")).to_have_text(re.compile(r"^0[12]:\d\d$"))
    expect(page.locator("#extend-hold")).to_have_count(0)
    with Session(app_engine) as session:
        assert session.get(Hold, hold_id).extended_at is not None


def test_seats_and_standing_read_as_one_cart_with_one_continue(page: Page, app_engine):
    sections = [
        grid_section("Stalls", "Stalls", ["A"], 4),
        SectionSpec("Standing", "Standing", general_admission_capacity=1),
    ]
    _, _, show_id, _ = build(app_engine, sections=sections, hold_seconds=60)
    log_in(page, create_user(app_engine))
    page.goto(f"/shows/{show_id}")
    wait_for_map(page)

    expect(page.get_by_text("Standing only")).to_have_count(0)
    expect(page.locator(".places-left")).to_have_text("1 place left")
    expect(page.locator("#hold-rules")).to_contain_text("held for 1 minute while")
    expect(page.get_by_role("button", name=re.compile("^Continue"))).to_have_count(1)
    page.click(".ga-add")
    expect(page.locator("#continue-button")).to_have_text("Continue with 1 place")
    expect(page.locator(".places-left")).to_have_text("0 places left")
    expect(page.locator(".ga-add")).to_be_disabled()
    seat(page, "Row A, seat 2,").click()
    expect(page.locator("#continue-button")).to_have_text("Continue with 2 places")
    shot(page, "show-seats-and-standing")
    page.click("#continue-button")
    expect(page.locator(".checkout-line")).to_have_count(2)


def test_best_available_seats_a_wheelchair_party_beside_its_companion(page: Page, app_engine):
    sections = [
        grid_section(
            "Stalls",
            "Stalls",
            ["A", "B", "C"],
            10,
            accessible={("C", 1)},
            companion={("C", 2)},
        )
    ]
    _, _, show_id, _ = build(app_engine, sections=sections)
    log_in(page, create_user(app_engine))
    page.goto(f"/shows/{show_id}")
    wait_for_map(page)
    page.select_option("#best-quantity", "4")
    page.select_option("#best-accessible", "1")
    page.click("#best-submit")

    expect(page.locator("#show-message")).to_contain_text(
        "We found 4 seats for you: Stalls row C seat 1, Stalls row C seat 2"
    )
    expect(page.locator('button.seat[aria-pressed="true"]')).to_have_count(4)

    page.select_option("#best-accessible", "2")
    page.click("#best-submit")
    page.click("#replace-held")
    expect(page.locator("#show-message")).to_contain_text(
        "No 4 seats with 2 wheelchair spaces are left together for this choice. "
        "Only 1 wheelchair space is left."
    )


# --- time zones ------------------------------------------------------------------------------


def test_times_read_on_the_venue_clock_and_on_the_reader_clock(
    browser: Browser, base_url: str, app_engine
):
    starts_at = to_utc(datetime(2031, 1, 15, 19, 30), VIENNA)
    _, event_id, show_id, _ = build(app_engine, zone=VIENNA, starts_at=starts_at)
    context = browser.new_context(base_url=base_url, timezone_id="America/New_York")
    page = context.new_page()

    page.goto(f"/events/{event_id}")
    row = page.locator(".show-row")
    expect(row).to_contain_text("Wed 15 Jan 2031, 19:30 CET")
    expect(row).to_contain_text("13:30 your time (America/New York)")
    shot(page, "event-venue-time")
    page.goto(f"/shows/{show_id}")
    expect(page.locator("#show-when")).to_contain_text("19:30 CET")
    expect(page.locator("#show-when")).to_contain_text("13:30 your time")
    expect(page.get_by_text("Times are shown in UTC")).to_have_count(0)
    shot(page, "show-venue-time")
    context.close()

    vienna = browser.new_context(base_url=base_url, timezone_id=VIENNA).new_page()
    vienna.goto(f"/shows/{show_id}")
    expect(vienna.locator("#show-when")).to_contain_text("19:30 CET")
    expect(vienna.locator("#show-when")).not_to_contain_text("your time")
    vienna.context.close()


def test_an_organizer_enters_a_showtime_on_the_venue_clock(page: Page, app_engine):
    organizer = create_user(app_engine, Role.ORGANIZER, "Zoe Zone")
    layout = booking.create_layout(
        Actor.of(organizer), "Hall", [grid_section("Stalls", "Stalls", ["A"], 4)], db=app_engine
    )
    log_in(page, organizer)
    page.goto("/organizer/events/new")
    page.fill("#event-title", "Dvořák in Vienna")
    page.fill("#event-venue_name", "Musikverein")
    page.fill("#event-timezone", "Mars/Olympus")
    page.click("#create-event")
    expect(page.locator("#event-form-error")).to_contain_text("Unknown time zone")
    page.fill("#event-timezone", VIENNA)
    page.click("#create-event")
    expect(page).to_have_url(re.compile(r"/organizer/events/\d+$"))
    event_id = int(page.url.rsplit("/", 1)[1])

    page.click("#add-show")
    expect(page.get_by_text("Starts (Europe/Vienna time)")).to_be_visible()
    expect(page.locator("#show-layout")).to_have_value(str(layout))
    page.fill("#show-starts", "2031-07-10T19:30")
    page.get_by_label("Price for Stalls").fill("30")
    shot(page, "organizer-showtime-dialog")
    page.click("#save-show")

    expect(page.locator(".show-admin-row")).to_contain_text("Thu 10 Jul 2031, 19:30 CEST")
    with Session(app_engine) as session:
        show = session.exec(select(Show).where(Show.event_id == event_id)).one()
        assert show.starts_at == to_utc(datetime(2031, 7, 10, 17, 30), "UTC")


# --- search ----------------------------------------------------------------------------------


def wait_for_events(page: Page) -> None:
    """The first list has loaded: the page is connected, so typed filters reach its state."""
    expect(page.locator("#events-count, #events-empty").first).to_be_visible()


def _search_data(engine) -> str:
    tag = uuid.uuid4().hex[:6]
    build(engine, title=f"Dvořák Nights {tag}", starts_at=utcnow() + timedelta(days=20))
    return tag


def test_search_ignores_accents_applies_as_typed_and_lives_in_the_url(page: Page, app_engine):
    tag = _search_data(app_engine)
    page.goto("/")
    wait_for_events(page)

    page.fill("#search-input", f"DVORAK {tag}")

    expect(page).to_have_url(re.compile(rf"\?q=DVORAK\+{tag}$"))
    expect(page.get_by_test_id("event-card")).to_have_count(1)
    expect(page.get_by_test_id("event-card")).to_contain_text(f"Dvořák Nights {tag}")
    shot(page, "home-search")
    page.select_option("#category-filter", "other")
    expect(page).to_have_url(re.compile(r"category=other"))
    page.go_back()
    expect(page).to_have_url(re.compile(rf"\?q=DVORAK\+{tag}$"))
    expect(page.locator("#search-input")).to_have_value(f"DVORAK {tag}")
    expect(page.get_by_test_id("event-card")).to_have_count(1)

    shared = page.context.new_page()  # the link alone brings the same search
    shared.goto(f"/?q=dvorak+{tag}")
    expect(shared.get_by_test_id("event-card")).to_have_count(1)
    shared.close()


def test_a_reversed_date_range_is_explained_on_a_phone(browser: Browser, base_url: str):
    page = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844}).new_page()
    page.goto("/")
    wait_for_events(page)
    page.fill("#date-from", "2031-05-02")
    expect(page).to_have_url(re.compile(r"from=2031-05-02"))
    page.fill("#date-to", "2031-05-01")

    expect(page.locator("#filter-error")).to_contain_text("before the start date")
    expect(page).to_have_url(re.compile(r"from=2031-05-02&to=2031-05-01"))
    box = page.locator("#filter-error").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    shot(page, "home-reversed-dates")
    page.context.close()


# --- the organizer's show page is live -------------------------------------------------------


def test_the_organizer_show_page_follows_a_customer_hold_without_refresh(page: Page, app_engine):
    organizer, _, show_id, _ = build(app_engine)
    log_in(page, organizer)
    page.goto(f"/organizer/shows/{show_id}")
    held = page.locator('.stat-card[data-label="Held now"] .stat-value')
    expect(held).to_have_text("0")
    wait_for_map(page)

    buyer = create_user(app_engine)
    first = booking.seat_map(show_id, db=app_engine).seats[0].id
    booking.hold_seats(buyer.id, show_id, [first], db=app_engine)

    expect(held).to_have_text("1")
    expect(page.locator("button.seat.s-h")).to_have_count(1)
    shot(page, "organizer-show-live")
