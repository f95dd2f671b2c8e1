"""Who a booking is for: one valid address and a one-line name, whichever door it came in by."""

from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from tests.engine.conftest import NOW
from ticketapp.booking import InvalidRequest, clean_buyer, confirm_hold, hold_seats
from ticketapp.models import Booking, Hold, OutboxMail


@pytest.mark.parametrize(
    "email",
    [
        "a@x.com, b@y.org, c@z.net",
        "a@x.com b@y.org",
        "a@x.com\r\nBcc: everyone@example.com",
        "Carla <carla@example.com>",
        "not an address",
    ],
)
def test_anything_but_one_address_is_refused(email: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        clean_buyer("Carla", email)
    assert refused.value.field == "buyer_email"


@pytest.mark.parametrize(
    "name",
    [
        "Carla\r\nBcc: everyone@example.com",
        "Carla\u202egnp.exe",
        "Your prize: https://evil.example/claim",
        "Claim at www.evil.example",
        "Carla (see evil-prizes.com)",
        "x" * 121,
    ],
)
def test_names_with_control_characters_or_web_addresses_are_refused(name: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        clean_buyer(name, "carla@example.com")
    assert refused.value.field == "buyer_name"


def test_ordinary_names_and_addresses_pass_tidied() -> None:
    assert clean_buyer("  Jean-Luc   O'Brien Jr. ", " jl@Example.COM ") == (
        "Jean-Luc O'Brien Jr.",
        "jl@example.com",
    )
    assert clean_buyer("", "") == ("", "")  # the account's own name and address


def test_confirm_with_a_list_of_addresses_books_nothing(engine, venue, buyers) -> None:
    held = hold_seats(buyers[0], venue.show_id, venue.ids("A1"), now=NOW, db=engine)

    with pytest.raises(InvalidRequest):
        confirm_hold(
            held.hold_id,
            user_id=buyers[0],
            buyer_email="a@x.com, b@y.org, c@z.net",
            now=NOW,
            db=engine,
        )

    with Session(engine) as session:
        assert session.exec(select(func.count(Booking.id))).one() == 0
        assert session.exec(select(func.count(OutboxMail.id))).one() == 0
        assert session.get(Hold, held.hold_id).status == "active"
