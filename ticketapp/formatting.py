"""How money and dates read to people. Money is integer cents everywhere else."""

from __future__ import annotations

from datetime import UTC, datetime

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


def money(cents: int, currency: str = "EUR") -> str:
    symbol = SYMBOLS.get(currency)
    amount = f"{cents // 100:,}.{cents % 100:02d}"
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"


def show_time(when: datetime) -> str:
    """E.g. 'Sat 28 Nov 2026, 19:30 UTC' — times are shown in UTC until users pick a zone."""
    when = when.astimezone(UTC)
    return when.strftime("%a %-d %b %Y, %H:%M UTC")


def short_date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%a %-d %b")


def percent(part: int, whole: int) -> int:
    """Whole percent, 0 for an empty whole."""
    return round(100 * part / whole) if whole else 0


def input_time(when: datetime | None) -> str:
    """The value of an <input type="datetime-local"> (times are UTC, like everywhere here)."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M") if when else ""


def parse_input_time(text: str) -> datetime | None:
    """A datetime-local input's value as aware UTC; None when empty. ValueError if garbled."""
    text = (text or "").strip()
    if not text:
        return None
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


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
