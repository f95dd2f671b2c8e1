"""The attack of issue 14.3, for real: a tab shows its bookings and is closed; a second browser
that knows only that tab's Reflex client token (not the JWT in localStorage) opens a websocket
with it. It must get nothing — not on the page, not in any websocket frame."""

from __future__ import annotations

import time

import redis
from playwright.sync_api import Browser, WebSocket, expect
from sqlmodel import Session, select

from tests.e2e.conftest import REDIS_URL
from tests.e2e.helpers import create_user, log_in, make_show
from ticketapp.booking import confirm_hold, hold_seats
from ticketapp.models import Role, ShowSeat


def _wait_until_disconnected(client_token: str) -> None:
    """Until the server has dropped the closed tab's socket (Reflex's token record in Redis):
    otherwise Reflex would hand the second browser a fresh token, and prove nothing."""
    store = redis.Redis.from_url(REDIS_URL)
    key = f"token_manager_socket_record_{client_token}"
    deadline = time.monotonic() + 30
    while store.exists(key):
        assert time.monotonic() < deadline, "the closed tab's socket was never dropped"
        time.sleep(0.05)


def test_a_second_websocket_with_a_seen_client_token_gets_nothing(
    browser: Browser, base_url, app_engine
):
    _, show_id, _ = make_show(app_engine)
    victim = create_user(app_engine, Role.CUSTOMER, "Vic Victim")
    with Session(app_engine) as session:
        seat = session.exec(select(ShowSeat.id).where(ShowSeat.show_id == show_id)).first()
    booked = confirm_hold(
        hold_seats(victim.id, show_id, [seat], db=app_engine).hold_id,
        user_id=victim.id,
        db=app_engine,
    )

    tab = browser.new_context(base_url=base_url)
    page = tab.new_page()
    log_in(page, victim)
    page.goto("/bookings")
    expect(page.get_by_text(booked.code)).to_be_visible()
    client_token = page.evaluate("window.sessionStorage.getItem('token')")
    tab.close()
    _wait_until_disconnected(client_token)

    frames: list[str] = []

    def watch(socket: WebSocket) -> None:
        socket.on("framereceived", lambda payload: frames.append(str(payload)))

    attacker = browser.new_context(base_url=base_url)
    attacker.add_init_script(f"window.sessionStorage.setItem('token', '{client_token}')")
    spy = attacker.new_page()
    spy.on("websocket", watch)
    spy.goto("/bookings")

    expect(spy.locator("#login-submit")).to_be_visible()  # sent to log in
    spy.wait_for_load_state("networkidle")
    assert spy.evaluate("window.sessionStorage.getItem('token')") == client_token
    assert frames, "the second browser never talked to the server"
    received = "\n".join(frames)
    assert booked.code not in received
    assert victim.email not in received
    assert "Vic Victim" not in received
    attacker.close()
