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
