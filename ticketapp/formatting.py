"""How money and dates read to people. Money is integer cents everywhere else."""

from __future__ import annotations

from datetime import datetime

from ticketapp.timezones import DEFAULT_ZONE, to_local, to_utc

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


def money(cents: int, currency: str = "EUR") -> str:
    symbol = SYMBOLS.get(currency)
    amount = f"{cents // 100:,}.{cents % 100:02d}"
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"


def show_time(when: datetime, zone: str = DEFAULT_ZONE) -> str:
    """E.g. 'Sat 28 Nov 2026, 19:30 CET': the venue's wall clock and its zone's abbreviation."""
    return to_local(when, zone).strftime("%a %-d %b %Y, %H:%M %Z")


def short_date(when: datetime, zone: str = DEFAULT_ZONE) -> str:
    return to_local(when, zone).strftime("%a %-d %b")


def plural(count: int, singular: str, plural_form: str = "") -> str:
    """'1 seat', '2 seats', '0 seats' (English: one is singular, every other count plural)."""
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"


def percent(part: int, whole: int) -> int:
    """Whole percent, 0 for an empty whole."""
    return round(100 * part / whole) if whole else 0


def input_time(when: datetime | None, zone: str = DEFAULT_ZONE) -> str:
    """The value of an <input type="datetime-local">: the venue's wall clock."""
    return to_local(when, zone).strftime("%Y-%m-%dT%H:%M") if when else ""


def parse_input_time(text: str, zone: str = DEFAULT_ZONE) -> datetime | None:
    """A datetime-local input's value (the venue's wall clock) as aware UTC; None when empty.

    ValueError if garbled; TimeZoneError (a ValueError) for a time the venue's clocks skip."""
    text = (text or "").strip()
    if not text:
        return None
    return to_utc(datetime.fromisoformat(text).replace(tzinfo=None), zone)


def parse_money(text: str) -> int:
    """'12', '12.5', '12,50', '€12.50' -> cents. ValueError if it is not an amount."""
    cleaned = (text or "").strip().lstrip("€$£").replace(" ", "").replace(",", ".")
    if not cleaned:
        raise ValueError("empty amount")
    negative = cleaned.startswith("-")
    whole, _, fraction = cleaned.lstrip("-").partition(".")
    if not whole.isdigit() or (fraction and not fraction.isdigit()) or len(fraction) > 2:
        raise ValueError(f"not an amount: {text!r}")
    cents = int(whole) * 100 + int((fraction + "00")[:2])
    return -cents if negative else cents


def money_input(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"
