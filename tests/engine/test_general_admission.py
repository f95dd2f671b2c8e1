"""General admission: places by quantity, never beyond an area's capacity."""

from __future__ import annotations

import pytest

from tests.engine.conftest import NOW, build_show
from ticketapp.booking import (
    HoldLimitExceeded,
    InvalidRequest,
    NotEnoughSeats,
    PriceSpec,
    SectionSpec,
    check_invariants,
    confirm_hold,
    general_admission_available,
    grid_section,
    hold_general_admission,
    show_sales,
)


@pytest.fixture
def festival(engine):
    return build_show(
        engine,
        [
            SectionSpec("Floor", "Standard", general_admission_capacity=6),
            SectionSpec("Golden circle", "Premium", general_admission_capacity=3),
            grid_section("Balcony", "Premium", ["A"], 4, y0=20),
        ],
    )


def test_places_are_held_by_quantity_in_the_area_asked(engine, festival, buyers):
    result = hold_general_admission(
        buyers[0], festival.show_id, 4, section="Floor", now=NOW, db=engine
    )

    assert len(result.seat_ids) == 4 and result.total_cents == 4 * 3000
    assert all(label.startswith("Floor place") for label in result.labels)
    assert general_admission_available(festival.show_id, now=NOW, db=engine) == {
        "Floor": 2,
        "Golden circle": 3,
    }
    assert check_invariants(engine, now=NOW) == []


def test_without_an_area_the_best_ranked_area_with_room_is_used(engine, festival, buyers):
    first = hold_general_admission(buyers[0], festival.show_id, 2, now=NOW, db=engine)
    second = hold_general_admission(buyers[1], festival.show_id, 2, now=NOW, db=engine)

    assert all(label.startswith("Golden circle") for label in first.labels)
    assert all(label.startswith("Floor") for label in second.labels)  # only 1 left in Golden


def test_an_area_never_sells_beyond_its_capacity(engine, festival, buyers):
    held = hold_general_admission(
        buyers[0], festival.show_id, 3, section="Golden circle", now=NOW, db=engine
    )
    confirm_hold(held.hold_id, user_id=buyers[0], now=NOW, db=engine)

    with pytest.raises(NotEnoughSeats):
        hold_general_admission(
            buyers[1], festival.show_id, 1, section="Golden circle", now=NOW, db=engine
        )

    sales = show_sales(festival.show_id, actor=festival.organizer, now=NOW, db=engine)
    premium = next(c for c in sales.categories if c.name == "Premium")
    assert premium.counts.sold == 3 and premium.counts.available == 4  # the 4 balcony seats
    assert check_invariants(engine, now=NOW) == []


def test_asking_for_more_than_is_left_holds_nothing(engine, festival, buyers):
    hold_general_admission(buyers[0], festival.show_id, 5, section="Floor", now=NOW, db=engine)

    with pytest.raises(NotEnoughSeats):
        hold_general_admission(buyers[1], festival.show_id, 2, section="Floor", now=NOW, db=engine)

    assert general_admission_available(festival.show_id, now=NOW, db=engine)["Floor"] == 1


def test_places_of_an_expired_hold_are_sellable_again(engine, festival, buyers):
    old = hold_general_admission(
        buyers[0], festival.show_id, 3, section="Golden circle", now=NOW, db=engine
    )

    new = hold_general_admission(
        buyers[1], festival.show_id, 3, section="Golden circle", now=old.expires_at, db=engine
    )

    assert set(new.seat_ids) == set(old.seat_ids)
    assert check_invariants(engine, now=old.expires_at) == []


def test_general_admission_respects_the_customer_cap(engine, buyers):
    venue = build_show(
        engine,
        [SectionSpec("Floor", "Standard", general_admission_capacity=20)],
        prices=[PriceSpec("Standard", 2500)],
        max_seats_per_customer=4,
    )
    hold_general_admission(buyers[0], venue.show_id, 3, now=NOW, db=engine)

    with pytest.raises(HoldLimitExceeded):
        hold_general_admission(buyers[0], venue.show_id, 2, now=NOW, db=engine)

    more = hold_general_admission(buyers[0], venue.show_id, 1, now=NOW, db=engine)
    assert len(more.seat_ids) == 4


def test_unknown_area_or_bad_quantity_is_an_invalid_request(engine, festival, buyers):
    with pytest.raises(InvalidRequest):
        hold_general_admission(buyers[0], festival.show_id, 1, section="Moon", now=NOW, db=engine)
    with pytest.raises(InvalidRequest):
        hold_general_admission(buyers[0], festival.show_id, 0, now=NOW, db=engine)
    with pytest.raises(InvalidRequest):
        hold_general_admission(
            buyers[0], festival.show_id, 1, section="Balcony", now=NOW, db=engine
        )
