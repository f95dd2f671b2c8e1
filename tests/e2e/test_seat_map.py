"""Seat map behaviour in a real browser: contention, expiry, keyboard, best available, caps."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from tests.e2e.helpers import create_user, log_in, make_show, seat, wait_for_map
from ticketapp.booking import confirm_hold, hold_seats
from ticketapp.models import Hold, SeatStatus, ShowSeat


def _new_page(browser: Browser, base_url: str) -> Page:
    return browser.new_context(base_url=base_url).new_page()


def test_two_buyers_want_the_same_seat_one_gets_it_the_other_is_told(
    browser: Browser, base_url: str, app_engine
):
    _, show_id, _ = make_show(app_engine)
    pages = []
    for name in ("Alice", "Bob"):
        page = _new_page(browser, base_url)
        log_in(page, create_user(app_engine, name=name))
        page.goto(f"/shows/{show_id}")
        wait_for_map(page)
        for number in (2, 3):
            seat(page, f"Row A, seat {number},").click()
        expect(page.locator(".pick-row")).to_have_count(2)
        pages.append(page)

    # Both press Continue at once; the loser learns it either from the hold itself or from
    # the live map a moment earlier — the outcome is the same.
    # A DOM click, not page.click(): the loser's button may already be disabled because the
    # live map emptied its selection, and that is one of the two correct outcomes.
    for page in pages:
        page.evaluate("document.getElementById('continue-button').click()")
    for page in pages:
        expect(page.locator("#hold-countdown").or_(page.locator("#show-message"))).to_be_visible()
    winners = [p for p in pages if p.locator("#hold-countdown").count()]
    assert len(winners) == 1, [p.url for p in pages]
    loser = next(p for p in pages if p is not winners[0])
    expect(loser).to_have_url(re.compile(f"/shows/{show_id}$"))
    expect(loser.locator("#show-message")).to_contain_text("Just taken by someone else")
    expect(loser.locator("#show-message")).to_contain_text("Stalls row A seat 2")
    expect(seat(loser, "Row A, seat 2,")).to_have_attribute(
        "aria-label", re.compile("held by someone else$")
    )
    expect(loser.locator(".pick-row")).to_have_count(0)
    expect(loser.locator("#continue-button")).to_be_disabled()
    for page in pages:
        page.context.close()


def test_hold_expiry_releases_seats_and_sends_the_buyer_back(page: Page, app_engine):
    _, show_id, _ = make_show(app_engine, hold_seconds=6)
    log_in(page, create_user(app_engine))
    page.goto(f"/shows/{show_id}")
    wait_for_map(page)
    seat(page, "Row C, seat 1,").click()
    expect(page.locator("#selection-total")).to_have_text("€45.00")
    page.click("#continue-button")
    expect(page).to_have_url(re.compile(r"/checkout/\d+$"))
    expect(page.locator("#hold-countdown")).to_be_visible()
    # The countdown runs out by itself (6 s hold); the page must react without a click.
    expect(page).to_have_url(re.compile(f"/shows/{show_id}$"), timeout=15_000)
    expect(page.locator("#show-message")).to_contain_text("expired")
    with Session(app_engine) as session:
        row = session.exec(
            select(ShowSeat).where(
                ShowSeat.show_id == show_id, ShowSeat.row_label == "C", ShowSeat.number == 1
            )
        ).one()
        assert row.status == SeatStatus.AVAILABLE
        holds = session.exec(select(Hold).where(Hold.show_id == show_id)).all()
        assert [h.status for h in holds] == ["released"]


def test_keyboard_only_selection(page: Page, app_engine):
    _, show_id, _ = make_show(app_engine)
    log_in(page, create_user(app_engine))
    page.goto(f"/shows/{show_id}")
    wait_for_map(page)
    first = seat(page, "Row A, seat 1,")
    first.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    focused = page.locator("button.seat:focus")
    expect(focused).to_have_attribute("aria-label", "Row B, seat 3, Stalls, €45.00, available")
    page.keyboard.press("Enter")
    expect(focused).to_have_attribute("aria-label", "Row B, seat 3, Stalls, €45.00, selected")
    expect(page.locator("#picked-seats")).to_contain_text("Stalls row B seat 3")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Space")
    expect(page.locator("#selection-total")).to_have_text("€90.00")
    page.keyboard.press("Space")
    expect(page.locator("#selection-total")).to_have_text("€45.00")
    expect(seat(page, "Row B, seat 2,")).to_have_attribute("aria-pressed", "false")
    # Only one seat is in the tab order (roving tabindex), so Tab leaves the map at once.
    expect(page.locator('button.seat[tabindex="0"]')).to_have_count(1)


def test_best_available_finds_adjacent_seats_and_shows_them_selected(page: Page, app_engine):
    _, show_id, _ = make_show(app_engine, rows=4, seats_per_row=8)
    log_in(page, create_user(app_engine))
    page.goto(f"/shows/{show_id}")
    wait_for_map(page)
    page.select_option("#best-quantity", "3")
    page.click("#best-submit")
    expect(page.locator("#show-message")).to_contain_text("We found 3 seats")
    selected = page.locator('button.seat[aria-pressed="true"]')
    expect(selected).to_have_count(3)
    labels = [selected.nth(i).get_attribute("aria-label") for i in range(3)]
    rows = {re.match(r"Row (\w+)", label).group(1) for label in labels}
    numbers = sorted(int(re.search(r"seat (\d+)", label).group(1)) for label in labels)
    assert rows == {"A"}, labels  # front row first
    assert numbers == list(range(numbers[0], numbers[0] + 3))
    assert 3 <= numbers[1] <= 6  # centred
    page.click("#continue-button")
    expect(page).to_have_url(re.compile(r"/checkout/\d+$"))
    expect(page.locator(".checkout-line")).to_have_count(3)


def test_seat_cap_is_explained_when_hit(page: Page, app_engine):
    _, show_id, _ = make_show(app_engine, cap=2)
    log_in(page, create_user(app_engine))
    page.goto(f"/shows/{show_id}")
    wait_for_map(page)
    for number in (1, 2, 3):
        seat(page, f"Row A, seat {number},").click()
    expect(page.locator("#show-message")).to_contain_text("at most 2 seats")
    expect(page.locator('button.seat[aria-pressed="true"]')).to_have_count(2)
    expect(page.locator("#selection-total")).to_have_text("€90.00")


def test_logged_out_visitor_is_sent_to_log_in_and_back(page: Page, app_engine):
    _, show_id, _ = make_show(app_engine)
    user = create_user(app_engine)
    page.goto(f"/shows/{show_id}")
    wait_for_map(page)
    seat(page, "Row A, seat 1,").click()
    page.click("#continue-button")
    expect(page).to_have_url(re.compile(rf"/login\?next=/shows/{show_id}$"))
    page.fill("#email", user.email)
    page.fill("#password", "test-password-1")
    page.click("#login-submit")
    expect(page).to_have_url(re.compile(f"/shows/{show_id}$"))
    wait_for_map(page)


def test_general_admission_quantity_picker(page: Page, app_engine):
    _, show_id, _ = make_show(app_engine, standing=50)
    log_in(page, create_user(app_engine))
    page.goto(f"/shows/{show_id}")
    expect(page.locator(".places-left")).to_have_text("50 places left")
    page.select_option(".ga-quantity", "4")
    page.click(".ga-add")
    expect(page.locator("#continue-button")).to_have_text("Continue with 4 places")
    page.click("#continue-button")
    expect(page).to_have_url(re.compile(r"/checkout/\d+$"))
    expect(page.locator(".checkout-line")).to_have_count(4)
    expect(page.locator("#checkout-total")).to_have_text("€80.00")
    page.click("#confirm-button")
    expect(page.locator(".ticket")).to_have_count(4)


# What tells a seat's state apart besides its colour: its shape, its edge and its mark.
SHAPE = """(b) => {
    const s = getComputedStyle(b);
    return [s.borderTopLeftRadius, s.borderBottomLeftRadius, s.borderTopStyle,
            getComputedStyle(b, '::after').content];
}"""


def test_seat_states_differ_by_shape_not_colour_alone_in_map_and_legend(page: Page, app_engine):
    _, show_id, _ = make_show(
        app_engine, blocked={("A", 3)}, accessible={("B", 1)}, companion={("B", 2)}
    )
    other = create_user(app_engine, name="Other")
    with Session(app_engine) as session:
        ids = {
            (s.row_label, s.number): s.id
            for s in session.exec(select(ShowSeat).where(ShowSeat.show_id == show_id))
        }
    confirm_hold(
        hold_seats(other.id, show_id, [ids["A", 1]], db=app_engine).hold_id,
        user_id=other.id,
        db=app_engine,
    )
    hold_seats(other.id, show_id, [ids["A", 2]], db=app_engine)
    log_in(page, create_user(app_engine))
    page.goto(f"/shows/{show_id}")
    wait_for_map(page)
    seat(page, "Row A, seat 4,").click()
    expect(seat(page, "Row A, seat 4,")).to_have_attribute("aria-pressed", "true")

    looks = {
        state: seat(page, label).evaluate(SHAPE)
        for state, label in [
            ("taken", "Row A, seat 1,"),
            ("held", "Row A, seat 2,"),
            ("not for sale", "Row A, seat 3,"),
            ("yours", "Row A, seat 4,"),
            ("available", "Row A, seat 5,"),
            ("wheelchair", "Row B, seat 1,"),
            ("companion", "Row B, seat 2,"),
        ]
    }
    assert len({tuple(look) for look in looks.values()}) == len(looks), looks
    expect(seat(page, "Row A, seat 1,")).to_have_attribute("aria-label", re.compile("taken$"))
    expect(seat(page, "Row B, seat 2,")).to_have_attribute(
        "aria-label", re.compile("companion seat, available$")
    )

    # The legend draws the same seats, companion seats included.
    legend = page.locator("#seat-legend")
    for text, cls in [
        ("Your selection", "sel"),
        ("Taken", "s-b"),
        ("Held by someone else", "s-h"),
        ("Not for sale", "s-x"),
        ("Wheelchair space", "acc"),
        ("Companion seat", "comp"),
    ]:
        entry = legend.locator(".rt-Flex").filter(has_text=text).locator(f".seat.{cls}")
        expect(entry).to_have_count(1)
    assert legend.locator(".seat.s-h").evaluate(SHAPE) == looks["held"]
    assert legend.locator(".seat.comp").evaluate(SHAPE) == looks["companion"]
    # Sections are named on the map itself.
    expect(page.locator(".seatmap-grid .section-label")).to_have_text(["Stalls"])
