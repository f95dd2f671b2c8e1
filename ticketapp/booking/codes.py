"""Booking and ticket codes.

A booking code is what a customer reads out at a counter or types into a form: 8 characters
from an alphabet without the look-alikes 0/O, 1/I/L (31 symbols, about 8.5e11 codes), so it is
short, unambiguous and still practically collision-free; the unique index on `booking.code`
settles the rare clash (the transaction is retried with fresh codes).

A ticket code is what opens the door, so it must be unguessable: 20 random symbols of
Crockford's base 32 (100 bits from `secrets`). It is also what a steward types when a QR code
will not scan, so it forgives what people get wrong when copying it: case, spaces and dashes,
and the look-alikes O (read as 0) and I, L (read as 1) — `normalize_ticket_code`, the one rule
for both doors. Codes issued before this alphabet (URL-safe base64) still admit when typed
exactly. Nothing in either code is derived from ids, times or names.
"""

from __future__ import annotations

import secrets

BOOKING_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BOOKING_CODE_LENGTH = 8
# Crockford's base 32: digits and upper-case letters without I, L, O, U.
TICKET_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TICKET_CODE_LENGTH = 20  # 100 bits
TICKET_CODE_GROUP = 4  # shown as ABCD-EFGH-... so it can be read out and typed
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_booking_code() -> str:
    # One draw of a uniform number below 31^8, written in base 31: the same distribution as
    # eight `secrets.choice` calls at an eighth of the CPU (codes are made on the hot path).
    return _digits(secrets.randbelow(_BOOKING_CODES), BOOKING_CODE_ALPHABET, BOOKING_CODE_LENGTH)


def new_ticket_code() -> str:
    # 100 random bits, five per symbol of the 32-symbol alphabet.
    return _digits(
        secrets.randbits(5 * TICKET_CODE_LENGTH), TICKET_CODE_ALPHABET, TICKET_CODE_LENGTH
    )


_BOOKING_CODES = len(BOOKING_CODE_ALPHABET) ** BOOKING_CODE_LENGTH


def _digits(number: int, alphabet: str, length: int) -> str:
    """`number` (below len(alphabet) ** length) as exactly `length` symbols of `alphabet`."""
    base = len(alphabet)
    symbols = []
    for _ in range(length):
        number, digit = divmod(number, base)
        symbols.append(alphabet[digit])
    return "".join(symbols)


def normalize_booking_code(code: str) -> str:
    """The code as stored: upper case, without spaces or dashes people add when copying it."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def normalize_ticket_code(code: str) -> str:
    """A typed ticket code as stored: upper case, no separators, O->0 and I/L->1."""
    return normalize_booking_code(code).translate(_LOOK_ALIKES)


def grouped_ticket_code(code: str) -> str:
    """'ABCD-EFGH-JKMN-PQRS-TVWX': how a ticket code is printed for people to read."""
    if len(code) != TICKET_CODE_LENGTH or not set(code) <= set(TICKET_CODE_ALPHABET):
        return code  # an older code is printed as it is, since it is typed exactly
    step = TICKET_CODE_GROUP
    return "-".join(code[i : i + step] for i in range(0, len(code), step))
