"""Promo codes: the discount rules and their rounding, the refusals, the use count under a
real race on PostgreSQL, and a cancellation giving the use back."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from tests.engine.conftest import NOW, Venue, build_show, make_users
from tests.engine.test_concurrency import race
from tests.engine.test_statement_budget import once, statements
from ticketapp.booking import (
    BookingView,
    InvalidRequest,
    NotAllowed,
    SalesClosed,
    bookings_csv,
    cancel_booking,
    check_access_code,
    check_invariants,
    confirm_hold,
    event_bookings,
    get_hold,
    grid_section,
    hold_seats,
    purchase_best_available,
    purchase_seats,
    row_labels,
    show_sales,
)
from ticketapp.booking.access import Actor
from ticketapp.booking.pricing import quote_checkout
from ticketapp.booking.promo_codes import (
    CodeRefused,
    Rule,
    create_promo_code,
    list_promo_codes,
)
from ticketapp.booking.ticket_types import create_ticket_type
from ticketapp.db import session_scope
from ticketapp.models import PromoCode, Role


def rule(kind: str, value: int) -> Rule:
    return Rule(1, "X", kind, value, (), (), ())


def test_the_rounding_rule_is_per_ticket_half_up_and_never_below_zero():
    assert rule("percent", 15).discount(3333) == 500  # 499.95 -> 500
    assert rule("percent", 10).discount(4545) == 455  # 454.5 -> 455 (half up)
    assert rule("percent", 10).discount(4544) == 454  # 454.4 -> 454
    assert rule("percent", 100).discount(999) == 999
    assert rule("amount", 700).discount(500) == 500  # never below zero
    assert rule("amount", 700).discount(5000) == 700
    assert rule("fixed_price", 1000).discount(5000) == 4000
    assert rule("fixed_price", 1000).discount(800) == 0  # already cheaper: keeps its price


def code(venue: Venue, text: str = "SPRING", kind: str = "percent", value: int = 10, **kw):
    return create_promo_code(
        venue.event_id, text, kind, value, actor=venue.organizer, db=venue.db, **kw
    )


def uses(db: Engine, code_id: int) -> int:
    with session_scope(db) as session:
        return session.get(PromoCode, code_id).uses


def test_a_code_discounts_each_ticket_and_the_booking_carries_it(venue, buyers):
    spring = code(venue, "Spring", "percent", 15)
    held = hold_seats(buyers[0], venue.show_id, venue.ids("A1", "A2"), now=NOW, db=venue.db)
    booking = confirm_hold(
        held.hold_id, user_id=buyers[0], promo_code="  spring ", now=NOW, db=venue.db
    )
    assert booking.promo_code == "SPRING"
    assert [t.discount_cents for t in booking.tickets] == [750, 750]
    assert [t.price_cents for t in booking.tickets] == [4250, 4250]
    assert (booking.total_cents, booking.discount_cents) == (8500, 1500)
    assert uses(venue.db, spring.id) == 1
    assert check_invariants(venue.db, now=NOW) == []


def test_a_code_limited_to_a_category_or_type_discounts_only_those_tickets(venue, buyers):
    premium = venue.categories["Premium"]
    child = create_ticket_type(premium, "Child", 2500, actor=venue.organizer, db=venue.db)
    create_ticket_type(premium, "Adult", 4500, actor=venue.organizer, db=venue.db)
    code(venue, "KIDS", "amount", 500, ticket_type_names=["Child"])
    a1, a2 = venue.ids("A1", "A2")
    booking = purchase_seats(
        buyers[0],
        venue.show_id,
        [a1, a2],
        ticket_types={a1: child.id, a2: child.id + 1},
        promo_code="kids",
        now=NOW,
        db=venue.db,
    )
    assert {(t.ticket_type, t.price_cents, t.discount_cents) for t in booking.tickets} == {
        ("Child", 2000, 500),
        ("Adult", 4500, 0),
    }
    code(venue, "OTHER", "percent", 50, category_names=["Standard"])
    held = hold_seats(buyers[1], venue.show_id, venue.ids("B1"), now=NOW, db=venue.db)
    with pytest.raises(CodeRefused, match="does not apply"):
        confirm_hold(held.hold_id, user_id=buyers[1], promo_code="other", now=NOW, db=venue.db)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({}, "unknown"),
        ({"valid_from": NOW + timedelta(hours=1)}, "not valid yet"),
        ({"valid_until": NOW}, "expired"),
    ],
)
def test_an_unknown_or_out_of_window_code_is_refused_and_nothing_changes(
    venue, buyers, settings, message
):
    made = code(venue, "REAL", **settings) if settings else None
    held = hold_seats(buyers[0], venue.show_id, venue.ids("A1"), now=NOW, db=venue.db)
    typed = "REAL" if settings else "NOPE"
    with pytest.raises(CodeRefused, match=message) as refused:
        confirm_hold(held.hold_id, user_id=buyers[0], promo_code=typed, now=NOW, db=venue.db)
    assert refused.value.field == "promo_code"
    hold = get_hold(held.hold_id, actor=Actor(buyers[0], Role.CUSTOMER), now=NOW, db=venue.db)
    assert hold.live  # the hold is untouched: the customer can fix the code and confirm
    if made is not None:
        assert uses(venue.db, made.id) == 0
    with pytest.raises(CodeRefused, match=message):
        quote_checkout(
            held.hold_id,
            actor=Actor(buyers[0], Role.CUSTOMER),
            promo_code=typed,
            now=NOW,
            db=venue.db,
        )


def test_uses_per_customer_and_in_total_are_limits_and_cancelling_gives_a_use_back(venue, buyers):
    once = code(venue, "ONCE", "amount", 1000, max_uses=2, max_uses_per_customer=1)
    first = purchase_seats(
        buyers[0], venue.show_id, venue.ids("A1"), promo_code="once", now=NOW, db=venue.db
    )
    with pytest.raises(CodeRefused, match="already used"):
        purchase_seats(
            buyers[0], venue.show_id, venue.ids("A2"), promo_code="once", now=NOW, db=venue.db
        )
    purchase_seats(
        buyers[1], venue.show_id, venue.ids("A3"), promo_code="once", now=NOW, db=venue.db
    )
    with pytest.raises(CodeRefused, match="used up"):
        purchase_seats(
            buyers[2], venue.show_id, venue.ids("A4"), promo_code="once", now=NOW, db=venue.db
        )
    assert uses(venue.db, once.id) == 2
    cancel_booking(first.id, actor=Actor(buyers[0], Role.CUSTOMER), now=NOW, db=venue.db)
    assert uses(venue.db, once.id) == 1
    again = purchase_seats(  # the customer's own use came back too
        buyers[0], venue.show_id, venue.ids("A5"), promo_code="once", now=NOW, db=venue.db
    )
    assert again.discount_cents == 1000
    assert check_invariants(venue.db, now=NOW) == []


def test_best_available_takes_a_code_and_a_fixed_price(venue, buyers):
    code(venue, "TENNER", "fixed_price", 1000)
    booking = purchase_best_available(
        buyers[0], venue.show_id, 2, promo_code="tenner", now=NOW, db=venue.db
    )
    assert [t.price_cents for t in booking.tickets] == [1000, 1000]
    assert booking.discount_cents == 2 * (5000 - 1000)


def test_only_the_organizer_creates_codes_and_bad_codes_are_refused(venue, buyers):
    with pytest.raises(NotAllowed):
        create_promo_code(
            venue.event_id,
            "X",
            "percent",
            5,
            actor=Actor(buyers[0], Role.ORGANIZER),
            db=venue.db,
        )
    for text, kind, value, field in [
        ("", "percent", 5, "code"),
        ("TWO WORDS", "percent", 5, "code"),
        ("X", "bogus", 5, "kind"),
        ("X", "percent", 101, "value"),
        ("X", "amount", -1, "value"),
    ]:
        with pytest.raises(InvalidRequest) as refused:
            code(venue, text, kind, value)
        assert refused.value.field == field
    code(venue, "DUP")
    with pytest.raises(InvalidRequest, match="already has"):
        code(venue, "dup")
    other = venue.another_show()
    with pytest.raises(InvalidRequest):
        code(venue, "ELSEWHERE", show_ids=[other])
    assert [
        c.code for c in list_promo_codes(venue.event_id, actor=venue.organizer, db=venue.db)
    ] == ["DUP"]


@pytest.fixture
def race_db(pg_engine, pg_url):
    engine = create_engine(pg_url, pool_size=24, max_overflow=0, pool_timeout=120)
    yield engine
    engine.dispose()


def test_fifty_buyers_race_for_a_code_with_ten_uses_and_exactly_ten_get_it(race_db):
    hall = [grid_section("Stalls", "Premium", row_labels(5), 10)]
    venue = build_show(race_db, hall)
    ten = code(venue, "TEN", "percent", 20, max_uses=10)
    buyers = make_users(race_db, 50)
    seats = sorted(venue.seats[k] for k in venue.seats if "row" not in k)
    holds = [
        hold_seats(buyers[i], venue.show_id, [seats[i]], now=NOW, db=race_db).hold_id
        for i in range(50)
    ]

    outcomes = race(
        50,
        lambda i: confirm_hold(holds[i], user_id=buyers[i], promo_code="ten", now=NOW, db=race_db),
    )

    kinds = Counter(type(o).__name__ for o in outcomes)
    assert kinds == {"BookingView": 10, "CodeRefused": 40}, kinds
    assert all(o.discount_cents == 1000 for o in outcomes if isinstance(o, BookingView))
    assert all("used up" in str(o) for o in outcomes if isinstance(o, CodeRefused))
    assert uses(race_db, ten.id) == 10
    assert check_invariants(race_db, now=NOW) == []
    # A refusal changed nothing: each loser still holds its seat and can buy at full price.
    loser = next(i for i, o in enumerate(outcomes) if isinstance(o, CodeRefused))
    full = confirm_hold(holds[loser], user_id=buyers[loser], now=NOW, db=race_db)
    assert full.total_cents == 5000
    # A cancellation gives a use back, and the next buyer gets it.
    winner = next(i for i, o in enumerate(outcomes) if isinstance(o, BookingView))
    cancel_booking(
        outcomes[winner].id, actor=Actor(buyers[winner], Role.CUSTOMER), now=NOW, db=race_db
    )
    assert uses(race_db, ten.id) == 9
    other = next(i for i, o in enumerate(outcomes) if isinstance(o, CodeRefused) and i != loser)
    got = confirm_hold(holds[other], user_id=buyers[other], promo_code="TEN", now=NOW, db=race_db)
    assert got.discount_cents == 1000


def test_confirming_with_a_code_and_ticket_types_stays_within_four_statements(pg_engine):
    venue = build_show(pg_engine)
    child = create_ticket_type(
        venue.categories["Premium"], "Child", 2500, actor=venue.organizer, db=pg_engine
    )
    code(venue, "SAVE", "percent", 10, max_uses=5, max_uses_per_customer=1)
    buyer = make_users(pg_engine, 1)[0]
    a1, a2 = venue.ids("A1", "A2")
    held = hold_seats(buyer, venue.show_id, [a1, a2], now=NOW, db=pg_engine)
    with statements(pg_engine) as seen:
        booking = confirm_hold(
            held.hold_id,
            user_id=buyer,
            ticket_types={a1: child.id},
            promo_code="save",
            now=NOW,
            db=pg_engine,
            once=once(buyer, "k"),
        )
    assert len(seen) <= 4, seen
    assert (booking.total_cents, booking.discount_cents) == (2250 + 2250, 250 + 250)


def test_reports_and_the_csv_carry_types_and_the_discount_and_revenue_is_after_it(venue, buyers):
    child = create_ticket_type(
        venue.categories["Premium"], "Child", 2500, actor=venue.organizer, db=venue.db
    )
    code(venue, "HALF", "percent", 50)
    a1, a2 = venue.ids("A1", "A2")
    booking = purchase_seats(
        buyers[0],
        venue.show_id,
        [a1, a2],
        ticket_types={a1: child.id, a2: child.id},
        promo_code="half",
        now=NOW,
        db=venue.db,
    )
    assert (booking.total_cents, booking.discount_cents) == (2500, 2500)

    sales = show_sales(venue.show_id, actor=venue.organizer, now=NOW, db=venue.db)
    premium = next(c for c in sales.categories if c.name == "Premium")
    assert premium.counts.revenue_cents == 2500
    assert [(t.name, t.sold, t.revenue_cents) for t in premium.types] == [("Child", 2, 2500)]
    rows, _ = event_bookings(venue.event_id, actor=venue.organizer, db=venue.db)
    assert [(r.promo_code, r.discount_cents, r.total_cents) for r in rows] == [("HALF", 2500, 2500)]
    export = bookings_csv(venue.event_id, actor=venue.organizer, db=venue.db)
    [row] = list(csv.DictReader(io.StringIO(export.text)))
    assert (row["ticket_types"], row["promo_code"], row["discount"], row["total"]) == (
        "Child x2",
        "HALF",
        "25.00",
        "25.00",
    )


def test_an_access_code_opens_the_presale_and_nothing_else(engine):
    venue = build_show(engine, sales_open_at=NOW + timedelta(days=1))
    buyer, other = make_users(engine, 2)
    early = code(venue, "EARLY", "access", 0, unlocks_presale=True, max_uses=5)
    code(venue, "SAVE", "percent", 10)
    a1, a2 = venue.ids("A1", "A2")
    with pytest.raises(SalesClosed, match="not opened yet"):
        hold_seats(buyer, venue.show_id, [a1], now=NOW, db=engine)
    with pytest.raises(CodeRefused, match="does not unlock"):
        hold_seats(buyer, venue.show_id, [a1], now=NOW, db=engine, access_code="save")
    with pytest.raises(CodeRefused, match="unknown"):
        hold_seats(buyer, venue.show_id, [a1], now=NOW, db=engine, access_code="nope")

    check_access_code(venue.show_id, " early ", now=NOW, db=engine)  # what a door asks first
    with pytest.raises(CodeRefused, match="does not unlock"):
        check_access_code(venue.show_id, "save", now=NOW, db=engine)
    held = hold_seats(buyer, venue.show_id, [a1], now=NOW, db=engine, access_code="early")
    with pytest.raises(SalesClosed):  # the confirm needs the code again
        confirm_hold(held.hold_id, user_id=buyer, now=NOW, db=engine)
    with pytest.raises(SalesClosed):  # a discount code does not open the presale
        confirm_hold(held.hold_id, user_id=buyer, promo_code="save", now=NOW, db=engine)
    booking = confirm_hold(held.hold_id, user_id=buyer, promo_code="Early", now=NOW, db=engine)
    assert (booking.promo_code, booking.discount_cents, booking.total_cents) == ("EARLY", 0, 5000)
    assert uses(engine, early.id) == 1
    bought = purchase_seats(other, venue.show_id, [a2], promo_code="early", now=NOW, db=engine)
    assert bought.total_cents == 5000
    assert uses(engine, early.id) == 2
    assert check_invariants(engine, now=NOW) == []


def test_an_access_code_does_not_reopen_closed_sales(venue, buyers):
    code(venue, "EARLY", "access", 0, unlocks_presale=True)
    with pytest.raises(SalesClosed, match=r"closed|started"):
        hold_seats(
            buyers[0],
            venue.show_id,
            venue.ids("A1"),
            now=NOW + timedelta(days=30),
            db=venue.db,
            access_code="early",
        )
