"""Seat layouts: the editor's plans, and how a saved change reaches the shows that use them."""

from __future__ import annotations

import contextlib
import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import select

from tests.engine.conftest import NOW, PRICES, STARTS, build_show, make_users
from ticketapp.booking import (
    Actor,
    BookingError,
    Conflict,
    InvalidRequest,
    LayoutConflict,
    NotAllowed,
    PriceSpec,
    SectionPlan,
    SectionSpec,
    cancel_booking,
    check_invariants,
    check_plans,
    compact_layout,
    confirm_hold,
    create_layout,
    create_show,
    decode_preview_seat_id,
    edit_show,
    get_layout_plans,
    hold_general_admission,
    hold_seats,
    layout_categories,
    list_layouts,
    preview,
    save_layout,
    seat_positions,
    seat_statuses,
    section_spec,
    versioned_status_string,
)
from ticketapp.db import session_scope
from ticketapp.demo import _concert_hall
from ticketapp.models import Role, SeatStatus, ShowSeat

ORG = Role.ORGANIZER
STALLS = SectionPlan("Stalls", "Premium", rows=("A", "B", "C"), seats_per_row=10)


def stalls(**changes) -> SectionPlan:
    """The fixture's hall (Stalls, rows A-C x 10, Premium) with some changes."""
    return replace(STALLS, **changes)


def places(engine, show_id: int) -> dict[str, ShowSeat]:
    with session_scope(engine) as session:
        rows = session.exec(select(ShowSeat).where(ShowSeat.show_id == show_id)).all()
        return {s.label: s for s in rows}


def save(venue, *sections: SectionPlan, now=NOW, actor=None, role=ORG, name="Hall"):
    return save_layout(
        name,
        list(sections),
        actor=Actor(actor or venue.organizer_id, role),
        layout_id=venue.layout_id,
        now=now,
        db=venue.db,
    )


def sell(venue, buyer, *seats):
    held = hold_seats(buyer, venue.show_id, venue.ids(*seats), now=NOW, db=venue.db)
    return confirm_hold(held.hold_id, user_id=buyer, now=NOW, db=venue.db)


# --- plans -------------------------------------------------------------------------------


def test_a_plan_places_seats_with_aisles_and_marks():
    plan = SectionPlan(
        "Front",
        "Premium",
        rows=("A", "B"),
        seats_per_row=5,
        x0=2,
        y0=1,
        aisles_after=(2,),
        marks=((0, 1, "accessible"), (0, 2, "companion"), (1, 3, "gap"), (1, 5, "blocked")),
    )

    seats = {(s.row_label, s.number): s for s in section_spec(plan).seats}

    assert len(seats) == 9  # B3 is a gap
    assert (seats["A", 1].x, seats["A", 1].y, seats["A", 1].accessible) == (2, 1, True)
    assert seats["A", 2].companion and seats["A", 2].x == 3
    assert seats["A", 3].x == 5  # one empty column after seat 2
    assert ("B", 3) not in seats
    assert seats["B", 5].blocked and seats["B", 5].y == 2


def test_a_stored_layout_reads_back_into_plans_that_rebuild_the_same_seats(engine):
    organizer = make_users(engine, 1, ORG, "organizer")[0]
    stored = _concert_hall()  # aisles, wheelchair and companion seats, blocked seats
    layout_id = create_layout(Actor(organizer, ORG), "Concert hall", stored, db=engine)

    plans = get_layout_plans(layout_id, actor=Actor(organizer, ORG), db=engine)

    assert [p.name for p in plans.sections] == [s.name for s in stored]
    for spec, plan in zip(stored, plans.sections, strict=True):
        assert sorted(section_spec(plan).seats, key=str) == sorted(spec.seats, key=str)
    assert layout_categories(layout_id, actor=Actor(organizer, ORG), db=engine) == [
        "Premium",
        "Standard",
        "Balcony",
    ]


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        ([], "at least one section"),
        ([STALLS, SectionPlan("stalls", "X", rows=("A",), seats_per_row=1)], "must differ"),
        ([SectionPlan("Stalls", "", rows=("A",), seats_per_row=2)], "price category"),
        ([SectionPlan("Stalls", "P", rows=("A", "A"), seats_per_row=2)], "A repeats"),
        ([SectionPlan("Stalls", "P", rows=("A",), seats_per_row=0)], "seats per row"),
        ([SectionPlan("Stalls", "P", rows=("A",), seats_per_row=201)], "seats per row"),
        (
            [SectionPlan("Stalls", "P", rows=("A",), seats_per_row=1, marks=((0, 1, "gap"),))],
            "every place is a gap",
        ),
        ([SectionPlan("Floor", "P", standing=True, capacity=0)], "capacity"),
        (
            [STALLS, SectionPlan("Box", "P", rows=("X",), seats_per_row=2, x0=3, y0=2)],
            "Sections Stalls and Box overlap",
        ),
    ],
)
def test_plans_that_cannot_be_drawn_or_sold_are_refused_with_a_reason(sections, message):
    with pytest.raises(InvalidRequest, match=message):
        check_plans(sections)


def test_the_preview_draws_gaps_and_blocked_seats_and_names_cells_by_id():
    plans = [
        SectionPlan(
            "Stalls",
            "Premium",
            rows=("A", "B"),
            seats_per_row=3,
            marks=((0, 2, "gap"), (1, 3, "blocked"), (1, 1, "accessible")),
        ),
        SectionPlan("Floor", "Standing", standing=True, capacity=100),
    ]

    layout, statuses = preview(plans)

    assert len(layout["seats"]) == len(statuses) == 6  # standing areas are not drawn
    assert statuses == "aga" + "aax"
    assert [c["name"] for c in layout["categories"]] == ["Premium", "Standing"]
    accessible = layout["seats"][3]
    assert decode_preview_seat_id(accessible[0]) == (0, 1, 1) and accessible[7] == 1


# --- saving, and the shows that use the layout -------------------------------------------


def test_a_new_layout_belongs_to_its_organizer_and_is_listed(engine):
    organizer, rival = make_users(engine, 2, ORG, "organizer")
    saved = save_layout("Club", [STALLS], actor=Actor(organizer, ORG), now=NOW, db=engine)

    mine = list_layouts(actor=Actor(organizer, ORG), now=NOW, db=engine)

    assert [(s.id, s.name, s.seats, s.sections) for s in mine] == [(saved.layout_id, "Club", 30, 1)]
    assert list_layouts(actor=Actor(rival, ORG), now=NOW, db=engine) == []
    with pytest.raises(NotAllowed):
        get_layout_plans(saved.layout_id, actor=Actor(rival, ORG), db=engine)


def test_a_new_row_reaches_upcoming_shows_as_places_for_sale(engine, venue, buyers):
    before = compact_layout(venue.show_id, db=engine)

    saved = save(venue, stalls(rows=("A", "B", "C", "D")))

    assert saved.shows_updated == (venue.show_id,) and saved.places_added == 10
    now_places = places(engine, venue.show_id)
    assert now_places["Stalls row D seat 4"].status == SeatStatus.AVAILABLE
    after = compact_layout(venue.show_id, db=engine)
    assert after["version"] == before["version"] + 1 and len(after["seats"]) == 40
    d4 = now_places["Stalls row D seat 4"].id
    version, statuses = versioned_status_string(venue.show_id, db=engine)
    assert version == after["version"] and len(statuses) == 40
    # Live viewers index statuses by the version they hold; the old one still reads as it was.
    assert d4 in seat_positions(venue.show_id, version, db=engine)
    assert d4 not in seat_positions(venue.show_id, before["version"], db=engine)
    assert hold_seats(buyers[0], venue.show_id, [d4], now=NOW, db=engine).seat_ids == (d4,)
    assert check_invariants(engine, now=NOW) == []


def test_removing_a_sold_seat_is_refused_naming_it_and_nothing_changes(engine, venue, buyers):
    sell(venue, buyers[0], "C3", "C4")
    before = places(engine, venue.show_id)

    with pytest.raises(LayoutConflict) as refused:
        save(venue, stalls(rows=("A", "B")))

    assert "Stalls row C seat 3 (sold" in str(refused.value)
    assert "Stalls row C seat 4 (sold" in str(refused.value)
    assert "row C seat 5" not in str(refused.value)  # free seats are not the problem
    assert places(engine, venue.show_id).keys() == before.keys()
    plans = get_layout_plans(venue.layout_id, actor=venue.organizer, db=engine)
    assert plans.sections[0].rows == ("A", "B", "C")  # the layout itself is unchanged too


def test_renaming_a_row_with_a_sold_seat_is_refused_but_a_free_row_may_be_renamed(
    engine, venue, buyers
):
    sell(venue, buyers[0], "A1")
    with pytest.raises(LayoutConflict, match="Stalls row A seat 1"):
        save(venue, stalls(rows=("AA", "B", "C")))

    save(venue, stalls(rows=("A", "B", "CC")))

    labels = places(engine, venue.show_id).keys()
    assert "Stalls row CC seat 1" in labels and "Stalls row C seat 1" not in labels
    assert check_invariants(engine, now=NOW) == []


def test_blocking_follows_the_layout_but_a_sold_or_held_seat_cannot_be_blocked(
    engine, venue, buyers
):
    sell(venue, buyers[0], "A1")
    hold_seats(buyers[1], venue.show_id, venue.ids("A2"), now=NOW, db=engine)

    with pytest.raises(LayoutConflict) as refused:
        save(venue, stalls(marks=((0, 1, "blocked"), (0, 2, "blocked"))))
    assert "Stalls row A seat 1 (sold" in str(refused.value)
    assert "Stalls row A seat 2 (held" in str(refused.value)

    save(venue, stalls(marks=((0, 3, "blocked"), (0, 4, "accessible"))))
    got = places(engine, venue.show_id)
    assert got["Stalls row A seat 3"].status == SeatStatus.BLOCKED
    assert got["Stalls row A seat 4"].accessible
    save(venue, STALLS)
    assert places(engine, venue.show_id)["Stalls row A seat 3"].status == SeatStatus.AVAILABLE
    assert check_invariants(engine, now=NOW) == []


def test_a_seat_held_by_an_expired_hold_may_be_removed(engine, venue, buyers):
    hold_seats(buyers[0], venue.show_id, venue.ids("C1"), now=NOW, db=engine)
    later = NOW + timedelta(hours=1)  # the 600 s hold has run out

    save(venue, stalls(rows=("A", "B")), now=later)

    assert "Stalls row C seat 1" not in places(engine, venue.show_id)
    assert check_invariants(engine, now=later) == []


def test_a_removed_place_with_a_cancelled_ticket_stays_blocked_for_the_record(
    engine, venue, buyers
):
    booking = sell(venue, buyers[0], "C1")
    cancel_booking(booking.id, actor=Actor(buyers[0], "customer"), now=NOW, db=engine)

    saved = save(venue, stalls(rows=("A", "B")))

    left = places(engine, venue.show_id)
    assert left["Stalls row C seat 1"].status == SeatStatus.BLOCKED
    assert "Stalls row C seat 2" not in left
    assert saved.places_removed == 10
    assert check_invariants(engine, now=NOW) == []


def test_past_and_cancelled_shows_keep_their_snapshot(engine, venue):
    later = venue.second_show(STARTS + timedelta(days=1))
    # The first show has started by the time the layout is edited.
    saved = save(venue, stalls(rows=("A",)), now=STARTS + timedelta(hours=1))

    assert saved.shows_updated == (later.show_id,)
    assert len(places(engine, venue.show_id)) == 30
    assert len(places(engine, later.show_id)) == 10


def test_a_new_category_needs_a_price_on_the_show_first(engine, venue):
    balcony = SectionPlan("Balcony", "Balcony", rows=("K",), seats_per_row=4, y0=5)

    with pytest.raises(Conflict, match="no price for Balcony"):
        save(venue, STALLS, balcony)

    edit_show(
        venue.show_id,
        actor=venue.organizer,
        prices=[PriceSpec("Balcony", 1500)],
        now=NOW,
        db=engine,
    )
    save(venue, STALLS, balcony)
    assert places(engine, venue.show_id)["Balcony row K seat 4"].status == SeatStatus.AVAILABLE


def test_a_standing_area_shrinks_by_free_places_only(engine, buyers):
    venue = build_show(
        engine,
        [SectionSpec("Floor", "Premium", general_admission_capacity=10)],
    )
    hold_general_admission(buyers[0], venue.show_id, 4, now=NOW, db=engine)
    floor = SectionPlan("Floor", "Premium", standing=True)

    with pytest.raises(LayoutConflict, match="4 places are sold or held"):
        save(venue, replace(floor, capacity=3))
    save(venue, replace(floor, capacity=5))
    assert len(places(engine, venue.show_id)) == 5
    save(venue, replace(floor, capacity=12))

    got = places(engine, venue.show_id).values()
    assert len(got) == 12 and sum(s.status == SeatStatus.HELD for s in got) == 4
    assert check_invariants(engine, now=NOW) == []


def test_only_the_owner_or_an_admin_changes_a_layout(engine, venue, admin):
    rival = make_users(engine, 1, ORG, "organizer")[0]
    customer = make_users(engine, 1)[0]

    with pytest.raises(NotAllowed):
        save(venue, STALLS, actor=rival)
    with pytest.raises(NotAllowed):
        save(venue, STALLS, actor=customer, role=Role.CUSTOMER)
    with pytest.raises(NotAllowed):
        list_layouts(actor=Actor(customer, Role.CUSTOMER), db=engine)
    rival_event = build_show(engine, organizer_id=rival).event_id
    with pytest.raises(NotAllowed, match="your own layouts"):
        create_show(
            rival_event,
            STARTS,
            venue.layout_id,
            PRICES,
            actor=Actor(rival, ORG),
            now=NOW,
            db=engine,
        )
    assert save(venue, STALLS, actor=admin, role=Role.ADMIN, name="By admin").layout_id


def test_a_show_moved_to_another_layout_gets_its_places_unless_sold_ones_would_go(
    engine, venue, buyers
):
    small = save_layout(
        "Small",
        [SectionPlan("Stalls", "Premium", rows=("A",), seats_per_row=5)],
        actor=venue.organizer,
        now=NOW,
        db=engine,
    ).layout_id
    booking = sell(venue, buyers[0], "B1")

    def move():
        return edit_show(
            venue.show_id,
            actor=venue.organizer,
            layout_id=small,
            now=NOW,
            db=engine,
        )

    with pytest.raises(LayoutConflict, match="Stalls row B seat 1"):
        move()
    cancel_booking(booking.id, actor=Actor(buyers[0], "customer"), now=NOW, db=engine)
    assert move().layout_id == small
    left = places(engine, venue.show_id)
    assert len(left) == 6  # A1-A5, and B1 that keeps its cancelled ticket's record
    assert left["Stalls row B seat 1"].status == SeatStatus.BLOCKED
    assert check_invariants(engine, now=NOW) == []


def test_a_buyer_racing_a_layout_edit_never_loses_a_seat_to_it(pg_engine):
    venue = build_show(pg_engine)
    buyers = make_users(pg_engine, 6)
    row_c = venue.ids(*[f"C{n}" for n in range(1, 7)])
    barrier = threading.Barrier(len(buyers) + 1)
    outcome: dict[str, object] = {}

    def buyer(user: int, seat: int) -> None:
        barrier.wait()
        with contextlib.suppress(BookingError):
            hold_seats(user, venue.show_id, [seat], now=NOW, db=pg_engine)

    def organizer() -> None:
        barrier.wait()
        try:
            outcome["saved"] = save(venue, stalls(rows=("A", "B")))
        except LayoutConflict as exc:
            outcome["refused"] = exc

    threads = [
        threading.Thread(target=buyer, args=pair) for pair in zip(buyers, row_c, strict=True)
    ]
    threads.append(threading.Thread(target=organizer))
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    statuses = seat_statuses(venue.show_id, now=NOW, db=pg_engine)
    held = [s for s in row_c if statuses.get(s) == "held"]
    if "saved" in outcome:
        assert not any(s in statuses for s in row_c)  # row C is gone, and nobody held it
    else:
        assert held and all(s in statuses for s in row_c)
    assert check_invariants(pg_engine, now=NOW) == []
