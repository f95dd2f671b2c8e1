"""The confirmation names each ticket's type and shows the promo code's discount line."""

from __future__ import annotations

from tests.engine.conftest import NOW
from tests.mail.conftest import buyer, make_sender, stage
from ticketapp.booking import confirm_hold, hold_seats
from ticketapp.booking.promo_codes import create_promo_code
from ticketapp.booking.ticket_types import create_ticket_type


def test_the_confirmation_shows_ticket_types_and_the_discount(pg_engine, smtp):
    venue = stage(pg_engine)
    premium = venue.categories["Premium"]
    create_ticket_type(premium, "Adult", 4500, actor=venue.organizer, db=pg_engine)
    child = create_ticket_type(premium, "Child", 2500, actor=venue.organizer, db=pg_engine)
    create_promo_code(venue.event_id, "FAMILY", "amount", 500, actor=venue.organizer, db=pg_engine)
    customer = buyer(pg_engine)
    a1, a2 = venue.ids("A1", "A2")
    held = hold_seats(customer, venue.show_id, [a1, a2], now=NOW, db=pg_engine)
    confirm_hold(
        held.hold_id,
        user_id=customer,
        buyer_email="ada@example.test",
        ticket_types={a2: child.id},
        promo_code="family",
        now=NOW,
        db=pg_engine,
    )

    make_sender(pg_engine, smtp).run_once(now=NOW)

    [got] = smtp.received
    text = got.message.get_body(("plain",)).get_content()
    html = got.message.get_body(("html",)).get_content()
    assert "Stalls row A seat 1, Premium (Adult): €40.00" in text
    assert "Stalls row A seat 2, Premium (Child): €20.00" in text
    assert "-€10.00 (code FAMILY, included above)" in text
    assert "€60.00" in text
    for body in (html,):
        assert "Premium (Adult)" in body and "Premium (Child)" in body
        assert "code FAMILY" in body and "-€10.00" in body
