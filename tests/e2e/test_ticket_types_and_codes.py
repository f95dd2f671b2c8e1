"""Ticket types and promo codes in a real browser: the organizer sets them up on the show and
event pages; a customer picks a type per seat, applies a code and sees the discount line."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from tests.e2e.helpers import create_user, log_in, make_show, seat, wait_for_map
from ticketapp import booking
from ticketapp.models import (
    Booking,
    Event,
    PriceCategory,
    PromoCode,
    Role,
    Show,
    Ticket,
    TicketType,
    utcnow,
)


def _category_id(engine, show_id: int) -> int:
    with Session(engine) as session:
        return session.exec(select(PriceCategory.id).where(PriceCategory.show_id == show_id)).one()


def test_checkout_with_a_ticket_type_and_a_promo_code(page: Page, app_engine):
    _, show_id, _ = make_show(app_engine)
    admin = booking.Actor.of(create_user(app_engine, Role.ADMIN, "Admin"))
    stalls = _category_id(app_engine, show_id)
    booking.create_ticket_type(stalls, "Adult", 4500, actor=admin, db=app_engine)
    child = booking.create_ticket_type(
        stalls, "Child", 2500, actor=admin, proof_note="Under 14", db=app_engine
    )
    event_id = booking.get_show(show_id, db=app_engine).show.event_id
    booking.create_promo_code(event_id, "KIDS10", "percent", 10, actor=admin, db=app_engine)
    buyer = create_user(app_engine, name="Kim Buyer")
    log_in(page, buyer)

    page.goto(f"/shows/{show_id}")
    wait_for_map(page)
    seat(page, "Row A, seat 1,").click()
    seat(page, "Row A, seat 2,").click()
    page.click("#continue-button")
    expect(page).to_have_url(re.compile(r"/checkout/\d+$"))
    expect(page.locator("#checkout-total")).to_have_text("€90.00")
    expect(page.locator(".type-proof")).to_have_count(0)  # Adult asks for no proof

    page.get_by_label("Ticket type for Stalls row A seat 2").select_option(str(child.id))
    expect(page.locator("#checkout-total")).to_have_text("€70.00")
    # The buyer learns, before paying, what the door will ask for.
    expect(page.locator(".checkout-line").nth(1).locator(".type-proof")).to_have_text(
        "Bring: Under 14"
    )

    page.get_by_label("Promo code").fill("nope")
    page.click("#apply-promo-code")
    expect(page.locator("#promo-error")).to_have_text("This promo code is unknown.")
    expect(page.locator("#checkout-total")).to_have_text("€70.00")

    page.get_by_label("Promo code").fill("kids10")
    page.click("#apply-promo-code")
    expect(page.locator("#promo-applied")).to_contain_text("KIDS10")
    expect(page.locator("#checkout-discount")).to_have_text("-€7.00")
    expect(page.locator("#checkout-total")).to_have_text("€63.00")
    page.click("#confirm-button")

    expect(page).to_have_url(re.compile(r"/bookings/\d+$"))
    code = page.locator("#booking-code").inner_text()
    with Session(app_engine) as session:
        made = session.exec(select(Booking).where(Booking.code == code)).one()
        assert (made.total_cents, made.discount_cents, made.promo_code) == (6300, 700, "KIDS10")
        types = sorted(
            session.exec(select(Ticket.ticket_type).where(Ticket.booking_id == made.id)).all()
        )
        assert types == ["Adult", "Child"]


def test_the_organizer_adds_a_ticket_type_and_a_promo_code(page: Page, app_engine):
    organizer = create_user(app_engine, Role.ORGANIZER, "Olga")
    _, show_id, _ = make_show(app_engine)
    # The show belongs to make_show's own organizer: hand its event to Olga.
    with Session(app_engine) as session:
        show = session.get(Show, show_id)
        event = session.get(Event, show.event_id)
        event.organizer_id = organizer.id
        session.add(event)
        session.commit()
        event_id = event.id
    log_in(page, organizer)

    page.goto(f"/organizer/shows/{show_id}")
    cards = page.locator("#ticket-types")
    expect(cards).to_be_visible()
    cards.get_by_label("Type name").fill("Student")
    cards.get_by_label("Price").fill("30")
    cards.get_by_label("Limit per show").fill("5")
    cards.get_by_label("Note for the door").fill("Student ID")
    page.click("#add-ticket-type")
    expect(cards).to_contain_text("Ticket type Student added.")
    expect(cards.locator("tbody")).to_contain_text("€30.00")
    with Session(app_engine) as session:
        made = session.exec(select(TicketType).where(TicketType.name == "Student")).one()
        assert (made.price_cents, made.quantity_limit) == (3000, 5)

    page.goto(f"/organizer/events/{event_id}")
    codes = page.locator("#promo-codes")
    expect(codes).to_be_visible()
    codes.get_by_label("Code", exact=True).fill("spring")
    codes.get_by_label("Kind").select_option("amount")
    codes.get_by_label("Percent or amount").fill("5")
    codes.get_by_label("Uses in total").fill("abc")
    page.click("#add-promo-code")
    expect(codes).to_contain_text("must be a whole number")
    codes.get_by_label("Uses in total").fill("10")
    page.click("#add-promo-code")
    expect(codes).to_contain_text("Promo code SPRING created.")
    expect(codes.locator("tbody")).to_contain_text("€5.00 off each ticket")
    with Session(app_engine) as session:
        code = session.exec(select(PromoCode).where(PromoCode.code == "SPRING")).one()
        assert (code.kind, code.value, code.max_uses) == ("amount", 500, 10)


def test_an_access_code_lets_a_customer_buy_in_the_presale(page: Page, app_engine):
    _, show_id, _ = make_show(app_engine)
    with Session(app_engine) as session:
        show = session.get(Show, show_id)
        show.sales_open_at = utcnow() + timedelta(days=1)
        session.add(show)
        session.commit()
        event_id = show.event_id
    admin = booking.Actor.of(create_user(app_engine, Role.ADMIN, "Admin"))
    booking.create_promo_code(
        event_id, "FANS", "access", 0, unlocks_presale=True, actor=admin, db=app_engine
    )
    log_in(page, create_user(app_engine, name="Fan Buyer"))

    page.goto(f"/shows/{show_id}")
    # Not on sale yet: nothing to buy until the code is accepted, then the map opens.
    expect(page.locator("#sales-note")).to_be_visible()
    expect(page.locator(".seatmap-grid")).to_have_count(0)
    page.get_by_label("Access code").fill("guess")
    page.click("#use-access")
    expect(page.get_by_role("alert").filter(has_text="unknown")).to_be_visible()
    page.get_by_label("Access code").fill("fans")
    page.click("#use-access")
    expect(page.locator("#access-accepted")).to_contain_text("FANS")
    wait_for_map(page)
    seat(page, "Row A, seat 1,").click()
    page.click("#continue-button")

    expect(page).to_have_url(re.compile(r"/checkout/\d+$"))
    expect(page.locator("#promo-applied")).to_contain_text("FANS")
    expect(page.locator("#checkout-total")).to_have_text("€45.00")
    page.click("#confirm-button")
    expect(page).to_have_url(re.compile(r"/bookings/\d+$"))
    code = page.locator("#booking-code").inner_text()
    with Session(app_engine) as session:
        made = session.exec(select(Booking).where(Booking.code == code)).one()
        assert (made.promo_code, made.total_cents) == ("FANS", 4500)


def test_hidden_seats_open_to_an_access_code_on_the_show_page(page: Page, app_engine):
    _, show_id, _ = make_show(app_engine, rows=1, seats_per_row=4)
    admin = booking.Actor.of(create_user(app_engine, Role.ADMIN, "Admin"))
    booking.set_category_hidden(_category_id(app_engine, show_id), True, actor=admin, db=app_engine)
    event_id = booking.get_show(show_id, db=app_engine).show.event_id
    booking.create_promo_code(
        event_id, "GUESTS", "access", 0, unlocks_hidden=True, actor=admin, db=app_engine
    )
    log_in(page, create_user(app_engine, name="Guest Buyer"))

    page.goto(f"/shows/{show_id}")
    wait_for_map(page)
    # The public map offers the hidden seats as not for sale, in words and without a price.
    a1 = seat(page, "Row A, seat 1,")
    expect(a1).to_have_attribute("aria-label", "Row A, seat 1, Stalls, not for sale")
    expect(a1).to_have_class(re.compile(r"\bs-r\b"))
    expect(page.locator("#seat-legend")).to_contain_text("Not for sale")
    a1.click()
    expect(a1).to_have_attribute("aria-pressed", "false")

    page.get_by_label("Access code").fill("guests")
    page.click("#use-access")
    expect(page.locator("#access-accepted")).to_contain_text("GUESTS")
    expect(a1).to_have_attribute("aria-label", re.compile(r"€45\.00, available$"))
    expect(page.locator("#seat-legend")).to_contain_text("Stalls")
    a1.click()
    expect(a1).to_have_attribute("aria-pressed", "true")
    page.click("#continue-button")

    expect(page).to_have_url(re.compile(r"/checkout/\d+$"))
    expect(page.locator("#promo-applied")).to_contain_text("GUESTS")
    expect(page.locator("#checkout-total")).to_have_text("€45.00")
    page.click("#confirm-button")
    expect(page).to_have_url(re.compile(r"/bookings/\d+$"))
    code = page.locator("#booking-code").inner_text()
    with Session(app_engine) as session:
        made = session.exec(select(Booking).where(Booking.code == code)).one()
        assert (made.promo_code, made.total_cents) == ("GUESTS", 4500)
