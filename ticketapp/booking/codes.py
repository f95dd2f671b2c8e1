"""Booking and ticket codes (stub: being implemented)."""

from __future__ import annotations


def new_booking_code() -> str:
    raise NotImplementedError


def new_ticket_code() -> str:
    raise NotImplementedError


def normalize_booking_code(code: str) -> str:
    raise NotImplementedError
