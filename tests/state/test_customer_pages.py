"""The customer's handlers, called without a browser the way the page calls them."""

from __future__ import annotations

from tests.engine.conftest import build_show, make_users
from tests.state.test_dashboard_access import call, db, on_own_loop, tab  # noqa: F401
from ticketapp import booking
from ticketapp.booking import Actor
from ticketapp.models import Role
from ticketapp.state.checkout import CheckoutState
from ticketapp.state.event_admin import EventAdminState, PriceRow, ShowFormState
from ticketapp.state.new_event import NewEventState
from ticketapp.state.show import ShowState


def test_best_available_asks_before_it_lets_held_seats_go(db):  # noqa: F811
    venue = build_show(db)
    buyer = make_users(db, 1)[0]
    held = booking.hold_seats(buyer, venue.show_id, venue.ids("C1"), db=db)
    root = tab(f"/shows/{venue.show_id}", buyer)

    call(
        root,
        ShowState,
        "best_available",
        ({"quantity": "2"},),
        {"current_show_id": venue.show_id, "hold_id": held.hold_id},
    )

    state = on_own_loop(root.get_state(ShowState))
    assert state.confirm_replace and "row C seat 1" in state.replace_text
    still = booking.current_hold(buyer, venue.show_id, db=db)
    assert still is not None and still.seat_ids == (venue.seats["C1"],)

    call(root, ShowState, "keep_held")
    assert not on_own_loop(root.get_state(ShowState)).confirm_replace
    still = booking.current_hold(buyer, venue.show_id, db=db)
    assert still is not None and still.seat_ids == (venue.seats["C1"],)


def test_best_available_that_finds_nothing_leaves_the_customer_their_seats(db):  # noqa: F811
    venue = build_show(db)  # 30 seats in rows of 10
    buyer = make_users(db, 1)[0]
    held = booking.hold_seats(buyer, venue.show_id, venue.ids("A1", "A2"), db=db)
    root = tab(f"/shows/{venue.show_id}", buyer)

    call(
        root,
        ShowState,
        "best_available",
        ({"quantity": "10", "accessible": "1"},),  # no wheelchair spaces in this hall
        {"current_show_id": venue.show_id, "hold_id": held.hold_id},
    )
    call(root, ShowState, "replace_with_best")

    state = on_own_loop(root.get_state(ShowState))
    assert state.message_is_error and state.message
    still = booking.current_hold(buyer, venue.show_id, db=db)
    assert still is not None and set(still.seat_ids) == set(venue.ids("A1", "A2"))


def test_best_available_replaces_the_cart_when_the_customer_says_so(db):  # noqa: F811
    venue = build_show(db)
    buyer = make_users(db, 1)[0]
    held = booking.hold_seats(buyer, venue.show_id, venue.ids("C1"), db=db)
    root = tab(f"/shows/{venue.show_id}", buyer)

    call(
        root,
        ShowState,
        "best_available",
        ({"quantity": "2"},),
        {"current_show_id": venue.show_id, "hold_id": held.hold_id},
    )
    call(root, ShowState, "replace_with_best")

    now_held = booking.current_hold(buyer, venue.show_id, db=db)
    assert now_held is not None and len(now_held.seat_ids) == 2
    assert venue.seats["C1"] not in now_held.seat_ids
    assert booking.seat_statuses(venue.show_id, db=db)[venue.seats["C1"]] == "available"


def busy_when_first_sent(root, state_cls, handler: str, args: tuple, values: dict) -> list:
    """What `busy` was each time the handler handed the browser a delta (each `yield`)."""

    async def go() -> list:
        state = await root.get_state(state_cls)
        for name, value in values.items():
            setattr(state, name, value)
        result = getattr(state, handler)(*args)
        assert hasattr(result, "__aiter__"), f"{handler} never sends an intermediate delta"
        return [state.busy async for _ in result]

    return on_own_loop(go())


def test_confirm_shows_it_is_working_before_the_booking_is_made(db):  # noqa: F811
    venue = build_show(db)
    buyer = make_users(db, 1)[0]
    held = booking.hold_seats(buyer, venue.show_id, venue.ids("A1"), db=db)

    seen = busy_when_first_sent(
        tab(f"/checkout/{held.hold_id}", buyer),
        CheckoutState,
        "confirm",
        ({"buyer_name": "Ada Lovelace", "buyer_email": "ada@example.com"},),
        {"hold_id": held.hold_id, "show_id": venue.show_id},
    )

    assert seen[0] is True and seen[-1] is False
    assert booking.seat_statuses(venue.show_id, db=db)[venue.seats["A1"]] == "booked"


def test_new_event_and_new_show_show_they_are_working(db):  # noqa: F811
    venue = build_show(db)
    organizer = (venue.organizer_id, Role.ORGANIZER)

    created = busy_when_first_sent(
        tab("/organizer/events/new", *organizer),
        NewEventState,
        "create",
        ({"title": "Matinee", "venue_name": "Town Hall"},),
        {},
    )
    root = tab(f"/organizer/events/{venue.event_id}", *organizer)
    on_own_loop(root.get_state(EventAdminState)).event_id = venue.event_id
    added = busy_when_first_sent(
        root,
        ShowFormState,
        "submit",
        (
            {
                "starts_at": "2040-01-01T20:00",
                "hold_minutes": "5",
                "cap": "4",
                "price__Premium": "50.00",
                "price__Standard": "30.00",
            },
        ),
        {
            "show_id": 0,
            "layout_id": str(venue.layout_id),
            "prices": [PriceRow("Premium", ""), PriceRow("Standard", "")],
        },
    )

    assert created[0] is True and created[-1] is False
    assert added[0] is True and added[-1] is False
    assert len(booking.organizer_events(actor=Actor(organizer[0], organizer[1]), db=db)) == 2


def test_a_cancelled_show_page_offers_nothing_and_says_why(db):  # noqa: F811
    venue = build_show(db)
    booking.cancel_show(venue.show_id, actor=venue.organizer, db=db)
    root = tab(f"/shows/{venue.show_id}", make_users(db, 1)[0])

    follow_up = call(root, ShowState, "load")

    state = on_own_loop(root.get_state(ShowState))
    assert not state.on_sale and state.sales_note == "This show was cancelled."
    assert follow_up is None  # no live map to follow for a show nobody can buy


def test_a_show_page_words_counts_with_the_right_plural(db):  # noqa: F811
    venue = build_show(db, hold_seconds=60, max_seats_per_customer=1)
    root = tab(f"/shows/{venue.show_id}", make_users(db, 1)[0])

    call(root, ShowState, "load")

    state = on_own_loop(root.get_state(ShowState))
    assert state.on_sale
    assert state.rules_text == (
        "Up to 1 place per customer. They are held for 1 minute while you check out."
    )


def test_a_replaced_hold_checkout_link_says_replaced_not_expired(db):  # noqa: F811
    venue = build_show(db)
    buyer = make_users(db, 1)[0]
    old = booking.hold_seats(buyer, venue.show_id, venue.ids("C1"), db=db)
    booking.hold_best_available(buyer, venue.show_id, 2, replace_hold=True, db=db)
    root = tab(f"/checkout/{old.hold_id}", buyer)

    call(root, CheckoutState, "load")

    show = on_own_loop(root.get_state(ShowState))
    assert "released or replaced" in show.flash and "expired" not in show.flash
