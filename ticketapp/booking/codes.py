"""Booking and ticket codes.

A booking code is what a customer reads out at a counter or types into a form: 8 characters
from an alphabet without the look-alikes 0/O, 1/I/L (31 symbols, about 8.5e11 codes), so it is
short, unambiguous and still practically collision-free; the unique index on `booking.code`
settles the rare clash (the transaction is retried with fresh codes). A ticket code is what
opens the door, so it must be unguessable rather than readable: 96 random bits from `secrets`,
URL-safe. Nothing in either code is derived from ids, times or names.
"""

from __future__ import annotations

import secrets

BOOKING_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BOOKING_CODE_LENGTH = 8
TICKET_CODE_BYTES = 12  # 96 bits, 16 URL-safe characters


def new_booking_code() -> str:
    return "".join(secrets.choice(BOOKING_CODE_ALPHABET) for _ in range(BOOKING_CODE_LENGTH))


def new_ticket_code() -> str:
    return secrets.token_urlsafe(TICKET_CODE_BYTES)


def normalize_booking_code(code: str) -> str:
    """The code as stored: upper case, without spaces or dashes people add when copying it."""
    return "".join(ch for ch in code.upper() if ch.isalnum())
