"""Best available: the picker's rules on plain data, then the whole operation on both databases."""

from __future__ import annotations

import pytest

from tests.engine.conftest import NOW, build_show, make_users
from ticketapp.booking import (
    HoldLimitExceeded,
    InvalidRequest,
    NotEnoughSeats,
    check_invariants,
    current_hold,
    grid_section,
    hold_best_available,
    hold_seats,
    row_labels,
    seat_statuses,
)
from ticketapp.booking.best_available import (
    Place,
    choose_block,
    group_with_wheelchairs,
    plan_blocks,
    what_fits,
)


def row(
    label: str,
    n: int,
    *,
    y: int = 0,
    taken: tuple[int, ...] = (),
    gap_after: tuple[int, ...] = (),
    rank: int = 0,
    category: int = 1,
    accessible: tuple[int, ...] = (),
    companion: tuple[int, ...] = (),
    first_id: int = 0,
) -> list[Place]:
    """Seats `label`1..n; the id of seat k is first_id + k."""
    places, x = [], 0
    for k in range(1, n + 1):
        places.append(
            Place(
                id=first_id + k,
                section="S",
                row_label=label,
                x=x,
                y=y,
                category_id=category,
                rank=rank,
                accessible=k in accessible,
                companion=k in companion,
                free=k not in taken,
            )
        )
        x += 2 if k in gap_after else 1
    return places


# --- the picker -----------------------------------------------------------------------------


def test_picker_takes_the_middle_of_the_front_row():
    hall = row("A", 10) + row("B", 10, y=1, first_id=100)

    assert choose_block(hall, 2) == (5, 6)
    assert choose_block(hall, 4) == (4, 5, 6, 7)


def test_picker_goes_back_a_row_when_the_front_row_cannot_seat_the_party_together():
    hall = row("A", 10, taken=(4, 7)) + row("B", 10, y=1, first_id=100)

    assert choose_block(hall, 4) == (104, 105, 106, 107)


def test_picker_never_leaves_a_single_empty_seat_when_another_choice_exists():
    # Free: 3..10. For three seats, 4-6 is as central as 5-7 but would strand seat 3 alone.
    hall = row("A", 10, taken=(1, 2))

    assert choose_block(hall, 3) == (5, 6, 7)
    assert choose_block(hall, 2) == (5, 6)


def test_picker_accepts_a_single_empty_seat_when_nothing_else_fits():
    hall = row("A", 5, taken=(1,))  # free 2..5: any 3 seats strand one

    assert choose_block(hall, 3) in {(2, 3, 4), (3, 4, 5)}


def test_picker_treats_an_aisle_as_a_break_in_the_row():
    hall = row("A", 6, gap_after=(3,))  # seats 1-3 | aisle | 4-6

    assert choose_block(hall, 4) is None
    assert choose_block(hall, 3) in {(1, 2, 3), (4, 5, 6)}


def test_picker_prefers_the_best_category_and_respects_the_one_asked_for():
    hall = row("A", 6, category=2, rank=1) + row("K", 6, y=8, category=1, rank=0, first_id=100)

    assert choose_block(hall, 2) == (103, 104)
    assert choose_block(hall, 2, category_id=2) == (3, 4)


def test_picker_gives_accessible_seats_with_their_companions():
    hall = row("A", 8) + row("B", 8, y=1, accessible=(1, 2), companion=(3, 4), first_id=100)

    assert choose_block(hall, 2, accessible=1) == (102, 103)  # keeps seat 1 for a wheelchair
    assert choose_block(hall, 4, accessible=2) == (101, 102, 103, 104)
    assert choose_block(hall, 3, accessible=3) is None


def test_picker_keeps_accessible_seats_free_for_those_who_need_them():
    hall = row("A", 6, accessible=(3, 4), companion=(2, 5)) + row("B", 6, y=1, first_id=100)

    assert choose_block(hall, 2) == (103, 104)


def test_plan_lists_the_blocks_buyers_in_a_queue_would_get():
    hall = row("A", 12)

    assert plan_blocks(hall, 4, 10) == [(5, 6, 7, 8), (1, 2, 3, 4), (9, 10, 11, 12)]


# --- the operation --------------------------------------------------------------------------


def test_best_available_holds_the_centre_of_the_front_row(engine, buyers):
    venue = build_show(engine, [grid_section("Stalls", "Premium", row_labels(3), 10)])

    result = hold_best_available(buyers[0], venue.show_id, 4, now=NOW, db=engine)

    assert result.labels == tuple(f"Stalls row A seat {n}" for n in (4, 5, 6, 7))
    assert result.total_cents == 20000
    # Row A now has 1-3 and 8-10 free: every pair there strands a single seat, so the pair
    # goes to the centre of row B instead.
    second = hold_best_available(buyers[1], venue.show_id, 2, now=NOW, db=engine)
    assert second.labels == ("Stalls row B seat 5", "Stalls row B seat 6")
    assert check_invariants(engine, now=NOW) == []


def test_best_available_in_a_category_and_in_the_best_one_by_default(engine, buyers):
    venue = build_show(
        engine,
        [
            grid_section("Balcony", "Standard", ["A"], 6),
            grid_section("Stalls", "Premium", ["K"], 6, y0=10),
        ],
    )

    best = hold_best_available(buyers[0], venue.show_id, 2, now=NOW, db=engine)
    cheap = hold_best_available(
        buyers[1], venue.show_id, 2, category_id=venue.categories["Standard"], now=NOW, db=engine
    )

    assert best.labels == ("Stalls row K seat 3", "Stalls row K seat 4")
    assert cheap.labels == ("Balcony row A seat 3", "Balcony row A seat 4")
    with pytest.raises(InvalidRequest):
        hold_best_available(buyers[2], venue.show_id, 2, category_id=999_999, now=NOW, db=engine)


def test_best_available_accessible_request_gets_companion_seats_beside(engine, buyers):
    venue = build_show(
        engine,
        [
            grid_section(
                "Stalls",
                "Premium",
                ["A", "B"],
                6,
                accessible={("B", 1), ("B", 2)},
                companion={("B", 3)},
            )
        ],
    )

    result = hold_best_available(buyers[0], venue.show_id, 2, accessible=1, now=NOW, db=engine)

    assert result.labels == ("Stalls row B seat 2", "Stalls row B seat 3")
    with pytest.raises(NotEnoughSeats):
        hold_best_available(buyers[1], venue.show_id, 3, accessible=2, now=NOW, db=engine)
    with pytest.raises(InvalidRequest):
        hold_best_available(buyers[1], venue.show_id, 2, accessible=3, now=NOW, db=engine)


def test_best_available_raises_not_enough_seats_when_no_block_fits(engine, buyers):
    venue = build_show(engine, [grid_section("Stalls", "Premium", ["A"], 5)])
    hold_seats(buyers[0], venue.show_id, venue.ids("A3"), now=NOW, db=engine)

    with pytest.raises(NotEnoughSeats):
        hold_best_available(buyers[1], venue.show_id, 3, now=NOW, db=engine)

    assert seat_statuses(venue.show_id, now=NOW, db=engine)[venue.seats["A1"]] == "available"
    assert check_invariants(engine, now=NOW) == []


def test_best_available_joins_the_live_hold_and_respects_the_cap(engine, buyers):
    venue = build_show(engine, max_seats_per_customer=5)
    chosen = hold_seats(buyers[0], venue.show_id, venue.ids("C1"), now=NOW, db=engine)

    more = hold_best_available(buyers[0], venue.show_id, 4, now=NOW, db=engine)

    assert more.hold_id == chosen.hold_id and len(more.seat_ids) == 5
    with pytest.raises(HoldLimitExceeded):
        hold_best_available(buyers[0], venue.show_id, 1, now=NOW, db=engine)
    with pytest.raises(InvalidRequest):
        hold_best_available(buyers[1], venue.show_id, 0, now=NOW, db=engine)
    assert check_invariants(engine, now=NOW) == []


def test_best_available_takes_seats_of_expired_holds(engine, buyers):
    venue = build_show(engine, [grid_section("Stalls", "Premium", ["A"], 4)])
    old = hold_seats(
        buyers[0], venue.show_id, venue.ids("A1", "A2", "A3", "A4"), now=NOW, db=engine
    )

    result = hold_best_available(buyers[1], venue.show_id, 4, now=old.expires_at, db=engine)

    assert result.seat_ids == old.seat_ids
    assert check_invariants(engine, now=old.expires_at) == []


def test_replacing_the_cart_keeps_the_old_seats_when_no_block_is_found(engine):
    venue = build_show(engine)
    buyer = make_users(engine, 1)[0]
    hold_seats(buyer, venue.show_id, venue.ids("B5"), now=NOW, db=engine)

    with pytest.raises(NotEnoughSeats):
        hold_best_available(  # this hall has no wheelchair spaces
            buyer, venue.show_id, 3, accessible=1, replace_hold=True, now=NOW, db=engine
        )
    kept = current_hold(buyer, venue.show_id, now=NOW, db=engine)

    found = hold_best_available(buyer, venue.show_id, 3, replace_hold=True, now=NOW, db=engine)
    statuses = seat_statuses(venue.show_id, now=NOW, db=engine)

    assert kept is not None and kept.seat_ids == (venue.seats["B5"],)
    assert found.hold_id != kept.hold_id and len(found.seat_ids) == 3
    assert statuses[venue.seats["B5"]] == "available" or venue.seats["B5"] in found.seat_ids
    assert current_hold(buyer, venue.show_id, now=NOW, db=engine).seat_ids == found.seat_ids


# --- a party with wheelchair users, when no single block fits -------------------------------


def test_picker_seats_a_wheelchair_party_as_space_companion_and_the_nearest_seats():
    # Row A: ordinary seats; row B: one wheelchair space (B1) with its companion seat (B2),
    # then an aisle and ordinary seats. No block of 4 has a wheelchair space in it.
    hall = row("A", 8) + row(
        "B", 6, y=1, accessible=(1,), companion=(2,), gap_after=(2,), first_id=100
    )
    assert choose_block(hall, 4, accessible=1) is None

    group = group_with_wheelchairs(hall, 4, 1)

    assert group is not None and group[:2] == (101, 102)  # the space and its companion
    rest = [p for p in hall if p.id in group[2:]]
    assert len(rest) == 2 and not any(p.accessible for p in rest)
    assert {p.row_label for p in rest} == {"B"}  # the same row, across the aisle


def test_picker_says_what_fits_when_nothing_does():
    hall = row("A", 5, taken=(3,))
    assert what_fits(hall, 3) == (
        "No 3 seats are left together for this choice. At most 2 seats together are left: "
        "try fewer, or another category."
    )
    assert what_fits(hall, 2, accessible=1) == (
        "No 2 seats with 1 wheelchair space are left together for this choice. "
        "There are no wheelchair spaces left."
    )


def test_best_available_seats_a_party_of_four_with_one_wheelchair_in_a_big_hall(engine, buyers):
    venue = build_show(
        engine,
        [
            grid_section(
                "Stalls",
                "Premium",
                ["A", "B", "C"],
                10,
                accessible={("C", 1)},
                companion={("C", 2)},
            )
        ],
    )

    result = hold_best_available(buyers[0], venue.show_id, 4, accessible=1, now=NOW, db=engine)

    assert result.labels[:2] == ("Stalls row C seat 1", "Stalls row C seat 2")
    assert len(result.seat_ids) == 4
    assert set(result.labels[2:]) <= {f"Stalls row C seat {n}" for n in range(3, 11)}
    assert check_invariants(engine, now=NOW) == []
