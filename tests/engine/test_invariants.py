"""The invariant checker: silent on a healthy database, and it names each kind of corruption.

The corruptions are written straight into the tables (the engine itself never produces them).
They run on SQLite, where the partial unique index can be dropped to fake a double booking.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import delete, insert, text, update
from sqlalchemy.engine import Engine

from tests.engine.conftest import NOW, Venue, build_show, make_users
from ticketapp.booking import (
    SectionSpec,
    check_invariants,
    confirm_hold,
    grid_section,
    hold_general_admission,
    hold_seats,
)
from ticketapp.db import session_scope
from ticketapp.models import Booking, Hold, LayoutSection, OutboxMail, Show, ShowSeat, Ticket


class Scene:
    """A show with a booking (A1, A2), a live hold (B1) and a sold-out standing area."""

    def __init__(self, db: Engine) -> None:
        self.db = db
        self.venue: Venue = build_show(
            db,
            [
                grid_section("Stalls", "Premium", ["A", "B"], 4),
                SectionSpec("Floor", "Standard", general_admission_capacity=2),
            ],
        )
        self.buyer, self.other, fan = make_users(db, 3)
        show = self.venue.show_id
        held = hold_seats(self.buyer, show, self.venue.ids("A1", "A2"), now=NOW, db=db)
        self.booking = confirm_hold(held.hold_id, user_id=self.buyer, now=NOW, db=db)
        self.booked_hold_id = held.hold_id
        self.hold = hold_seats(self.other, show, self.venue.ids("B1"), now=NOW, db=db)
        floor = hold_general_admission(fan, show, 2, now=NOW, db=db)
        self.floor_booking = confirm_hold(floor.hold_id, user_id=fan, now=NOW, db=db)

    def seat(self, name: str) -> int:
        return self.venue.seats[name]

    def run(self, *statements) -> None:
        with session_scope(self.db) as session:
            for statement in statements:
                session.exec(statement)


def _second_live_ticket(s: Scene):
    s.run(
        text("DROP INDEX uq_ticket_live_seat"),
        insert(Ticket).values(
            booking_id=s.booking.id,
            show_seat_id=s.seat("A1"),
            code="forged",
            price_cents=0,
            live=True,
        ),
    )


def _tickets_killed(s: Scene):
    s.run(update(Ticket).where(Ticket.booking_id == s.booking.id).values(live=False))


def _seat_freed_under_a_ticket(s: Scene):
    s.run(
        update(ShowSeat)
        .where(ShowSeat.id == s.seat("A1"))
        .values(status="available", booking_id=None)
    )


def _total_changed(s: Scene):
    s.run(update(Booking).where(Booking.id == s.booking.id).values(total_cents=1))


def _booked_late(s: Scene):
    s.run(
        update(Booking)
        .where(Booking.id == s.booking.id)
        .values(created_at=NOW + timedelta(hours=1))
    )


def _available_seat_with_a_hold(s: Scene):
    s.run(update(ShowSeat).where(ShowSeat.id == s.seat("B4")).values(hold_id=s.hold.hold_id))


def _hold_released_but_seat_still_held(s: Scene):
    s.run(update(Hold).where(Hold.id == s.hold.hold_id).values(status="released"))


def _confirmed_hold_reopened(s: Scene):
    s.run(update(Hold).where(Hold.id == s.booked_hold_id).values(status="active"))


def _unknown_seat_status(s: Scene):
    s.run(update(ShowSeat).where(ShowSeat.id == s.seat("B3")).values(status="lost"))


def _standing_area_shrunk_below_sales(s: Scene):
    s.run(
        update(LayoutSection).where(LayoutSection.name == "Floor").values(capacity=1),
    )


def _cap_lowered_under_a_hold(s: Scene):
    s.run(update(Show).where(Show.id == s.venue.show_id).values(max_seats_per_customer=0))


def _second_live_hold(s: Scene):
    s.run(
        insert(Hold).values(
            show_id=s.venue.show_id,
            user_id=s.other,
            created_at=NOW,
            expires_at=NOW + timedelta(minutes=5),
            status="active",
        )
    )


def _booking_deleted_under_its_seats(s: Scene):
    s.run(
        delete(Ticket).where(Ticket.booking_id == s.booking.id),
    )


def _confirmation_mail_lost(s: Scene):
    s.run(delete(OutboxMail).where(OutboxMail.booking_id == s.booking.id))


def _cancelled_without_telling(s: Scene):
    s.run(update(Booking).where(Booking.id == s.booking.id).values(status="cancelled"))


def _cancellation_mail_for_a_live_booking(s: Scene):
    s.run(
        insert(OutboxMail).values(
            dedupe_key=f"booking-cancelled:{s.booking.id}",
            kind="booking_cancelled",
            booking_id=s.booking.id,
            to_address="x@example.test",
            subject="cancelled",
            payload="{}",
            status="pending",
            attempts=0,
            next_attempt_at=NOW,
            claim_token="",
            last_error="",
            created_at=NOW,
        )
    )


CORRUPTIONS: dict[str, tuple[Callable[[Scene], None], str]] = {
    "two live tickets on one seat": (_second_live_ticket, "double_booked"),
    "seat booked, tickets dead": (_tickets_killed, "booked_without_ticket"),
    "tickets gone": (_booking_deleted_under_its_seats, "booking_without_tickets"),
    "live ticket on a free seat": (_seat_freed_under_a_ticket, "ticket_without_booked_seat"),
    "total changed": (_total_changed, "booking_total_mismatch"),
    "booked after the hold expired": (_booked_late, "booked_after_expiry"),
    "available seat with a hold": (_available_seat_with_a_hold, "stale_seat_state"),
    "hold released, seat still held": (
        _hold_released_but_seat_still_held,
        "held_without_live_hold",
    ),
    "confirmed hold reopened": (_confirmed_hold_reopened, "hold_status_mismatch"),
    "unknown seat status": (_unknown_seat_status, "counts_do_not_add_up"),
    "standing area over capacity": (_standing_area_shrunk_below_sales, "ga_over_capacity"),
    "customer over the cap": (_cap_lowered_under_a_hold, "over_customer_cap"),
    "two live holds": (_second_live_hold, "several_live_holds"),
    "confirmation mail lost": (_confirmation_mail_lost, "mail_missing"),
    "cancelled without a mail": (_cancelled_without_telling, "mail_missing"),
    "cancellation mail, booking live": (
        _cancellation_mail_for_a_live_booking,
        "mail_without_change",
    ),
}


@pytest.fixture
def scene(sqlite_engine) -> Scene:
    scene = Scene(sqlite_engine)
    assert check_invariants(sqlite_engine, now=NOW) == []
    return scene


@pytest.mark.parametrize("case", list(CORRUPTIONS))
def test_checker_names_each_kind_of_corruption(scene, case):
    corrupt, rule = CORRUPTIONS[case]

    corrupt(scene)

    problems = check_invariants(scene.db, now=NOW)
    assert any(p.startswith(f"{rule}:") for p in problems), problems


def test_revenue_that_does_not_match_the_bookings_is_reported(scene):
    scene.run(
        update(Ticket).where(Ticket.booking_id == scene.booking.id).values(price_cents=1),
    )

    problems = check_invariants(scene.db, now=NOW)

    assert any(p.startswith("booking_total_mismatch:") for p in problems)
    assert any(p.startswith("counts_do_not_add_up:") and "revenue" in p for p in problems)


def test_checker_is_silent_on_a_healthy_database_at_any_time(scene):
    later = scene.hold.expires_at + timedelta(hours=1)
    assert check_invariants(scene.db, now=later) == []


def test_checker_passes_on_postgres_too(pg_engine):
    Scene(pg_engine)
    assert check_invariants(pg_engine, now=NOW) == []
    assert build_show(pg_engine)  # an empty show is healthy as well
    assert check_invariants(pg_engine, now=NOW) == []
