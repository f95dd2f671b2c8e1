"""The seat map on a phone (390×844, touch) and its zoom on a desktop: a tap selects exactly
the tapped seat and nothing around the map moves; pinch, drag, the zoom buttons and Ctrl +
wheel zoom and pan; the selection and Continue stay in reach; the navbar collapses."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, CDPSession, Locator, Page, expect

from tests.e2e.helpers import create_user, log_in, make_show, seat, wait_for_map

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}


@pytest.fixture
def phone(browser: Browser, base_url: str) -> Page:
    context = browser.new_context(base_url=base_url, **PHONE)
    yield context.new_page()
    context.close()


def _zoom(page: Page) -> float:
    return float(page.locator(".seatmap-box").get_attribute("data-zoom"))


def _centre(locator: Locator) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _visible_seat(page: Page) -> Locator:
    """An available seat drawn wholly inside the map's viewport (and not under the bar)."""
    index = page.evaluate(
        """() => {
            const box = document.querySelector('.seatmap-box').getBoundingClientRect();
            const bar = document.querySelector('.seat-summary').getBoundingClientRect();
            const bottom = Math.min(box.bottom, bar.top);
            const seat = [...document.querySelectorAll('button.seat.s-a')].find((b) => {
                const r = b.getBoundingClientRect();
                return r.left >= box.left && r.right <= box.right && r.top >= box.top
                    && r.bottom <= bottom;
            });
            return seat ? seat.dataset.i : null;
        }"""
    )
    assert index is not None, "no seat in view"
    return page.locator(f'button.seat[data-i="{index}"]')


def _touch(cdp: CDPSession, kind: str, points: list[tuple[float, float]]) -> None:
    # Playwright has no multi-touch API: the DevTools protocol sends real touch points (one
    # session per page: a gesture's start, moves and end must come through the same one).
    cdp.send(
        "Input.dispatchTouchEvent",
        {
            "type": kind,
            "touchPoints": [{"x": x, "y": y, "id": i} for i, (x, y) in enumerate(points)],
        },
    )


def test_a_tap_selects_exactly_the_tapped_seat_and_nothing_around_the_map_moves(
    phone: Page, app_engine
):
    _, show_id, _ = make_show(app_engine, rows=8, seats_per_row=14, cap=2)
    log_in(phone, create_user(app_engine))
    phone.goto(f"/shows/{show_id}")
    wait_for_map(phone)
    box = phone.locator(".seatmap-box")
    box.evaluate("(e) => e.scrollIntoView({block: 'start'})")
    where = box.bounding_box()

    tapped = []
    for label, picks in (("Row C, seat 10,", 1), ("Row C, seat 11,", 2), ("Row D, seat 12,", 2)):
        target = seat(phone, label)
        phone.touchscreen.tap(*_centre(target))
        tapped.append(label)
        expect(phone.locator(".pick-row")).to_have_count(picks)
        # The info line changed and (third tap) the cap's message appeared: the map stays.
        assert box.bounding_box() == where, label
    expect(phone.locator("#show-message")).to_contain_text("at most 2 seats")
    expect(phone.locator('button.seat[aria-pressed="true"]')).to_have_count(2)
    expect(seat(phone, "Row C, seat 10,")).to_have_attribute("aria-pressed", "true")
    expect(seat(phone, "Row C, seat 11,")).to_have_attribute("aria-pressed", "true")
    expect(phone.locator("#picked-seats")).to_contain_text("Stalls row C seat 10")
    assert box.bounding_box() == where

    # A tap on a selected seat (through Playwright's own tap) gives it back.
    seat(phone, "Row C, seat 11,").tap()
    expect(phone.locator(".pick-row")).to_have_count(1)
    expect(seat(phone, "Row C, seat 11,")).to_have_attribute("aria-pressed", "false")


def test_pinch_zooms_and_a_drag_pans_without_selecting_a_seat(phone: Page, app_engine):
    _, show_id, _ = make_show(app_engine, rows=8, seats_per_row=14)
    phone.goto(f"/shows/{show_id}")
    wait_for_map(phone)
    box = phone.locator(".seatmap-box")
    box.evaluate("(e) => e.scrollIntoView({block: 'start'})")
    target = seat(phone, "Row D, seat 7,")
    zoom, size = _zoom(phone), target.bounding_box()["width"]
    x, y = _centre(target)
    cdp = phone.context.new_cdp_session(phone)

    _touch(cdp, "touchStart", [(x - 20, y), (x + 20, y)])
    for spread in range(25, 65, 5):
        _touch(cdp, "touchMove", [(x - spread, y), (x + spread, y)])
    _touch(cdp, "touchEnd", [])
    assert _zoom(phone) > zoom
    assert target.bounding_box()["width"] > size

    before = target.bounding_box()
    start = _centre(target)
    _touch(cdp, "touchStart", [start])
    for step in range(1, 9):
        _touch(cdp, "touchMove", [(start[0] - 5 * step, start[1] - 3 * step)])
    _touch(cdp, "touchEnd", [])
    after = target.bounding_box()
    assert after["x"] < before["x"] and after["y"] < before["y"]
    # Neither gesture selected the seat it started on.
    expect(phone.locator('button.seat[aria-pressed="true"]')).to_have_count(0)
    expect(phone.locator(".pick-row")).to_have_count(0)


def test_a_big_hall_starts_readable_and_the_zoom_buttons_work(phone: Page, app_engine):
    _, show_id, _ = make_show(app_engine, rows=12, seats_per_row=40)
    log_in(phone, create_user(app_engine))
    phone.goto(f"/shows/{show_id}")
    wait_for_map(phone)
    phone.locator(".seatmap-box").evaluate("(e) => e.scrollIntoView({block: 'start'})")
    # Whole, this hall's seats would be ~7 px wide on a phone: it starts at a size one can tap.
    first = _visible_seat(phone)
    assert first.bounding_box()["width"] >= 12

    phone.get_by_role("button", name="Fit to screen").tap()
    grid = phone.locator(".seatmap-stage").bounding_box()
    view = phone.locator(".seatmap-box").bounding_box()
    assert grid["x"] >= view["x"] and grid["x"] + grid["width"] <= view["x"] + view["width"]
    fitted = _zoom(phone)
    phone.get_by_role("button", name="Zoom in").tap()
    assert _zoom(phone) > fitted
    zoomed = _zoom(phone)
    phone.get_by_role("button", name="Zoom out").tap()
    assert _zoom(phone) < zoomed

    # The selection and Continue stay in reach below the map: a bar stuck to the bottom.
    phone.get_by_role("button", name="Zoom in").tap()
    phone.get_by_role("button", name="Zoom in").tap()
    pick = _visible_seat(phone)
    name = pick.get_attribute("aria-label").split(", available")[0]
    pick.tap()
    expect(phone.locator(".pick-row")).to_have_count(1)
    expect(phone.locator(f'button.seat[aria-label^="{name}"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(phone.locator("#continue-button")).to_be_in_viewport()
    phone.locator("#continue-button").tap()
    expect(phone).to_have_url(re.compile(r"/checkout/\d+$"))


def test_the_navbar_collapses_into_a_menu_on_a_phone(phone: Page, app_engine):
    user = create_user(app_engine, name="Bartholomew Maximilian Featherstonehaugh-Worthington III")
    log_in(phone, user)
    phone.goto("/bookings")
    expect(phone.get_by_role("link", name="My bookings", exact=True)).to_be_hidden()
    # Against the device's width: on a mobile viewport innerWidth grows with the page.
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= 390
    menu = phone.get_by_role("button", name=re.compile("Bartholomew"))
    menu.tap()
    expect(phone.get_by_role("menuitem", name="My bookings")).to_be_visible()
    expect(phone.get_by_role("menuitem", name="Account")).to_be_visible()


def test_on_a_desktop_a_message_does_not_move_the_map_and_ctrl_wheel_zooms(page: Page, app_engine):
    _, show_id, _ = make_show(app_engine, cap=1)
    log_in(page, create_user(app_engine))
    page.goto(f"/shows/{show_id}")
    wait_for_map(page)
    box = page.locator(".seatmap-box")
    where = box.bounding_box()
    seat(page, "Row A, seat 1,").click()
    seat(page, "Row A, seat 2,").click()  # over the cap: a message
    expect(page.locator("#show-message")).to_contain_text("at most 1")
    assert box.bounding_box() == where

    zoom = _zoom(page)
    page.mouse.move(*_centre(box))
    page.keyboard.down("Control")
    page.mouse.wheel(0, -200)
    page.keyboard.up("Control")
    expect(box).not_to_have_attribute("data-zoom", f"{zoom:.3f}")
    assert _zoom(page) > zoom
    # Keyboard seat picking still works after zooming.
    seat(page, "Row A, seat 1,").focus()
    page.keyboard.press("ArrowDown")
    expect(page.locator("button.seat:focus")).to_have_attribute(
        "aria-label", re.compile(r"^Row B, seat 1,")
    )
