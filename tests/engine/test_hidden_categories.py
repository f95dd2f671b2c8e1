"""Hidden price categories: their places are not for sale to the public; an access code that
unlocks them opens them, at hold and again at confirm (booking/hidden_categories.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from tests.engine.conftest import NOW, STARTS, Venue, build_show, make_users
from tests.engine.test_statement_budget import statements
from ticketapp.booking import (
    Actor,
    InvalidRequest,
    NotAllowed,
    PriceSpec,
    SalesClosed,
    SeatsNotForSale,
    SectionSpec,
    cancel_booking,
    check_access_code,
    check_invariants,
    compact_layout,
    confirm_hold,
    create_show,
    get_hold,
    get_show,
    grid_section,
    hold_best_available,
    hold_general_admission,
    hold_seats,
    join_waiting_list,
    list_event_shows,
    list_upcoming_events,
    my_waiting_place,
    purchase_best_available,
    purchase_seats,
    row_labels,
    seat_statuses,
    set_category_hidden,
    status_string,
    unlock_statuses,
    versioned_status_string,
)
from ticketapp.booking.promo_codes import CodeRefused, create_promo_code
from ticketapp.db import session_scope
from ticketapp.models import Booking, PromoCode, Role

HIDDEN_PRICES = [
    PriceSpec("Guests", 9000, rank=0, hidden=True),  # the best rank: best available wants it
    PriceSpec("Premium", 5000, rank=1),
    PriceSpec("Standard", 2000, rank=2),
    PriceSpec("Lounge", 1000, rank=3, hidden=True),  # cheaper than any public price
]


def hall() -> list[SectionSpec]:
    return [
        grid_section("Box", "Guests", ["G"], 4),
        grid_section("Stalls", "Premium", row_labels(2), 4, y0=2),
        SectionSpec("Floor", "Standard", general_admission_capacity=5),
        SectionSpec("VIP lounge", "Lounge", general_admission_capacity=3),
    ]


def hidden_show(db: Engine, **kwargs) -> Venue:
    return build_show(db, hall(), prices=HIDDEN_PRICES, **kwargs)


def code(venue: Venue, text: str, kind: str = "access", value: int = 0, **kw):
    return create_promo_code(
        venue.event_id, text, kind, value, actor=venue.organizer, db=venue.db, **kw
    )


def uses(db: Engine, code_id: int) -> int:
    with session_scope(db) as session:
        return session.get(PromoCode, code_id).uses


def bookings(db: Engine) -> int:
    with session_scope(db) as session:
        return len(session.exec(Booking.__table__.select()).all())


def test_hidden_seats_cannot_be_held_without_a_code(engine):
    venue = hidden_show(engine)
    buyer = make_users(engine, 1)[0]
    code(venue, "SAVE", "percent", 10)  # a discount code unlocks nothing
    g1, a1 = venue.ids("G1", "A1")
    with pytest.raises(SeatsNotForSale) as refused:
        hold_seats(buyer, venue.show_id, [g1, a1], now=NOW, db=engine)
    assert refused.value.seat_ids == [g1]  # only the hidden seat is named, like a taken one
    assert refused.value.code == "seats_unavailable"
    assert "not for sale" in str(refused.value)
    with pytest.raises(SeatsNotForSale):
        hold_seats(buyer, venue.show_id, [g1], now=NOW, db=engine, access_code="save")
    with pytest.raises(CodeRefused, match="unknown"):
        hold_seats(buyer, venue.show_id, [g1], now=NOW, db=engine, access_code="nope")
    statuses = seat_statuses(venue.show_id, now=NOW, db=engine)
    assert statuses[g1] == "hidden" and statuses[a1] == "available"  # nothing was held
    assert hold_seats(buyer, venue.show_id, [a1], now=NOW, db=engine).seat_ids == (a1,)


def test_an_unlocking_code_opens_hidden_seats_and_confirm_needs_it_again(engine):
    venue = hidden_show(engine)
    buyer = make_users(engine, 1)[0]
    guests = code(venue, "GUESTLIST", unlocks_hidden=True, max_uses=3)
    save = code(venue, "SAVE", "percent", 10)
    g1, g2 = venue.ids("G1", "G2")
    held = hold_seats(buyer, venue.show_id, [g1, g2], now=NOW, db=engine, access_code="guestlist")
    assert held.seat_ids == (g1, g2) and held.total_cents == 18000
    for wrong in ("", "save"):  # no code, or one that does not unlock: refused, nothing changes
        with pytest.raises(SeatsNotForSale):
            confirm_hold(held.hold_id, user_id=buyer, promo_code=wrong, now=NOW, db=engine)
    assert (uses(engine, guests.id), uses(engine, save.id), bookings(engine)) == (0, 0, 0)
    assert get_hold(held.hold_id, actor=Actor(buyer, Role.CUSTOMER), now=NOW, db=engine).live
    booking = confirm_hold(
        held.hold_id, user_id=buyer, promo_code=" GuestList ", now=NOW, db=engine
    )
    assert (booking.promo_code, booking.total_cents) == ("GUESTLIST", 18000)
    assert uses(engine, guests.id) == 1
    assert check_invariants(engine, now=NOW) == []


def test_best_available_never_picks_hidden_seats_without_a_code(engine):
    venue = hidden_show(engine)
    buyer, guest = make_users(engine, 2)
    code(venue, "GUESTLIST", unlocks_hidden=True)
    public = hold_best_available(buyer, venue.show_id, 2, now=NOW, db=engine)
    assert all(label.startswith("Stalls") for label in public.labels), public.labels
    with pytest.raises(InvalidRequest, match="not for sale"):
        hold_best_available(
            buyer, venue.show_id, 2, category_id=venue.categories["Guests"], now=NOW, db=engine
        )
    unlocked = hold_best_available(
        guest, venue.show_id, 2, now=NOW, db=engine, access_code="guestlist"
    )
    assert all(label.startswith("Box") for label in unlocked.labels), unlocked.labels


def test_a_one_request_purchase_never_sells_hidden_seats_without_a_code(engine):
    venue = hidden_show(engine)
    buyer, guest = make_users(engine, 2)
    code(venue, "GUESTLIST", unlocks_hidden=True)
    with pytest.raises(SeatsNotForSale):
        purchase_seats(buyer, venue.show_id, venue.ids("G1"), now=NOW, db=engine)
    with pytest.raises(InvalidRequest, match="not for sale"):
        purchase_best_available(
            buyer, venue.show_id, 1, category_id=venue.categories["Guests"], now=NOW, db=engine
        )
    assert bookings(engine) == 0
    assert seat_statuses(venue.show_id, now=NOW, db=engine)[venue.seats["G1"]] == "hidden"
    bought = purchase_seats(
        guest, venue.show_id, venue.ids("G1"), promo_code="guestlist", now=NOW, db=engine
    )
    assert bought.tickets[0].category_name == "Guests"


def test_standing_places_of_a_hidden_category_are_closed_without_a_code(engine):
    venue = hidden_show(engine)
    buyer, guest = make_users(engine, 2)
    code(venue, "GUESTLIST", unlocks_hidden=True)
    with pytest.raises(SalesClosed, match="not for sale"):
        hold_general_admission(buyer, venue.show_id, 1, section="VIP lounge", now=NOW, db=engine)
    # Without a section, the best area with room is a public one.
    held = hold_general_admission(buyer, venue.show_id, 1, now=NOW, db=engine)
    assert held.labels[0].startswith("Floor")
    lounge = hold_general_admission(
        guest, venue.show_id, 2, section="VIP lounge", now=NOW, db=engine, access_code="guestlist"
    )
    assert len(lounge.seat_ids) == 2


def test_a_code_limited_to_another_show_or_category_does_not_unlock(engine):
    venue = hidden_show(engine)
    buyer = make_users(engine, 1)[0]
    other = create_show(
        venue.event_id,
        STARTS + timedelta(days=1),
        venue.layout_id,
        HIDDEN_PRICES,
        actor=venue.organizer,
        now=NOW,
        db=engine,
    )
    code(venue, "ELSEWHERE", unlocks_hidden=True, show_ids=[other.id])
    code(venue, "LOUNGEONLY", unlocks_hidden=True, category_names=["Lounge"])
    g1 = venue.seats["G1"]
    for text in ("elsewhere", "loungeonly"):
        with pytest.raises(SeatsNotForSale):
            hold_seats(buyer, venue.show_id, [g1], now=NOW, db=engine, access_code=text)
    lounge = hold_general_admission(
        buyer, venue.show_id, 1, section="VIP lounge", now=NOW, db=engine, access_code="loungeonly"
    )
    assert len(lounge.seat_ids) == 1


def test_an_expired_or_used_up_code_unlocks_nothing(engine):
    venue = hidden_show(engine)
    buyer = make_users(engine, 1)[0]
    code(venue, "OLD", unlocks_hidden=True, valid_until=NOW - timedelta(hours=1))
    with pytest.raises(CodeRefused, match="expired"):
        hold_seats(buyer, venue.show_id, venue.ids("G1"), now=NOW, db=engine, access_code="old")


def test_an_access_code_must_unlock_something(engine):
    venue = hidden_show(engine)
    with pytest.raises(InvalidRequest, match="must unlock"):
        code(venue, "NOTHING")
    assert code(venue, "GUESTS", unlocks_hidden=True).unlocks_hidden


def test_the_door_learns_which_hidden_categories_a_code_opens(engine):
    venue = hidden_show(engine)
    code(venue, "GUESTLIST", unlocks_hidden=True)
    code(venue, "EARLY", unlocks_presale=True)
    grant = check_access_code(venue.show_id, " guestlist ", now=NOW, db=engine)
    assert grant.code == "GUESTLIST" and not grant.presale
    assert [c.name for c in grant.categories] == ["Guests", "Lounge"]
    assert grant.hidden_category_ids == (venue.categories["Guests"], venue.categories["Lounge"])
    with pytest.raises(CodeRefused, match="does not unlock any seats"):
        check_access_code(venue.show_id, "early", now=NOW, db=engine)  # the sale is open


def test_the_public_map_shows_hidden_seats_not_for_sale_and_a_code_holder_sees_them_free(
    engine,
):
    venue = hidden_show(engine)
    layout = compact_layout(venue.show_id, db=engine)
    position = {seat[0]: i for i, seat in enumerate(layout["seats"])}
    version, shared = versioned_status_string(venue.show_id, db=engine)
    g1, a1 = venue.seats["G1"], venue.seats["A1"]
    assert (shared[position[g1]], shared[position[a1]]) == ("r", "a")
    unlocked = frozenset({venue.categories["Guests"]})
    mine = unlock_statuses(shared, venue.show_id, version, unlocked, db=engine)
    assert (mine[position[g1]], mine[position[a1]]) == ("a", "a")
    assert "r" not in mine
    assert unlock_statuses(shared, venue.show_id, version, frozenset(), db=engine) == shared
    assert [c["hidden"] for c in layout["categories"]][:2] == [True, False]


def test_listings_never_show_hidden_prices_or_places_to_the_public(engine):
    venue = hidden_show(engine)
    events, _ = list_upcoming_events(now=NOW, db=engine)
    [listed] = [e for e in events if e.id == venue.event_id]
    assert listed.price_from_cents == 2000  # not the hidden lounge's 10.00
    assert listed.places_left == 8 + 5  # Stalls and Floor; not the Box nor the lounge
    public = get_show(venue.show_id, now=NOW, db=engine)
    assert [p.name for p in public.prices] == ["Premium", "Standard"]
    assert public.places_left == 13
    mine = list_event_shows(venue.event_id, viewer=venue.organizer, now=NOW, db=engine)[0]
    assert [(p.name, p.hidden) for p in mine.prices] == [
        ("Guests", True),
        ("Premium", False),
        ("Standard", False),
        ("Lounge", True),
    ]


def test_the_organizer_hides_a_category_and_open_maps_are_told(engine):
    venue = build_show(engine)  # Premium, public
    buyer = make_users(engine, 1)[0]
    premium = venue.categories["Premium"]
    before = compact_layout(venue.show_id, db=engine)["version"]
    with pytest.raises(NotAllowed):
        set_category_hidden(premium, True, actor=Actor(buyer, Role.ORGANIZER), db=engine)
    hidden = set_category_hidden(premium, True, actor=venue.organizer, db=engine)
    assert hidden.hidden
    assert compact_layout(venue.show_id, db=engine)["version"] > before  # cached maps renew
    assert set(status_string(venue.show_id, db=engine)) == {"r"}
    with pytest.raises(SeatsNotForSale):
        hold_seats(buyer, venue.show_id, venue.ids("A1"), now=NOW, db=engine)
    set_category_hidden(premium, False, actor=venue.organizer, db=engine)
    assert hold_seats(buyer, venue.show_id, venue.ids("A1"), now=NOW, db=engine).seat_ids


def test_hidden_categories_cost_no_statement_without_a_code(pg_engine):
    """The hidden flag rides on the reads hold and confirm already make."""
    venue = hidden_show(pg_engine)
    buyer = make_users(pg_engine, 1)[0]
    with statements(pg_engine) as holding:
        held = hold_seats(buyer, venue.show_id, venue.ids("A1", "A2"), now=NOW, db=pg_engine)
    with statements(pg_engine) as confirming:
        confirm_hold(held.hold_id, user_id=buyer, now=NOW, db=pg_engine)
    assert len(holding) <= 3, holding
    assert len(confirming) <= 4, confirming
    with statements(pg_engine) as refused, pytest.raises(SeatsNotForSale):
        hold_seats(buyer, venue.show_id, venue.ids("G1"), now=NOW, db=pg_engine)
    assert len(refused) <= 2, refused  # refused on the snapshot, before any claim


def test_the_waiting_list_never_gets_hidden_seats(engine):
    venue = build_show(
        engine,
        [grid_section("Box", "Guests", ["G"], 2), grid_section("Stalls", "Premium", ["A"], 2)],
        prices=[PriceSpec("Guests", 9000, hidden=True), PriceSpec("Premium", 5000, rank=1)],
    )
    buyer, guest, waiter = make_users(engine, 3)
    code(venue, "GUESTLIST", unlocks_hidden=True)
    sold = hold_seats(buyer, venue.show_id, venue.ids("A1", "A2"), now=NOW, db=engine)
    confirm_hold(sold.hold_id, user_id=buyer, now=NOW, db=engine)
    # Only hidden seats are left: for the public the show is sold out, and the list is open.
    join_waiting_list(waiter, venue.show_id, 2, now=NOW, db=engine)
    with pytest.raises(InvalidRequest):
        join_waiting_list(
            guest, venue.show_id, 1, category_id=venue.categories["Guests"], now=NOW, db=engine
        )
    box = hold_seats(
        guest, venue.show_id, venue.ids("G1", "G2"), now=NOW, db=engine, access_code="guestlist"
    )
    booked = confirm_hold(box.hold_id, user_id=guest, promo_code="guestlist", now=NOW, db=engine)
    later = NOW + timedelta(minutes=1)
    cancel_booking(booked.id, actor=Actor(guest, Role.CUSTOMER), now=later, db=engine)
    assert my_waiting_place(waiter, venue.show_id, now=later, db=engine).status == "waiting"
    statuses = seat_statuses(venue.show_id, now=later, db=engine)
    assert {statuses[i] for i in venue.ids("G1", "G2")} == {"hidden"}
    assert check_invariants(engine, now=later) == []
